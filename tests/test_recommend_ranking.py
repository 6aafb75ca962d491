"""The vectorised ranking gives exactly the answer of scoring each resource one by one, for any input, with
community signals or without."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic_catalog
from bot.catalog.catalog import Catalog
from bot.catalog.vocabulary import BACKGROUND_LEVEL, Background, Kind, Level, Topic
from bot.community import CommunityFacts, CommunitySignals, ResourceFacts
from bot.reading import ReadingStatus
from bot.recommend import Query, recommend, score_resource


def reference_ranking(
    catalog: Catalog,
    query: Query,
    history: dict[str, ReadingStatus],
    community: CommunitySignals | None = None,
) -> list[tuple[str, float]]:
    """The ranking rules written the slow, obvious way: score every resource, reading first, then by score.

    Equal scores go to the smaller distance from the level the member is ready for, then to more asked
    concepts taught, then to catalog order.
    """
    ready = query.level or (BACKGROUND_LEVEL[query.background] if query.background else None)
    continuing, ranked = [], []
    for index, resource in enumerate(catalog):
        status = history.get(resource.id)
        if status in (ReadingStatus.FINISHED, ReadingStatus.DROPPED):
            continue
        scored = score_resource(resource, query, history, community=community)
        if scored is None:
            continue
        if status is ReadingStatus.READING:
            continuing.append((resource.id, scored[0]))
        else:
            distance = abs(resource.level.rank - ready.rank) if ready else 0
            taught = sum(c in resource.taught_concepts for c in query.concepts)
            ranked.append((-scored[0], distance, -taught, index, resource.id))
    ranked.sort()
    return continuing + [(rid, -negative) for negative, _, _, _, rid in ranked]


queries = st.builds(
    Query,
    topics=st.lists(st.sampled_from(list(Topic)), max_size=3, unique=True).map(tuple),
    background=st.none() | st.sampled_from(list(Background)),
    level=st.none() | st.sampled_from(list(Level)),
    kind=st.none() | st.sampled_from(list(Kind)),
    free_only=st.booleans(),
)


# Per resource position: nothing known, or (finished by, average rating, members went on to it from a finish);
# mostly values whose bonuses collide, so the ways they break ties are exercised, and any average at times.
resource_facts = st.none() | st.tuples(
    st.none() | st.sampled_from([3, 5, 10, 40]),
    st.none() | st.sampled_from([2.0, 4.0, 5.0]) | st.floats(min_value=1.0, max_value=5.0, allow_nan=False),
    st.booleans(),
)


def signals_for(catalog: Catalog, drawn: list) -> CommunitySignals | None:
    """Community signals for the first resources of a catalog, as drawn; None when nothing was drawn."""
    if drawn is None:
        return None
    known, after = {}, {}
    for resource_id, facts in zip(catalog.ids, drawn, strict=False):
        if facts is None:
            continue
        finished, rating, went_on = facts
        known[resource_id] = ResourceFacts(finished=finished, rating=rating, ratings=None if rating is None else 3)
        if went_on:
            after[resource_id] = "A Finished Book"
    return CommunitySignals(CommunityFacts(here=True, resources=known, went_on={}), after)


@settings(max_examples=150, deadline=None)
@given(
    size=st.integers(min_value=0, max_value=40),
    seed=st.integers(min_value=0, max_value=5),
    query=queries,
    statuses=st.lists(st.none() | st.sampled_from(list(ReadingStatus)), max_size=40),
    limit=st.integers(min_value=1, max_value=8),
    offset=st.integers(min_value=0, max_value=10),
    community=st.none() | st.lists(resource_facts, max_size=40),
)
# Two different signals worth the same on resources the rules tie: the catalog order must decide, in both.
@example(size=10, seed=0, query=Query(), statuses=[], limit=10, offset=0, community=[(None, None, True), (10, None, 0)])
@example(size=10, seed=0, query=Query(), statuses=[], limit=10, offset=0, community=[(None, 5.0, 0), (10, None, True)])
def test_fast_ranking_equals_the_reference(size, seed, query, statuses, limit, offset, community) -> None:
    catalog = synthetic_catalog(size, seed)
    history = {rid: status for rid, status in zip(catalog.ids, statuses, strict=False) if status is not None}
    signals = signals_for(catalog, community)
    expected = reference_ranking(catalog, query, history, signals)
    answer = recommend(catalog, query, history, limit=limit, offset=offset, community=signals)
    assert [(p.resource.id, p.score) for p in answer.picks] == expected[offset : offset + limit]
    assert answer.total == len(expected)
    assert all(p.continuing == (history.get(p.resource.id) is ReadingStatus.READING) for p in answer.picks)


def test_the_synthetic_generator_makes_valid_acyclic_catalogs_of_any_size() -> None:
    catalog = synthetic_catalog(2_000)
    assert len(catalog) == 2_000
    position = {rid: index for index, rid in enumerate(catalog.ids)}
    assert all(position[p] < position[r.id] for r in catalog for p in r.prerequisites)
    assert synthetic_catalog(50).ids == synthetic_catalog(50).ids
