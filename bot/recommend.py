"""Ranking resources for a member, and ordering them into learning paths.

Pure and deterministic: the same catalog, query and history always give the same picks in the same
order, and every pick carries the reasons it was chosen, in words a member reads. No I/O, no Discord.

How a resource is scored (higher is better):
- each asked-for topic it covers: +4 if it is the resource's main topic, +2.5 otherwise; a related
  topic (optimization for gradient descent) +1. When topics are asked for, a resource covering none
  of them is not a pick.
- written for the member's background: +3; far above the level that background is ready for: −2 per
  level of distance.
- the asked-for level: +2, one level off −1, two levels off excluded; kind and "free only" filter.
- free: +0.5; on the member's want-to-read shelf: +1; prerequisites all finished: +1.
What a member finished or dropped is never picked again; what they are reading comes first, as
"continue". Ties keep catalog order, so the curated order is the last word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.catalog.catalog import Catalog
from bot.catalog.columns import CatalogColumns
from bot.catalog.matching import interpret
from bot.catalog.schema import Resource
from bot.catalog.vocabulary import BACKGROUND_LEVEL, Background, Kind, Level, Topic
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
}

BACKGROUND_PHRASES: dict[Background, str] = {
    Background.SOFTWARE_ENGINEER: "written for software engineers",
    Background.HIGH_SCHOOL_MATH: "starts from high-school math",
    Background.NO_CALCULUS_YET: "needs no calculus to start",
    Background.UNDERGRADUATE_STEM: "suits an undergraduate STEM background",
    Background.DATA_SCIENTIST: "suits data scientists",
    Background.RESEARCHER: "suits researchers",
}


@dataclass(frozen=True)
class Query:
    """What a member asks for; every part is optional."""

    topics: tuple[Topic, ...] = ()
    background: Background | None = None
    level: Level | None = None
    kind: Kind | None = None
    free_only: bool = False
    text: str = ""

    @property
    def asks_nothing(self) -> bool:
        """True when no topic, background, level, kind or cost was asked for."""
        return not (self.topics or self.background or self.level or self.kind or self.free_only)


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

    @property
    def needs_clarification(self) -> bool:
        """True when free text named nothing we know: answer with "did you mean", never with everything."""
        return not self.picks and bool(self.unknown_words)


def resolve_query(query: Query) -> tuple[Query, tuple[str, ...], dict[str, list[str]]]:
    """Fold the free text into the structured query; return it with the words that could not be placed."""
    if not query.text.strip():
        return query, (), {}
    meaning = interpret(query.text)
    topics = tuple(dict.fromkeys([*query.topics, *meaning.topics]))
    resolved = Query(
        topics=topics,
        background=query.background or (meaning.backgrounds[0] if meaning.backgrounds else None),
        level=query.level or (meaning.levels[0] if meaning.levels else None),
        kind=query.kind or (meaning.kinds[0] if meaning.kinds else None),
        free_only=query.free_only or meaning.free_only,
    )
    if meaning.understood_anything:
        # Words we could not place are noise in a sentence that told us enough; keep only near-misses.
        return resolved, tuple(meaning.suggestions), meaning.suggestions
    return resolved, tuple(meaning.unknown), meaning.suggestions


def _passes_filters(resource: Resource, query: Query) -> bool:
    """Hard filters: kind, free only, a level two steps away."""
    if query.kind is not None and resource.kind is not query.kind:
        return False
    if query.free_only and not resource.is_free:
        return False
    return not (query.level is not None and abs(resource.level.rank - query.level.rank) >= 2)


def score_resource(
    resource: Resource, query: Query, history: Mapping[str, ReadingStatus]
) -> tuple[float, list[str]] | None:
    """The score and reasons of one resource for a query, or None when it is no pick at all."""
    if not _passes_filters(resource, query):
        return None
    score = 0.0
    reasons: list[str] = []
    if query.topics:
        covered = [t for t in query.topics if t in resource.topics]
        for topic in covered:
            score += 4.0 if resource.topics[0] is topic else 2.5
        related = [
            r for t in query.topics for r in RELATED_TOPICS.get(t, ()) if r in resource.topics and r not in covered
        ]
        if covered:
            reasons.append("covers " + " and ".join(t.label for t in covered))
        elif related:
            score += 1.0
            reasons.append(f"related: {related[0].label}")
        else:
            return None
    if query.background is not None:
        if query.background in resource.backgrounds:
            score += 3.0
            reasons.append(BACKGROUND_PHRASES[query.background])
        gap = resource.level.rank - BACKGROUND_LEVEL[query.background].rank
        if gap > 0 and query.background not in resource.backgrounds:
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
    if resource.is_free:
        score += 0.5
        reasons.append(resource.cost.label)
    if history.get(resource.id) is ReadingStatus.WANT_TO_READ:
        score += 1.0
        reasons.append("on your want-to-read shelf")
    if resource.prerequisites and all(history.get(p) is ReadingStatus.FINISHED for p in resource.prerequisites):
        score += 1.0
        reasons.append("you finished what it builds on")
    return score, reasons


def _score_all(columns: CatalogColumns, query: Query) -> tuple[np.ndarray, np.ndarray]:
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
    if query.topics:
        covered = np.zeros(size, dtype=bool)
        related = np.zeros(size, dtype=bool)
        for topic in query.topics:
            score += np.where(columns.main[topic], 4.0, np.where(columns.covers[topic], 2.5, 0.0))
            covered |= columns.covers[topic]
            for other in RELATED_TOPICS.get(topic, ()):
                related |= columns.covers[other]
        score += ~covered & related
        eligible &= covered | related
    if query.background is not None:
        suits = columns.suits[query.background]
        score += 3.0 * suits
        gap = level - BACKGROUND_LEVEL[query.background].rank
        score -= np.where((gap > 0) & ~suits, 2.0 * gap, 0.0)
    if query.level is not None:
        score += np.where(level == query.level.rank, 2.0, -1.0)
    elif query.background is None:
        score += 0.5 * (level == Level.BEGINNER.rank)
    score += 0.5 * columns.free
    return score, eligible


def _best_positions(score: np.ndarray, candidates: np.ndarray, count: int) -> list[int]:
    """The `count` best candidate positions, by score and then catalog order, without sorting them all."""
    if count <= 0 or not len(candidates):
        return []
    # Scores are multiples of 0.5, so (−2·score, position) packs into one exact integer sort key.
    keys = (-2 * score[candidates]).astype(np.int64) * (len(score) + 1) + candidates
    if count < len(keys):
        keys = keys[np.argpartition(keys, count - 1)[:count]]
    return [int(key % (len(score) + 1)) for key in np.sort(keys)]


def recommend(
    catalog: Catalog,
    query: Query,
    history: Mapping[str, ReadingStatus] | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Recommendation:
    """Rank the catalog for a query and a member's history; `offset` pages through the same ranking."""
    history = history or {}
    resolved, unknown, suggestions = resolve_query(query)
    if query.text.strip() and resolved.asks_nothing:
        return Recommendation(picks=(), total=0, query=resolved, unknown_words=unknown, suggestions=suggestions)
    columns = CatalogColumns.of(catalog)
    score, eligible = _score_all(columns, resolved)
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
    continuing = np.flatnonzero(eligible & reading).tolist()
    wanted = offset + limit - len(continuing)
    ranked = _best_positions(score, np.flatnonzero(eligible & ~reading), wanted)
    picks: list[Pick] = []
    for position in [*continuing, *ranked][offset : offset + limit]:
        resource = catalog[columns.ids[position]]
        points, reasons = score_resource(resource, resolved, history) or (0.0, [])
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
    )


@dataclass(frozen=True)
class PathStep:
    """One resource on a learning path, and where the member stands with it."""

    resource: Resource
    status: ReadingStatus | None
    for_topic: bool

    @property
    def done(self) -> bool:
        """Whether the member finished it."""
        return self.status is ReadingStatus.FINISHED


def learning_path(
    catalog: Catalog, topic: Topic, history: Mapping[str, ReadingStatus] | None = None, *, limit: int = 12
) -> list[PathStep]:
    """Resources on a topic with everything they build on, prerequisites first, easier before harder.

    A resource whose main topic is the asked one ranks before one that only touches it; among the
    steps that are free to come next, beginner before intermediate before advanced, then catalog order.
    """
    history = history or {}
    order = {resource.id: index for index, resource in enumerate(catalog)}
    on_topic = [r for r in catalog if topic in r.topics]
    on_topic.sort(key=lambda r: (r.topics.index(topic) > 0, r.level.rank, order[r.id]))
    chosen: dict[str, bool] = {}
    pending = [(r.id, True) for r in on_topic[:limit]]
    while pending:
        resource_id, for_topic = pending.pop()
        if resource_id in chosen or resource_id not in catalog:
            continue
        # A step on the asked topic is never "groundwork", even when another step's prerequisites reach it first.
        chosen[resource_id] = for_topic or topic in catalog[resource_id].topics
        pending.extend((p, False) for p in catalog[resource_id].prerequisites)
    # Kahn's algorithm over the chosen resources, choosing the gentlest ready step each time.
    waiting = {rid: {p for p in catalog[rid].prerequisites if p in chosen} for rid in chosen}
    steps: list[PathStep] = []
    while waiting:
        ready = [rid for rid, needs in waiting.items() if not needs]
        if not ready:  # a cycle slipped past validation: keep the rest in catalog order rather than loop
            ready = sorted(waiting, key=order.__getitem__)
        next_id = min(ready, key=lambda rid: (catalog[rid].level.rank, order[rid]))
        del waiting[next_id]
        for needs in waiting.values():
            needs.discard(next_id)
        steps.append(PathStep(catalog[next_id], history.get(next_id), chosen[next_id]))
    return steps
