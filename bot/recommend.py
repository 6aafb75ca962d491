"""Ranking resources for a member (learning paths are `bot.paths`).

Pure and deterministic: the same catalog, query and history always give the same picks in the same
order, and every pick carries the reasons it was chosen, in words a member reads, each traceable to a
field of the catalog. No I/O, no Discord.

A question in the member's own words is first read (`bot.catalog.questions.understand`) into the same
parts the options give: topics, concepts, background, level, kind, cost, and more (resources named or
excluded, "hands-on", "short"). Then every resource is scored (higher is better):

What it is about, when the question names a subject:
- each asked topic it covers: +4 if it is the resource's main topic, +2.5 otherwise; a related topic
  (optimization for gradient descent) +1 when it covers none of the asked ones.
- each asked concept it teaches (as a whole or in a section): +3; none taught but it covers a concept's
  topic: +0.5.
- a resource asked for by its title or another name: +6; by its author: +4.
- words only the catalog's text knows ("Karpathy", a chapter's title): up to +2 by BM25, scaled to the
  best match of the question.
  A resource matching none of these is not a pick.
Who it is for:
- written for the member's background: +3; suits it: +2; far above the level that background is ready
  for (and not suiting it): −2 per level of distance.
- the asked level: +2, one level off −1, two levels off excluded; with nothing said about the member, a
  beginner resource +0.5.
- hands-on with code, when asked: +1.5; short, when asked: +1; the kind the text asks for: +2 (a
  neighbouring kind, lectures for a course: +1); the kind of a resource the member likens it to: +1.
- free: +0.5; on the member's want-to-read shelf: +1; everything it builds on finished: +1.
What the community's reading shows, when the caller passes it (`community`; figures already past the
privacy threshold, see `bot.community`): finished by members (up to +0.125 at ten), rated above 3/5 (up to
+0.125 at 5/5), members who finished what the member finished went on to it (+0.125); at most +0.375 in all,
less than the smallest rule above, so it breaks ties and lifts good fits but never passes a filter or
outweighs a level, and a resource without data keeps its place. Without `community` it counts for nothing.
Filters: the kind and "free only" options; a level two steps from the asked one; above a cap ("not too
advanced", "easier than X", "X is too hard"); below a floor ("harder than X"); resources excluded ("not X",
"other than X", "already read X"). What a member finished or dropped is never picked again; what they are
reading comes first, as "continue".
Equal scores go to the better fit: the smaller distance from the level the member is ready for, then the
more asked concepts taught, and only then catalog order, so the curated order is the last word.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from bot.catalog.catalog import Catalog
from bot.catalog.columns import CatalogColumns
from bot.catalog.matching import did_you_mean
from bot.catalog.questions import (
    Understanding,
    phrase_key,
    prepare_questions,
    questions_prepared,
    suggestions_for,
    understand,
)
from bot.catalog.retrieval import LexicalIndex
from bot.catalog.schema import Resource
from bot.catalog.vocabulary import BACKGROUND_LEVEL, PILLARS, Background, Kind, Level, Topic
from bot.community import CommunitySignals
from bot.reading import ReadingStatus

DEFAULT_LIMIT = 3

# Topics close enough that asking for one makes the other worth a little.
RELATED_TOPICS: dict[Topic, tuple[Topic, ...]] = {
    Topic.GRADIENT_DESCENT: (Topic.OPTIMIZATION, Topic.NEURAL_NETWORKS),
    Topic.OPTIMIZATION: (Topic.GRADIENT_DESCENT,),
    Topic.NEURAL_NETWORKS: (Topic.DEEP_LEARNING,),
    Topic.DEEP_LEARNING: (Topic.NEURAL_NETWORKS,),
    Topic.MULTIVARIATE_CALCULUS: (Topic.CALCULUS,),
    Topic.CALCULUS: (Topic.MULTIVARIATE_CALCULUS,),
    Topic.PROBABILITY: (Topic.STATISTICS,),
    Topic.STATISTICS: (Topic.PROBABILITY,),
    Topic.MACHINE_LEARNING: (Topic.DEEP_LEARNING,),
    Topic.REAL_ANALYSIS: (Topic.CALCULUS,),
    Topic.REINFORCEMENT_LEARNING: (Topic.MACHINE_LEARNING,),
}

# Kinds a member asking for one would take the other of: recorded lectures are watched like a video series.
NEIGHBOUR_KINDS: dict[Kind, tuple[Kind, ...]] = {
    Kind.LECTURE_SERIES: (Kind.COURSE, Kind.VIDEO_SERIES),
    Kind.VIDEO_SERIES: (Kind.LECTURE_SERIES,),
    Kind.COURSE: (Kind.LECTURE_SERIES,),
    Kind.BOOK: (),
    Kind.ARTICLE: (Kind.INTERACTIVE,),
    Kind.INTERACTIVE: (Kind.ARTICLE,),
}

_AUDIENCE: dict[Background, str] = {
    Background.SOFTWARE_ENGINEER: "software engineers",
    Background.HIGH_SCHOOL_MATH: "readers with high-school math",
    Background.NO_CALCULUS_YET: "readers without calculus",
    Background.UNDERGRADUATE_STEM: "an undergraduate STEM background",
    Background.DATA_SCIENTIST: "data scientists",
    Background.RESEARCHER: "researchers",
}
# What a background the resource only suits (not written for) means for the member.
_SUITS: dict[Background, str] = {
    Background.SOFTWARE_ENGINEER: "suits software engineers",
    Background.HIGH_SCHOOL_MATH: "starts from high-school math",
    Background.NO_CALCULUS_YET: "needs no calculus to start",
    Background.UNDERGRADUATE_STEM: "suits an undergraduate STEM background",
    Background.DATA_SCIENTIST: "suits data scientists",
    Background.RESEARCHER: "suits researchers",
}

NAMED_BY_TITLE = 6.0
NAMED_BY_AUTHOR = 4.0
LEXICAL_WEIGHT = 2.0


def background_reason(resource: Resource, background: Background) -> str | None:
    """'written for software engineers' (its stated audience) or 'suits data scientists', or None."""
    if background in resource.written_for:
        return f"written for {_AUDIENCE[background]}"
    if background in resource.backgrounds:
        return _SUITS[background]
    return None


@dataclass(frozen=True)
class Query:
    """What a member asks for; every part is optional. Free `text` is read into the other parts."""

    topics: tuple[Topic, ...] = ()
    background: Background | None = None
    level: Level | None = None
    kind: Kind | None = None
    free_only: bool = False
    text: str = ""
    concepts: tuple[str, ...] = ()
    prefer_kinds: tuple[Kind, ...] = ()  # kinds the text asks for: a filter when the catalog has them
    avoid_kinds: tuple[Kind, ...] = ()  # "no videos"
    avoid_topics: tuple[Topic, ...] = ()  # "not analysis": no resource whose main topic it is
    context_topics: tuple[Topic, ...] = ()  # what the subject is for ("linear algebra for ML")
    not_above: Level | None = None
    not_below: Level | None = None
    hands_on: bool = False
    short: bool = False
    wanted: tuple[str, ...] = ()  # asked for by title or another name
    by_author: tuple[str, ...] = ()  # asked for by their author
    excluded: tuple[str, ...] = ()
    done: tuple[str, ...] = ()  # resources the member says they finished: what builds on them comes first
    like: tuple[str, ...] = ()  # the member wants something in the style of these
    searched: tuple[str, ...] = ()  # words to find in the catalog's own text

    @property
    def asks_subject(self) -> bool:
        """Whether the query says what to learn: a topic, a concept, a resource or words to search."""
        return bool(self.topics or self.concepts or self.wanted or self.by_author or self.searched)

    @property
    def asks_nothing(self) -> bool:
        """True when nothing at all was asked for: no subject, no member, no filter, no preference."""
        return not (
            self.asks_subject
            or self.background
            or self.level
            or self.kind
            or self.free_only
            or self.prefer_kinds
            or self.not_above
            or self.not_below
            or self.hands_on
            or self.short
            or self.excluded
            or self.like
            or self.avoid_kinds
            or self.avoid_topics
        )


def prepare(catalog: Catalog, query: Query) -> Catalog:
    """Build what ranking this query on this catalog needs, once: its columns, and for free text the lexical
    index, the question reader and where each concept is taught. At 10,000 resources that takes about a
    second, so the bot builds it off the event loop (see `Preparations`); every later recommendation on the
    catalog reuses it.
    """
    columns = CatalogColumns.of(catalog)
    _background_points(columns)
    if query.text.strip():
        LexicalIndex.of(catalog)
        prepare_questions(catalog)
        catalog.index_teaching()
        columns.concept_places()
    return catalog


def is_prepared(catalog: Catalog, query: Query) -> bool:
    """Whether `prepare` has built what this query needs on this catalog, so ranking it is quick."""
    if not catalog.has_derived("columns"):
        return False
    if not query.text.strip():
        return True
    return (
        catalog.has_derived("lexical-index")
        and questions_prepared(catalog)
        and catalog.teaching_indexed()
        and CatalogColumns.of(catalog).concepts_placed()
    )


# What a question in a member's own words needs built: `prepare` with it builds everything.
ANY_QUESTION = Query(text="any question")


class Preparations:
    """`prepare` off the event loop, once per catalog however many interactions ask at the same moment.

    A burst of questions right after start-up (or after a catalog reload) would otherwise each start the
    same second of work in a thread of its own, and every answer would wait for all of them. What a query
    by topic needs (the columns) is its own stage, so it never waits for what only questions need.
    """

    def __init__(self) -> None:
        # By catalog and stage: the task holds the catalog meanwhile, so its id is not reused.
        self._running: dict[tuple[int, str], asyncio.Task[None]] = {}

    async def ready(self, catalog: Catalog, query: Query = ANY_QUESTION) -> None:
        """Return once ranking `query` on `catalog` is quick; build what is missing, or wait for who builds it."""
        if is_prepared(catalog, query):
            return
        await self._once(catalog, "columns", Query())
        if query.text.strip():
            await self._once(catalog, "questions", ANY_QUESTION)

    async def _once(self, catalog: Catalog, stage: str, query: Query) -> None:
        """`prepare(catalog, query)` in a thread, or wait for the one already running for this stage."""
        if is_prepared(catalog, query):
            return
        key = (id(catalog), stage)
        running = self._running.get(key)
        if running is None:
            running = asyncio.get_running_loop().create_task(self._build(key, catalog, query))
            self._running[key] = running
        await asyncio.shield(running)  # one waiting interaction that gives up does not stop the others' work

    async def _build(self, key: tuple[int, str], catalog: Catalog, query: Query) -> None:
        try:
            await asyncio.to_thread(prepare, catalog, query)
            # What was built lives as long as the catalog: out of the collector's sight, as start-up's is.
            gc.freeze()
        finally:
            del self._running[key]


@dataclass(frozen=True)
class Pick:
    """One recommended resource, its score and the reasons for it."""

    resource: Resource
    score: float
    reasons: tuple[str, ...]
    continuing: bool = False

    def as_dict(self) -> dict:
        """The pick as plain JSON data: {id, title, score, reasons}."""
        return {
            "id": self.resource.id,
            "title": self.resource.title,
            "score": round(self.score, 2),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Recommendation:
    """The ranked answer to a query, with what the free text was understood to mean."""

    picks: tuple[Pick, ...]
    total: int
    query: Query
    unknown_words: tuple[str, ...] = ()
    suggestions: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # What was asked that no pick can answer (labels), and, when nothing at all fits, the nearest subjects.
    uncovered: tuple[str, ...] = ()
    nothing_fits: bool = False
    nearest: tuple[str, ...] = ()

    @property
    def needs_clarification(self) -> bool:
        """True when free text named nothing we know: answer with "did you mean", never with everything."""
        return not self.picks and bool(self.unknown_words)


def resolve_query(query: Query, catalog: Catalog) -> tuple[Query, Understanding | None]:
    """Fold the free text into the structured query, with what the text was read as."""
    if not query.text.strip():
        return query, None
    meaning = understand(query.text, catalog)
    named = {n.resource_id: n for n in meaning.named if n.resource_id in catalog}
    wanted = [rid for rid in meaning.wanted if rid in named and named[rid].by != "author"]
    by_author = [rid for rid in meaning.wanted if rid in named and named[rid].by == "author"]
    not_above, not_below = _bounds(query, meaning, catalog)
    topics = [*query.topics, *meaning.topics]
    roles = ("done", "easier-than", "harder-than", "shorter-than", "like")
    compared = [rid for role in roles for rid in meaning.with_role(role)]
    if not (topics or meaning.concepts or wanted or by_author) and compared:
        # "Harder than ISL", "already watched 3b1b's videos, what next": the subject is theirs.
        topics = [catalog[rid].topics[0] for rid in compared if rid in catalog]
    resolved = replace(
        query,
        topics=tuple(dict.fromkeys(topics)),
        concepts=tuple(dict.fromkeys([*query.concepts, *meaning.concepts])),
        background=query.background or (meaning.backgrounds[0] if meaning.backgrounds else None),
        level=query.level or (meaning.levels[0] if meaning.levels else None),
        free_only=query.free_only or meaning.free_only,
        prefer_kinds=tuple(dict.fromkeys([*query.prefer_kinds, *meaning.kinds])),
        avoid_kinds=tuple(dict.fromkeys([*query.avoid_kinds, *meaning.avoided_kinds])),
        avoid_topics=tuple(dict.fromkeys([*query.avoid_topics, *meaning.avoided_topics])),
        context_topics=tuple(dict.fromkeys([*query.context_topics, *meaning.context_topics])),
        not_above=not_above,
        not_below=not_below,
        hands_on=query.hands_on or meaning.hands_on,
        short=query.short or meaning.short or bool(meaning.with_role("shorter-than")),
        wanted=tuple(dict.fromkeys([*query.wanted, *wanted])),
        by_author=tuple(dict.fromkeys([*query.by_author, *by_author])),
        excluded=tuple(dict.fromkeys([*query.excluded, *(r for r in meaning.excluded if r in named)])),
        done=tuple(dict.fromkeys([*query.done, *(r for r in meaning.with_role("done") if r in named)])),
        like=tuple(dict.fromkeys([*query.like, *(r for r in meaning.with_role("like") if r in named)])),
        searched=tuple(dict.fromkeys([*query.searched, *meaning.searched])),
        text="",
    )
    return resolved, meaning


def _bounds(query: Query, meaning: Understanding, catalog: Catalog) -> tuple[Level | None, Level | None]:
    """The level cap and floor the text sets: its cues, "easier than X" (below X), "harder than Y" (above Y).

    When a cap and a floor leave no level between them ("easier than Axler, more rigorous than 3b1b"), they
    are read as "no harder than X, no easier than Y".
    """
    levels = list(Level)
    cap = _lowest(query.not_above, meaning.not_above)
    floor = _highest(query.not_below, meaning.not_below)
    easier = [catalog[r].level.rank for r in meaning.with_role("easier-than") if r in catalog]
    harder = [catalog[r].level.rank for r in meaning.with_role("harder-than") if r in catalog]
    done = [catalog[r].level.rank for r in meaning.with_role("done") if r in catalog]
    strict_cap = levels[max(max(easier) - 1, 0)] if easier else None
    strict_floor = levels[min(min(harder) + 1, len(levels) - 1)] if harder else None
    if done and not harder and min(done) > 0:  # what comes after a finished resource is not easier than it
        strict_floor = levels[min(done)]
    cap, floor = _lowest(cap, strict_cap), _highest(floor, strict_floor)
    if cap is not None and floor is not None and floor.rank > cap.rank:
        cap = _lowest(query.not_above, levels[max(easier)]) if easier else cap
        floor = _highest(query.not_below, levels[min(harder)]) if harder else floor
    return cap, floor


def _highest(one: Level | None, other: Level | None) -> Level | None:
    """The higher of two level floors, either of which may be missing."""
    if one is None or other is None:
        return one or other
    return one if one.rank >= other.rank else other


def _lowest(one: Level | None, other: Level | None) -> Level | None:
    """The lower of two level caps, either of which may be missing."""
    if one is None or other is None:
        return one or other
    return one if one.rank <= other.rank else other


def _passes_filters(resource: Resource, query: Query) -> bool:
    """Hard filters: kind, free only, a level two steps away, the level cap and floor, exclusions."""
    if resource.id in query.excluded:
        return False
    if query.kind is not None and resource.kind is not query.kind:
        return False
    if resource.kind in query.avoid_kinds or resource.topics[0] in query.avoid_topics:
        return False
    if query.free_only and not resource.is_free:
        return False
    if query.not_above is not None and resource.level.rank > query.not_above.rank:
        return False
    if query.not_below is not None and resource.level.rank < query.not_below.rank:
        return False
    return not (query.level is not None and abs(resource.level.rank - query.level.rank) >= 2)


def _ready_level(query: Query) -> int | None:
    """The level the member is ready for, as a rank: asked, else their background's; None when unknown."""
    if query.level is not None:
        return query.level.rank
    if query.background is not None:
        return BACKGROUND_LEVEL[query.background].rank
    return None


def _kind_points(resource: Resource, query: Query) -> float:
    """What the kind the text asks for (or the style it likens to) is worth for this resource."""
    points = 0.0
    if query.prefer_kinds:
        if resource.kind in query.prefer_kinds:
            points += 2.0
        elif any(resource.kind in NEIGHBOUR_KINDS[k] for k in query.prefer_kinds):
            points += 1.0
    return points


def score_resource(
    resource: Resource,
    query: Query,
    history: Mapping[str, ReadingStatus],
    *,
    lexical: float = 0.0,
    catalog: Catalog | None = None,
    community: CommunitySignals | None = None,
) -> tuple[float, list[str]] | None:
    """The score and reasons of one resource for a resolved query, or None when it is no pick at all.

    `lexical` is the resource's share of the best BM25 match of the searched words (0 to 1); `catalog`
    names the sections that teach a concept and the resources a member likened it to; `community` adds its
    bonus last, with the reasons it rests on.
    """
    if not _passes_filters(resource, query):
        return None
    score = 0.0
    reasons: list[str] = []
    if query.asks_subject:
        matched = False
        covered = [t for t in query.topics if t in resource.topics]
        for topic in covered:
            score += 4.0 if resource.topics[0] is topic else 2.5
        related = [
            r for t in query.topics for r in RELATED_TOPICS.get(t, ()) if r in resource.topics and r not in covered
        ]
        if covered:
            matched = True
            reasons.append("covers " + " and ".join(t.label for t in covered))
        elif related:
            matched = True
            score += 1.0
            reasons.append(f"related: {related[0].label}")
        taught = [c for c in query.concepts if c in resource.taught_concepts]
        if taught:
            matched = True
            score += 3.0 * len(taught)
            score += sum(_focus_points(resource, c, catalog) for c in taught)
            reasons.extend(_teaching_reason(resource, concept_id, catalog) for concept_id in taught)
        elif query.concepts and catalog is not None:
            near = [c for c in query.concepts if c in catalog.concepts and catalog.concepts[c].topic in resource.topics]
            if near:
                matched = True
                topic = catalog.concepts[near[0]].topic
                main = any(catalog.concepts[c].topic is resource.topics[0] for c in near)
                score += 1.0 if main else 0.5
                if topic not in covered:
                    reasons.append(f"covers {topic.label}, where {_name(near[0], catalog)} belongs")
        if resource.id in query.wanted:
            matched = True
            score += NAMED_BY_TITLE
            reasons.append("the one you asked about")
        elif resource.id in query.by_author:
            matched = True
            score += NAMED_BY_AUTHOR
            reasons.append("by " + _authors(resource) + ", as you asked")
        if lexical > 0:
            matched = True
            score += round(LEXICAL_WEIGHT * lexical, 2)
        if not matched:
            return None
        missing = _missing_parts(resource, query, catalog)
        if missing:
            reasons.append("not: " + ", ".join(missing))
    context = [t for t in query.context_topics if t in resource.topics]
    if context:
        score += 1.0
        reasons.append("for " + " and ".join(t.label for t in context))
    after = [
        catalog[r].title for r in query.done if r in resource.prerequisites and catalog is not None and r in catalog
    ]
    if after:
        score += 2.0
        reasons.append(f"builds on {after[0]}, which you finished")
    if query.background is not None:
        phrase = background_reason(resource, query.background)
        if query.background in resource.written_for:
            score += 3.0
        elif query.background in resource.backgrounds:
            score += 2.0
        if phrase:
            reasons.append(phrase)
        gap = resource.level.rank - BACKGROUND_LEVEL[query.background].rank
        if gap > 0 and query.background not in resource.suits:
            score -= 2.0 * gap
    if query.level is not None:
        if resource.level is query.level:
            score += 2.0
            reasons.append(f"{resource.level.value} level")
        else:
            score -= 1.0
    elif query.background is None and resource.level is Level.BEGINNER:
        # With nothing said about the member, a gentle start is the safer suggestion.
        score += 0.5
        reasons.append("beginner friendly")
    if query.hands_on and resource.hands_on:
        score += 1.5
        reasons.append("hands-on, with code")
    if query.short and resource.is_short:
        score += 1.0
        reasons.append(f"short: {resource.length}")
    kind_points = _kind_points(resource, query)
    if kind_points:
        score += kind_points
        reasons.append(f"a {resource.kind.label}")
    if query.like and catalog is not None:
        alike = [catalog[r] for r in query.like if r in catalog and catalog[r].kind is resource.kind]
        if alike:
            score += 1.0
            reasons.append(f"a {resource.kind.label}, like {alike[0].title}")
    if resource.is_free:
        score += 0.5
        reasons.append(resource.cost.label)
    if history.get(resource.id) is ReadingStatus.WANT_TO_READ:
        score += 1.0
        reasons.append("on your want-to-read shelf")
    if resource.prerequisites and all(history.get(p) is ReadingStatus.FINISHED for p in resource.prerequisites):
        score += 1.0
        reasons.append("you finished what it builds on")
    if community is not None:
        score += community.bonus(resource.id)
        reasons.extend(community.reasons(resource.id))
    return score, reasons


def _name(concept_id: str, catalog: Catalog | None) -> str:
    """A concept's name, or its id when the catalog does not know it."""
    concept = catalog.concepts.get(concept_id) if catalog is not None else None
    return concept.name if concept is not None else concept_id.replace("-", " ")


def _focus_points(resource: Resource, concept_id: str, catalog: Catalog | None) -> float:
    """What teaching a concept centrally is worth beyond teaching it: a section named for it +1, the concept's
    topic being the resource's main one +0.5 (a chapter on Markov chains in a probability book, not a lecture
    on Markov matrices in a linear algebra course)."""
    if catalog is None or concept_id not in catalog.concepts:
        return 0.0
    columns = CatalogColumns.of(catalog)
    position = columns.position.get(resource.id)
    points = 0.5 if resource.topics[0] is catalog.concepts[concept_id].topic else 0.0
    if position is not None and columns.focuses_at(concept_id, position):
        points += 1.0
    return points


def _teaching_reason(resource: Resource, concept_id: str, catalog: Catalog | None) -> str:
    """'teaches singular value decomposition: chapter 7 · Operators on Inner Product Spaces'."""
    name = _name(concept_id, catalog)
    teaching = resource.sections.teaching(concept_id)
    concept = catalog.concepts.get(concept_id) if catalog is not None else None
    if concept is not None and len(teaching) > 1:  # the section named for it, where there is one
        names = {phrase_key(word) for word in (concept.name, *concept.synonyms)} - {""}
        teaching.sort(key=lambda s: not any(f" {n} " in f" {phrase_key(s.title)} " for n in names))
    section = teaching[0] if teaching else None
    if section is None:
        return f"teaches {name}"
    return f"teaches {name}: {section.label_in(resource.length.unit)} · {section.title}"


def _authors(resource: Resource) -> str:
    """The first author, with 'et al.' for more."""
    return resource.authors[0] + (" et al." if len(resource.authors) > 1 else "")


def _missing_parts(resource: Resource, query: Query, catalog: Catalog | None) -> list[str]:
    """The asked topics and concepts this resource does not cover, when it covers some of them."""
    asked = len(query.topics) + len(query.concepts)
    if asked < 2:
        return []
    # A concept counts as missing only where the catalog can tell: the resource lists what it teaches and
    # not this, or it does not even cover the concept's topic.
    taught = [c for c in query.concepts if c in resource.taught_concepts]
    # A topic asked in the same words as a concept the resource teaches ("gradient descent") is answered.
    answered = {_name(c, catalog).lower() for c in taught}
    missing = [t.label for t in query.topics if t not in resource.topics and t.label not in answered]
    lists_contents = bool(resource.taught_concepts)
    for concept_id in query.concepts:
        if concept_id in resource.taught_concepts:
            continue
        concept = catalog.concepts.get(concept_id) if catalog is not None else None
        if lists_contents or (concept is not None and concept.topic not in resource.topics):
            missing.append(_name(concept_id, catalog))
    return missing if len(missing) < asked else []


def _lexical_shares(catalog: Catalog, query: Query) -> np.ndarray:
    """Each resource's BM25 score for the searched words, as a share of the best one (0 to 1)."""
    if not query.searched:
        return np.zeros(len(catalog), dtype=np.float32)
    scores = LexicalIndex.of(catalog).scores(" ".join(query.searched))
    best = float(scores.max()) if len(scores) else 0.0
    return scores / best if best > 0 else scores


def _score_all(columns: CatalogColumns, query: Query, lexical: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every resource's score for a query, and whether it is a pick at all: `score_resource` over arrays.

    The member's history is left out: it touches a handful of resources, adjusted one by one in `recommend`.
    """
    size = len(columns.ids)
    score = np.zeros(size)
    eligible = np.ones(size, dtype=bool)
    level = columns.level.astype(np.int64)
    if query.kind is not None:
        eligible &= columns.kind[query.kind]
    if query.free_only:
        eligible &= columns.free
    if query.level is not None:
        eligible &= np.abs(level - query.level.rank) < 2
    if query.not_above is not None:
        eligible &= level <= query.not_above.rank
    if query.not_below is not None:
        eligible &= level >= query.not_below.rank
    for resource_id in query.excluded:
        position = columns.position.get(resource_id)
        if position is not None:
            eligible[position] = False
    for kind in query.avoid_kinds:
        eligible &= ~columns.kind[kind]
    for topic in query.avoid_topics:
        eligible &= ~columns.main[topic]
    if query.asks_subject:
        # Where a step adds to only some resources (the places of a concept, those the words found), only those
        # are added to: adding a column of mostly zeros costs as much as a full one (40 µs at 10,000).
        matched = np.zeros(size, dtype=bool)
        if query.topics:
            covered = np.zeros(size, dtype=bool)
            related = np.zeros(size, dtype=bool)
            for topic in query.topics:
                score += np.where(columns.main[topic], 4.0, np.where(columns.covers[topic], 2.5, 0.0))
                covered |= columns.covers[topic]
                for other in RELATED_TOPICS.get(topic, ()):
                    related |= columns.covers[other]
            score += ~covered & related
            matched |= covered | related
        if query.concepts:
            taught = np.zeros(size, dtype=np.int64)
            for concept_id in query.concepts:
                teaching = columns.teaching(concept_id)
                taught[teaching] += 1  # positions are unique
                score[columns.focusing(concept_id)] += 1.0
                concept = columns.catalog.concepts.get(concept_id)
                if concept is not None:
                    score[teaching[columns.main[concept.topic][teaching]]] += 0.5
            score += 3.0 * taught
            matched |= taught > 0
            near = np.zeros(size, dtype=bool)
            near_main = np.zeros(size, dtype=bool)
            for concept_id in query.concepts:
                concept = columns.catalog.concepts.get(concept_id)
                if concept is not None:
                    near |= columns.covers[concept.topic]
                    near_main |= columns.main[concept.topic]
            near &= taught == 0
            score += 0.5 * np.add(near, near & near_main, dtype=np.uint8)  # 1 where its main topic, else 0.5
            matched |= near
        for resource_id in query.wanted:
            position = columns.position.get(resource_id)
            if position is not None:
                score[position] += NAMED_BY_TITLE
                matched[position] = True
        for resource_id in query.by_author:
            position = columns.position.get(resource_id)
            if position is not None and resource_id not in query.wanted:
                score[position] += NAMED_BY_AUTHOR
                matched[position] = True
        found = np.flatnonzero(lexical)
        score[found] += np.round(LEXICAL_WEIGHT * lexical[found], 2)
        matched |= lexical > 0
        eligible &= matched
    if query.context_topics:
        context = np.zeros(size, dtype=bool)
        for topic in query.context_topics:
            context |= columns.covers[topic]
        score += 1.0 * context
    for resource_id in query.done:
        for position in columns.dependents.get(resource_id, ()):
            score[position] += 2.0
    if query.background is not None:
        points, above = _background_points(columns)[query.background]
        score += points
        score -= above
    if query.level is not None:
        score += np.where(level == query.level.rank, 2.0, -1.0)
    elif query.background is None:
        score += 0.5 * (level == Level.BEGINNER.rank)
    if query.hands_on:
        score += 1.5 * columns.hands_on
    if query.short:
        score += 1.0 * columns.short
    if query.prefer_kinds:
        exact = np.zeros(size, dtype=bool)
        near_kind = np.zeros(size, dtype=bool)
        for kind in query.prefer_kinds:
            exact |= columns.kind[kind]
            for neighbour in NEIGHBOUR_KINDS[kind]:
                near_kind |= columns.kind[neighbour]
        score += np.add(exact, exact | near_kind, dtype=np.uint8)  # 2 the kind asked, 1 a neighbour
    if query.like:
        alike = np.zeros(size, dtype=bool)
        for resource_id in query.like:
            if resource_id in columns.position:
                alike |= columns.kind[columns.catalog[resource_id].kind]
        score += 1.0 * alike
    score += 0.5 * columns.free
    return score, eligible


def _background_points(columns: CatalogColumns) -> dict[Background, tuple[np.ndarray, np.ndarray]]:
    """Per background, what `score_resource` adds for it (3 written for it, 2 suits it) and takes off (2 a level
    above where it starts, unless the resource suits it), as int8 columns: built once, not in every query."""

    def build(_: Catalog) -> dict[Background, tuple[np.ndarray, np.ndarray]]:
        level = columns.level.astype(np.int64)
        found = {}
        for background in Background:
            written, suits = columns.written_for[background], columns.suits[background]
            gap = level - BACKGROUND_LEVEL[background].rank
            points = np.where(written, 3, np.where(suits, 2, 0)).astype(np.int8)
            found[background] = (points, np.where((gap > 0) & ~suits, 2 * gap, 0).astype(np.int8))
        return found

    return columns.catalog.derived("background-points", build)


def _tie_keys(columns: CatalogColumns, query: Query) -> tuple[np.ndarray, np.ndarray]:
    """Per resource: distance from the level the member is ready for, and how many asked concepts it teaches."""
    size = len(columns.ids)
    ready = _ready_level(query)
    distance = np.zeros(size, dtype=np.int64) if ready is None else np.abs(columns.level.astype(np.int64) - ready)
    taught = np.zeros(size, dtype=np.int64)
    for concept_id in query.concepts:
        taught[columns.teaching(concept_id)] += 1
    return distance, taught


def _best_positions(
    score: np.ndarray, candidates: np.ndarray, count: int, distance: np.ndarray, taught: np.ndarray
) -> list[int]:
    """The `count` best candidate positions: by score, then level distance, concepts taught, catalog order.

    Only the candidates scoring at least the count-th best score are sorted, so the cost stays that of one
    partition at 10,000 resources.
    """
    if count <= 0 or not len(candidates):
        return []
    scores = score[candidates]
    if count < len(candidates):
        threshold = np.partition(scores, len(scores) - count)[len(scores) - count]
        candidates = candidates[scores >= threshold]
        scores = score[candidates]
    order = np.lexsort((candidates, -taught[candidates], distance[candidates], -scores))
    return [int(position) for position in candidates[order][:count]]


def recommend(
    catalog: Catalog,
    query: Query,
    history: Mapping[str, ReadingStatus] | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    community: CommunitySignals | None = None,
) -> Recommendation:
    """Rank the catalog for a query and a member's history; `offset` pages through the same ranking.

    `community` (per-resource facts, already privacy-filtered) adds its small bonus and says so in the reasons;
    None ranks exactly as without it.
    """
    history = history or {}
    resolved, meaning = resolve_query(query, catalog)
    unknown = tuple(meaning.unknown) if meaning else ()
    suggestions = meaning.suggestions if meaning else {}
    if meaning is not None and resolved.asks_nothing:
        return _nothing(resolved, meaning, catalog, unknown, suggestions, subject_unknown=bool(unknown))
    columns = CatalogColumns.of(catalog)
    lexical = _lexical_shares(catalog, resolved)
    score, eligible = _score_all(columns, resolved, lexical)
    if resolved.prefer_kinds:
        # "A video course on probability" wants something to watch: the kinds asked for and their neighbours,
        # as long as the catalog has any that fit; otherwise the kinds only rank.
        family = np.zeros(len(columns.ids), dtype=bool)
        for kind in resolved.prefer_kinds:
            family |= columns.kind[kind]
            for neighbour in NEIGHBOUR_KINDS[kind]:
                family |= columns.kind[neighbour]
        # Only when one of them answers the subject: no article on backpropagation is no reason to offer
        # an article on transformers.
        answering = _answering(columns, resolved, eligible)
        if (eligible & family & answering).any():
            eligible &= family
    if meaning is not None and not _answers_the_subject(meaning, resolved, eligible, lexical):
        return _nothing(resolved, meaning, catalog, unknown, suggestions, subject_unknown=True)
    reading = np.zeros(len(columns.ids), dtype=bool)
    finished = [rid for rid, status in history.items() if status is ReadingStatus.FINISHED]
    for resource_id, status in history.items():
        position = columns.position.get(resource_id)
        if position is None:
            continue
        if status in (ReadingStatus.FINISHED, ReadingStatus.DROPPED):
            eligible[position] = False
        elif status is ReadingStatus.WANT_TO_READ:
            score[position] += 1.0
        elif status is ReadingStatus.READING:
            reading[position] = True
    built_on = {p for rid in finished for p in columns.dependents.get(rid, ())}
    for position in built_on:
        if all(history.get(p) is ReadingStatus.FINISHED for p in catalog[columns.ids[position]].prerequisites):
            score[position] += 1.0
    if community is not None:
        score += community.column(columns)  # last, as in `score_resource`, so both add in the same order
    distance, taught = _tie_keys(columns, resolved)
    continuing = np.flatnonzero(eligible & reading).tolist()
    wanted = offset + limit - len(continuing)
    ranked = _best_positions(score, np.flatnonzero(eligible & ~reading), wanted, distance, taught)
    picks: list[Pick] = []
    for position in [*continuing, *ranked][offset : offset + limit]:
        resource = catalog[columns.ids[position]]
        found = score_resource(
            resource, resolved, history, lexical=float(lexical[position]), catalog=catalog, community=community
        )
        points, reasons = found or (0.0, [])
        reasons = [*reasons, *_lexical_reasons(resource, resolved)]
        if reading[position]:
            picks.append(Pick(resource, points, ("continue: you are reading it", *reasons), continuing=True))
        else:
            picks.append(Pick(resource, points, tuple(reasons)))
    return Recommendation(
        picks=tuple(picks),
        total=int(np.count_nonzero(eligible)),
        query=resolved,
        unknown_words=unknown,
        suggestions=suggestions,
        uncovered=(*_uncovered(resolved, columns, eligible, catalog), *unknown),
    )


def _answering(columns: CatalogColumns, query: Query, eligible: np.ndarray) -> np.ndarray:
    """The resources that answer the subject itself: teach an asked concept, else cover an asked topic."""
    found = np.zeros(len(columns.ids), dtype=bool)
    for concept_id in query.concepts:
        found |= columns.teaches(concept_id)
    if not query.concepts:
        for topic in query.topics:
            found |= columns.covers[topic]
    if not query.concepts and not query.topics:
        found = eligible.copy()
    return found


def _lexical_reasons(resource: Resource, query: Query) -> list[str]:
    """Where the searched words stand in the resource: 'title matches …', 'a section on …', 'by …'."""
    if not query.searched:
        return []
    from bot.catalog.retrieval import tokens_of

    searched = [w for w in query.searched if tokens_of(w)]
    fields = [
        ("title", [resource.title, *resource.aliases]),
        ("author", resource.authors),
        ("section", resource.sections.titles),
        ("summary", [resource.summary]),
    ]
    for name, texts in fields:
        tokens = {t for text in texts for t in tokens_of(text)}
        hits = [w for w in searched if set(tokens_of(w)) <= tokens]
        if hits:
            quoted = ", ".join(f"'{w}'" for w in hits[:3])
            return [f"{'its ' + name if name != 'summary' else 'its description'} mentions {quoted}"]
    return []


def _answers_the_subject(meaning: Understanding, query: Query, eligible: np.ndarray, lexical: np.ndarray) -> bool:
    """Whether the catalog answers what the question is about, or only words around it.

    A question whose subject the vocabulary does not know ("quantum computing") is answered only when some
    resource's own words match most of what it asks; a question that names a topic, a concept or a
    resource is answered whenever a resource passes.
    """
    if query.topics or query.concepts or query.wanted or query.by_author:
        return bool(eligible.any())
    if not meaning.unknown:
        return bool(eligible.any()) or not query.asks_subject
    asked = len(meaning.searched) + len(meaning.unknown)
    best = int(np.argmax(lexical)) if len(lexical) and lexical.max() > 0 else None
    if best is None:
        return False
    return 2 * len(meaning.searched) > asked and bool(eligible.any())


def _uncovered(query: Query, columns: CatalogColumns, eligible: np.ndarray, catalog: Catalog) -> tuple[str, ...]:
    """The asked topics and concepts no eligible resource covers."""
    missing = [t.label for t in query.topics if not (columns.covers[t] & eligible).any()]
    missing += [_name(c, catalog) for c in query.concepts if not (columns.teaches(c) & eligible).any()]
    return tuple(missing)


def _nothing(
    query: Query,
    meaning: Understanding,
    catalog: Catalog,
    unknown: tuple[str, ...],
    suggestions: Mapping[str, Sequence[str]],
    *,
    subject_unknown: bool = False,
) -> Recommendation:
    """The answer when the catalog has nothing for the question: say so, and offer the nearest subjects."""
    if not subject_unknown:
        return Recommendation((), 0, query, unknown, suggestions)
    nearest = [label for close in suggestions.values() for label in close]
    for word in meaning.searched:
        nearest.extend(suggestions_for(word, catalog))
    if not nearest:
        nearest = [t.label for t in PILLARS]
    asked = [*meaning.unknown, *meaning.searched] or [t.label for t in query.topics]
    return Recommendation(
        (),
        0,
        query,
        unknown,
        suggestions,
        uncovered=tuple(asked),
        nothing_fits=True,
        nearest=tuple(dict.fromkeys(nearest))[:5],
    )


def explain_nothing(answer: Recommendation) -> list[str]:
    """Lines for an answer with nothing to pick: what was not found, "did you mean", the nearest subjects."""
    words = ", ".join(f"'{word}'" for word in answer.uncovered[:5] or answer.unknown_words[:5]) or "that"
    lines = [f"Nothing in the catalog covers {words} yet."]
    lines += [f"• {word}{did_you_mean(close)}" for word, close in list(answer.suggestions.items())[:5]]
    nearest = answer.nearest or tuple(t.label for t in PILLARS)
    lines.append("The nearest subjects I know: " + ", ".join(nearest[:5]) + ".")
    return lines


def _common_author(resources: list[Resource]) -> str | None:
    """The author most of these resources share (whom the member named), or None."""
    counts: dict[str, int] = {}
    for resource in resources:
        for author in resource.authors:
            counts[author] = counts.get(author, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def describe_query(query: Query, catalog: Catalog) -> str:
    """What the bot understood the question as: 'singular value decomposition · beginner level · free only'."""
    subject = [t.label for t in query.topics] + [_name(c, catalog) for c in query.concepts]
    subject += [catalog[r].title for r in query.wanted if r in catalog]
    authors = _common_author([catalog[r] for r in query.by_author if r in catalog])
    if authors:
        subject.append(f"by {authors}")
    parts = [" and ".join(subject)] if subject else []
    if query.context_topics:
        parts.append("for " + " and ".join(t.label for t in query.context_topics))
    if query.searched:
        parts.append("searching for " + ", ".join(f"'{w}'" for w in query.searched[:4]))
    if query.background:
        parts.append(f"background: {query.background.label}")
    if query.level:
        parts.append(f"{query.level.value} level")
    if query.not_above:
        parts.append(f"nothing above {query.not_above.value}")
    if query.not_below:
        parts.append(f"nothing below {query.not_below.value}")
    if query.kind:
        parts.append(f"{query.kind.label} only")
    if query.prefer_kinds:
        parts.append(" or ".join(k.label for k in query.prefer_kinds) + " preferred")
    if query.avoid_kinds:
        parts.append("no " + " or ".join(k.label for k in query.avoid_kinds))
    if query.avoid_topics:
        parts.append("not " + " or ".join(t.label for t in query.avoid_topics))
    if query.hands_on:
        parts.append("hands-on")
    if query.short:
        parts.append("short")
    if query.free_only:
        parts.append("free only")
    if query.like:
        parts.append("like " + ", ".join(catalog[r].title for r in query.like if r in catalog))
    excluded = [catalog[r].title for r in query.excluded if r in catalog and r not in query.like]
    if excluded:
        parts.append("not " + ", ".join(excluded))
    return " · ".join(parts)
