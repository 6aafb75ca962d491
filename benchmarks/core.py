"""The pure core: one recommendation, one autocomplete and one learning path, at growing catalog sizes.

Baselines, measured in the same run: the recommender's own one-by-one reference ranking (what the ranking
cost before it went columnar), the same recommendations without community signals (for the ones with); for
autocomplete, a plain linear scan of the titles (of the vocabulary's words, for /path); for a path, each step's
place found by scanning every place its concept is taught.
"""

from __future__ import annotations

import gc
import random

from benchmarks.measure import Figure, p99_ms_figure, time_calls, time_in_turn
from benchmarks.synthetic import synthetic_catalog
from bot.catalog.catalog import Catalog
from bot.catalog.matching import resource_choices
from bot.catalog.vocabulary import Background, Kind, Level, Topic
from bot.community import CommunityFacts, FactRow, community_facts
from bot.community import Figure as Counted
from bot.paths import Member, path_to, target_choices
from bot.reading import ReadingStatus
from bot.recommend import Query, prepare, recommend, score_resource

PROGRESS_ROWS = 100_000
QUERIES = [
    Query(topics=(Topic.LINEAR_ALGEBRA,)),
    Query(topics=(Topic.PROBABILITY,), background=Background.SOFTWARE_ENGINEER),
    Query(background=Background.RESEARCHER, free_only=True),
    Query(topics=(Topic.OPTIMIZATION, Topic.GRADIENT_DESCENT), level=Level.INTERMEDIATE),
    Query(kind=Kind.BOOK),
    Query(text="free probability book for a developer"),
    Query(text="gentle linear algebra for someone with no calculus yet"),
    Query(),
]


def _histories(catalog: Catalog, rows: int, members: int = 2_000, seed: int = 3) -> list[dict[str, ReadingStatus]]:
    """`rows` progress rows spread over `members` members: the histories recommendations are made against."""
    rng = random.Random(seed)
    ids, statuses = catalog.ids, list(ReadingStatus)
    histories: list[dict[str, ReadingStatus]] = [{} for _ in range(members)]
    for row in range(rows):
        histories[row % members][rng.choice(ids)] = rng.choice(statuses)
    return histories


def _reference(catalog: Catalog, query: Query, history: dict[str, ReadingStatus]) -> list[str]:
    """The slow, obvious ranking: every resource scored one by one (the baseline)."""
    scored = []
    for index, resource in enumerate(catalog):
        if history.get(resource.id) in (ReadingStatus.FINISHED, ReadingStatus.DROPPED):
            continue
        found = score_resource(resource, query, history)
        if found is not None:
            scored.append((-found[0], index, resource.id))
    return [rid for _, _, rid in sorted(scored)[:3]]


def bench_recommend(sizes: tuple[int, ...], runs: int) -> list[Figure]:
    """p50/p99 of one recommendation per catalog size, with 100,000 progress rows behind the histories."""
    figures = []
    for size in sizes:
        catalog = synthetic_catalog(size)
        histories = _histories(catalog, PROGRESS_ROWS)
        # What the bot builds once per catalog (columns; for free text the BM25 index and question reader), then
        # moves out of the garbage collector's sight, as it does after start-up and after each such build.
        prepare(catalog, Query(text="warm"))
        gc.collect()
        gc.freeze()
        turn = iter(range(10**9))

        def one(catalog=catalog, histories=histories, turn=turn) -> None:
            n = next(turn)
            recommend(catalog, QUERIES[n % len(QUERIES)], histories[n % len(histories)])

        samples = time_calls(one, runs)
        gc.unfreeze()
        base_runs = max(5, runs // 20) if size >= 10_000 else runs // 4
        base = time_calls(lambda c=catalog, h=histories: _reference(c, QUERIES[0], h[0]), base_runs, warmup=1)
        held = size == 10_000
        figures.append(
            p99_ms_figure(
                f"recommend p99 @ {size:,} resources",
                samples,
                base,
                "one-by-one ranking p99",
                2.0 if held else None,
                goal="≤ 2 ms at 10,000" if held else None,
            )  # fmt: skip
        )
    return figures


def _facts(catalog: Catalog, seed: int = 9) -> CommunityFacts:
    """Community facts for every resource of a catalog: finishers, ratings, and three paths members took from it."""
    rng = random.Random(seed)
    ids = catalog.ids
    rows = []
    for resource_id in ids:
        rows.append(FactRow(resource_id, Counted.FINISHED, "", rng.randint(0, 60)))
        rows += [FactRow(resource_id, Counted.RATING, stars, rng.randint(0, 8)) for stars in range(1, 6)]
        rows += [FactRow(resource_id, Counted.NEXT, rng.choice(ids), rng.randint(3, 20)) for _ in range(3)]
    return community_facts(rows, here=True)


def bench_recommend_with_signals(size: int, runs: int) -> Figure:
    """p99 of one recommendation with community signals for every resource, against the same without them.

    Each call makes the member's signals from the scope's facts (what the bot does per /recommend), then ranks.
    """
    catalog = synthetic_catalog(size)
    histories = _histories(catalog, PROGRESS_ROWS)
    finished = [[rid for rid, status in h.items() if status is ReadingStatus.FINISHED] for h in histories]
    facts = _facts(catalog)
    prepare(catalog, Query(text="warm"))  # as bench_recommend: what the bot builds once per catalog
    recommend(catalog, Query(), community=facts.for_member([], catalog))  # and the facts' column, once per state
    gc.collect()
    gc.freeze()
    turn, plain_turn = iter(range(10**9)), iter(range(10**9))

    def with_signals() -> None:
        n = next(turn)
        member = n % len(histories)
        signals = facts.for_member(finished[member], catalog)
        recommend(catalog, QUERIES[n % len(QUERIES)], histories[member], community=signals)

    def without() -> None:
        n = next(plain_turn)
        recommend(catalog, QUERIES[n % len(QUERIES)], histories[n % len(histories)])

    samples, base = time_in_turn(with_signals, without, runs)
    gc.unfreeze()
    return p99_ms_figure(
        f"recommend p99 @ {size:,} resources with community signals", samples, base, "the same without signals p99",
        2.0, details={"resources_with_facts": len(facts.resources)},
    )  # fmt: skip


# Questions in members' own words, each about one concept of the vocabulary: a question is asked only once.
_NEW_QUESTION_TEMPLATES = (
    "where do I learn {concept}?",
    "{concept} for a {someone}",
    "I'm bad at math, explain {concept} gently",
    "something rigorous on {concept}, free please",
    "best book on {concept} with exercises, I am a {someone}",
    "I know python, teach me {concept}",
)
_SOMEONE = ("software developer", "biologist", "physics student", "data analyst", "high school student")


def new_questions(catalog: Catalog, count: int, seed: int = 5) -> list[Query]:
    """`count` different questions naming the catalog's concepts in members' words (fewer if it has few)."""
    asked = [
        template.format(concept=concept.name.lower(), someone=someone)
        for concept in catalog.concepts
        for template in _NEW_QUESTION_TEMPLATES
        for someone in _SOMEONE
        if "{someone}" in template or someone == _SOMEONE[0]
    ]
    random.Random(seed).shuffle(asked)
    return [Query(text=text) for text in asked[:count]]


def bench_new_questions(size: int, runs: int) -> Figure:
    """p99 of recommending for questions never asked before (what is kept per phrase does not help them),
    against the same questions asked a second time."""
    catalog = synthetic_catalog(size)
    histories = _histories(catalog, PROGRESS_ROWS)
    questions = new_questions(catalog, runs)
    prepare(catalog, Query(text="warm"))
    gc.collect()
    gc.freeze()
    first, again = iter(questions), iter(questions)
    samples = time_calls(lambda: recommend(catalog, next(first), histories[0]), len(questions) - 3)
    base = time_calls(lambda: recommend(catalog, next(again), histories[0]), len(questions) - 3)
    gc.unfreeze()
    return p99_ms_figure(
        f"recommend p99 @ {size:,} resources, questions never asked before", samples, base,
        "the same questions asked again p99", 2.0, details={"questions": len(questions)},
    )  # fmt: skip


def bench_autocomplete(size: int, runs: int) -> Figure:
    """p99 of resource autocomplete for 3-letter prefixes at `size` resources."""
    catalog = synthetic_catalog(size)
    prefixes = ["lin", "pro", "cal", "opt", "neu", "sta", "gra", "syn", "zzz", "deep"[:3]]
    titles = [r.title.lower() for r in catalog]
    resource_choices(catalog, "x")  # builds the search keys once, as the first keystroke does
    turn = iter(range(10**9))
    samples = time_calls(lambda: resource_choices(catalog, prefixes[next(turn) % len(prefixes)]), runs)
    scan_turn = iter(range(10**9))

    def scan() -> list[str]:
        prefix = prefixes[next(scan_turn) % len(prefixes)]
        return [t for t in titles if prefix in t][:25]

    base = time_calls(scan, runs)
    return p99_ms_figure(f"autocomplete p99 @ {size:,} resources", samples, base, "plain substring scan p99", 1.0)


PATH_TARGETS: list[Topic | str] = [
    Topic.PROBABILITY,
    Topic.MACHINE_LEARNING,
    "singular-value-decomposition",
    "attention",
]


def _reference_path(catalog: Catalog, target: Topic | str, member: Member) -> list[str]:
    """The obvious way: each step's place found by scanning every place its concept is taught (the baseline)."""
    path = path_to(catalog, target if isinstance(target, Topic) else catalog.concepts[target], Member.anonymous())
    places = []
    for step in path.steps:
        scanned = [
            (resource.topics[0] is not step.concept.topic, resource.level.rank, section is None, index, resource.id)
            for index, (resource, section) in enumerate(catalog.teaching(step.concept.id))
            if member.statuses.get(resource.id) is not ReadingStatus.DROPPED
        ]
        places.append(min(scanned)[-1] if scanned else "")
    return places


def bench_path(size: int, runs: int) -> Figure:
    """p99 of one /path (a topic or a concept, for a member with 50 resources on their shelves) at `size`."""
    catalog = synthetic_catalog(size)
    rng = random.Random(5)
    members = [
        Member({rid: rng.choice(list(ReadingStatus)) for rid in rng.sample(catalog.ids, 50)}, {}) for _ in range(50)
    ]
    for target in PATH_TARGETS:  # the first path of a catalog ranks its places once, as the bot's first /path does
        path_to(catalog, target if isinstance(target, Topic) else catalog.concepts[target])
    turn = iter(range(10**9))

    def one() -> None:
        n = next(turn)
        target = PATH_TARGETS[n % len(PATH_TARGETS)]
        path_to(catalog, target if isinstance(target, Topic) else catalog.concepts[target], members[n % len(members)])

    samples = time_calls(one, runs)
    base_turn = iter(range(10**9))

    def reference() -> None:
        n = next(base_turn)
        _reference_path(catalog, PATH_TARGETS[n % len(PATH_TARGETS)], members[n % len(members)])

    base = time_calls(reference, max(5, runs // 20), warmup=1)
    return p99_ms_figure(f"path p99 @ {size:,} resources", samples, base, "every place scanned per step p99", 5.0)


def bench_path_autocomplete(runs: int) -> Figure:
    """p99 of /path's autocomplete over topics, concepts and synonyms, for what members type."""
    catalog = synthetic_catalog(100)  # the choices come from the vocabulary, whatever the catalog's size
    typed = ["s", "sv", "svd", "prob", "eigen", "gradient d", "bayes", "lin alg", "attention", "zzz", "singualr"]
    target_choices(catalog, "x")  # prepares the words once, as the first keystroke does
    turn = iter(range(10**9))
    samples = time_calls(lambda: target_choices(catalog, typed[next(turn) % len(typed)]), runs)
    words = [(word, concept.id) for word, concept in catalog.concepts.words.items()]
    scan_turn = iter(range(10**9))

    def scan() -> list[str]:
        needle = typed[next(scan_turn) % len(typed)]
        return [cid for word, cid in words if needle in word][:25]

    base = time_calls(scan, runs)
    return p99_ms_figure("path autocomplete p99", samples, base, "plain substring scan of the words p99", 2.0)
