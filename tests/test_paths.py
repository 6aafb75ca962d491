"""Learning paths over concepts: real prerequisites first, the best place for each, what the member has done."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import ConceptGraph
from bot.catalog.schema import Concept
from bot.catalog.vocabulary import Background, LengthUnit, Topic
from bot.paths import (
    MAX_STEPS,
    Member,
    close_targets,
    concept_path,
    path_as_dict,
    resolve_target,
    target_choices,
    topic_path,
    topics_studied_after,
)
from bot.reading import ReadingStatus
from bot.store.models import ShelfEntry
from tests.factories import make_resource


def concept(cid: str, topic: str, *prerequisites: str) -> Concept:
    """A concept named after its id."""
    return Concept(id=cid, name=cid.replace("-", " "), topic=topic, prerequisites=list(prerequisites))


CONCEPTS = ConceptGraph(
    [
        concept("vectors", "linear-algebra"),
        concept("eigenvalues", "linear-algebra", "vectors"),
        concept("svd", "linear-algebra", "eigenvalues"),
        concept("pca", "linear-algebra", "svd", "variance"),
        concept("derivatives", "calculus"),
        concept("expectation", "probability"),
        concept("variance", "probability", "expectation"),
        concept("continuous-distributions", "probability", "derivatives"),
    ]
)


@pytest.fixture
def catalog() -> Catalog:
    """A gentle video course, an advanced book with chapters, and a probability book that needs calculus."""
    return Catalog(
        [
            make_resource(
                "advanced-book",
                topics=["linear-algebra"],
                level="advanced",
                sections=[
                    {"number": "1", "title": "Vectors", "start": 1, "concepts": ["vectors"]},
                    {"number": "5", "title": "Eigenvalues", "start": 100, "concepts": ["eigenvalues"]},
                    {"number": "7", "title": "Singular values", "start": 200, "concepts": ["svd", "pca"]},
                ],
            ),
            make_resource(
                "gentle-videos",
                topics=["linear-algebra"],
                level="beginner",
                cost="free",
                kind="video-series",
                length={"amount": 10, "unit": "videos"},
                sections=[
                    {"number": "1", "title": "Vectors, what even are they?", "start": 1, "concepts": ["vectors"]},
                    {"number": "2", "title": "Eigenvectors", "start": 2, "concepts": ["eigenvalues"]},
                ],
            ),
            make_resource(
                "deep-learning-book",
                topics=["deep-learning", "linear-algebra"],
                level="advanced",
                concepts=["vectors", "svd"],
            ),
            make_resource("calculus-book", topics=["calculus"], level="beginner", concepts=["derivatives"]),
            make_resource(
                "probability-book",
                topics=["probability"],
                level="intermediate",
                concepts=["expectation", "variance", "continuous-distributions"],
            ),
        ],
        CONCEPTS,
    )


def names(path) -> list[str]:
    """The concept ids of a path's steps, in order."""
    return [step.concept.id for step in path.steps]


def test_a_concept_path_puts_every_real_prerequisite_first_and_looks_ahead(catalog: Catalog) -> None:
    path = concept_path(catalog, "svd")
    assert names(path) == ["vectors", "eigenvalues", "svd"]
    assert [s.groundwork for s in path.steps] == [True, True, False]
    assert [c.id for c in path.unlocks] == ["pca"]


def test_each_step_names_the_best_place_for_a_newcomer(catalog: Catalog) -> None:
    path = concept_path(catalog, "svd")
    places = [(s.place.resource.id, s.place.section.number if s.place.section else None) for s in path.steps]
    # The gentle videos where they teach it; the SVD only in the advanced book's chapter 7, never in a
    # deep-learning book whose main topic is something else.
    assert places == [("gentle-videos", "1"), ("gentle-videos", "2"), ("advanced-book", "7")]
    assert path.steps[2].place.label.endswith("chapter 7 · Singular values")


def test_a_topic_path_holds_its_concepts_and_only_their_real_groundwork(catalog: Catalog) -> None:
    path = topic_path(catalog, Topic.PROBABILITY)
    assert names(path) == ["expectation", "variance", "derivatives", "continuous-distributions"]
    assert {s.concept.id for s in path.steps if s.groundwork} == {"derivatives"}  # continuous distributions need it
    linear = topic_path(catalog, Topic.LINEAR_ALGEBRA)
    assert "expectation" in names(linear) and "derivatives" not in names(linear)  # PCA needs variance, not calculus


def test_what_the_member_studied_is_done_and_the_path_resumes_where_they_are(catalog: Catalog) -> None:
    member = Member(
        statuses={"gentle-videos": ReadingStatus.FINISHED, "advanced-book": ReadingStatus.READING},
        positions={"advanced-book": 150},
    )
    path = concept_path(catalog, "svd", member)
    assert [s.done for s in path.steps] == [True, True, False]
    assert path.steps[2].place.resource.id == "advanced-book"  # the one they are reading
    assert [s.concept.id for s in path.to_do] == ["svd"]


def test_a_section_counts_as_studied_once_the_member_is_past_it() -> None:
    passed = Member({"advanced-book": ReadingStatus.READING}, {"advanced-book": 120})
    catalog = Catalog(
        [
            make_resource(
                "advanced-book",
                sections=[
                    {"number": "1", "title": "Vectors", "start": 1, "concepts": ["vectors"]},
                    {"number": "5", "title": "Eigenvalues", "start": 100, "concepts": ["eigenvalues"]},
                    {"number": "7", "title": "SVD", "start": 200, "concepts": ["svd"]},
                ],
            )
        ],
        CONCEPTS,
    )
    assert [s.done for s in concept_path(catalog, "svd", passed).steps] == [True, False, False]


def test_a_researcher_gets_the_rigorous_book_and_dropped_resources_are_never_suggested(catalog: Catalog) -> None:
    researcher = Member({}, {}, background=Background.RESEARCHER)
    assert concept_path(catalog, "eigenvalues", researcher).steps[-1].place.resource.id == "advanced-book"
    dropped = Member({"gentle-videos": ReadingStatus.DROPPED}, {})
    assert concept_path(catalog, "eigenvalues", dropped).steps[-1].place.resource.id == "advanced-book"


def test_a_concept_nothing_teaches_has_no_place_and_long_paths_are_bounded() -> None:
    chain = ConceptGraph(
        [concept(f"c{i}", "linear-algebra", *([f"c{i - 1}"] if i else [])) for i in range(MAX_STEPS + 20)]
    )
    path = concept_path(Catalog([], chain), f"c{MAX_STEPS + 19}")
    assert len(path.steps) == MAX_STEPS and path.left_out == 20
    assert path.steps[-1].concept.id == f"c{MAX_STEPS + 19}"  # the earliest groundwork is left out, never the target
    assert all(step.place is None for step in path.steps)
    # A topic path keeps its start instead: where the member begins.
    by_topic = topic_path(Catalog([], chain), Topic.LINEAR_ALGEBRA)
    assert by_topic.steps[0].concept.id == "c0" and by_topic.left_out == 20


# Linear algebra and probability each build on the other here, as in the shipped vocabulary: PCA needs
# variance; two of the three probability concepts need vectors. Probability builds on linear algebra more.
MUTUAL = ConceptGraph(
    [
        concept("vectors", "linear-algebra"),
        concept("svd", "linear-algebra", "vectors"),
        concept("pca", "linear-algebra", "svd", "variance"),
        concept("derivatives", "calculus"),
        concept("expectation", "probability"),
        concept("variance", "probability", "expectation"),
        concept("random-vectors", "probability", "vectors", "expectation"),
        concept("gaussian-vectors", "probability", "random-vectors", "derivatives"),
    ]
)


def test_a_topic_path_leaves_to_next_what_needs_a_topic_studied_after_it() -> None:
    catalog = Catalog([], MUTUAL)
    assert topics_studied_after(catalog, Topic.LINEAR_ALGEBRA) == {Topic.PROBABILITY}
    assert topics_studied_after(catalog, Topic.PROBABILITY) == set()
    linear = topic_path(catalog, Topic.LINEAR_ALGEBRA)
    assert names(linear) == ["vectors", "svd"]  # no probability on the way to PCA
    assert linear.unlocks[0].id == "pca" and [c.id for c in linear.also_needs["pca"]] == ["variance"]
    # Probability builds on linear algebra: its path takes the vectors it needs, where it first needs them.
    probability = topic_path(catalog, Topic.PROBABILITY)
    assert names(probability) == [
        "expectation",
        "variance",
        "vectors",
        "random-vectors",
        "derivatives",
        "gaussian-vectors",
    ]
    assert [s.groundwork for s in probability.steps] == [False, False, True, False, True, False]


def test_what_the_member_already_has_is_not_listed_as_also_needed() -> None:
    catalog = Catalog(
        [make_resource("stats-book", topics=["probability"], concepts=["expectation", "variance"])], MUTUAL
    )
    finished = Member({"stats-book": ReadingStatus.FINISHED}, {})
    assert "pca" not in topic_path(catalog, Topic.LINEAR_ALGEBRA, finished).also_needs
    assert "pca" in topic_path(catalog, Topic.LINEAR_ALGEBRA).also_needs


def test_a_member_is_read_from_their_shelves_with_positions_only_where_they_are_reading() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)

    def entry(resource_id: str, status: ReadingStatus, position: int | None) -> ShelfEntry:
        return ShelfEntry(1, resource_id, status, position, LengthUnit.PAGES, 300, None, None, 1, "private", now)

    member = Member.from_shelf(
        [
            entry("reading", ReadingStatus.READING, 120),
            entry("finished", ReadingStatus.FINISHED, 300),
            entry("dropped", ReadingStatus.DROPPED, 40),
            entry("not-started", ReadingStatus.READING, None),
        ]
    )
    assert member.statuses == {
        "reading": ReadingStatus.READING,
        "finished": ReadingStatus.FINISHED,
        "dropped": ReadingStatus.DROPPED,
        "not-started": ReadingStatus.READING,
    }
    assert member.positions == {"reading": 120}
    assert member.background is None and member.level is None


def test_a_target_is_a_topic_by_name_a_concept_by_any_of_its_words_and_forgiving_of_typos(catalog: Catalog) -> None:
    assert resolve_target(catalog, "probability") is Topic.PROBABILITY
    assert resolve_target(catalog, "topic:linear-algebra") is Topic.LINEAR_ALGEBRA
    assert resolve_target(catalog, "concept:svd") == catalog.concepts["svd"]
    assert resolve_target(catalog, "singular values") is None  # not a synonym in this small vocabulary
    assert resolve_target(catalog, "Eigenvalues") == catalog.concepts["eigenvalues"]
    assert resolve_target(catalog, "eigenvaleus") == catalog.concepts["eigenvalues"]  # a close misspelling
    assert resolve_target(catalog, "linalg") is Topic.LINEAR_ALGEBRA
    assert resolve_target(catalog, "concept:nothing") is None and resolve_target(catalog, "xyzzy") is None
    assert close_targets(catalog, "eigenvals")[0] == "eigenvalues"


def test_autocomplete_offers_each_target_once_what_is_named_exactly_first() -> None:
    graph = ConceptGraph(
        [
            Concept(id="vectors", name="vectors", topic="linear-algebra"),
            Concept(id="svd", name="singular value decomposition", synonyms=["svd"], topic="linear-algebra"),
            Concept(id="truncated", name="low-rank approximation", synonyms=["truncated svd"], topic="linear-algebra"),
            Concept(id="eigen", name="eigenvalues and eigenvectors", synonyms=["eigenvalues"], topic="linear-algebra"),
        ]
    )
    catalog = Catalog([], graph)
    assert target_choices(catalog, "svd") == [
        ("svd → singular value decomposition · linear algebra", "concept:svd"),
        ("truncated svd → low-rank approximation · linear algebra", "concept:truncated"),
    ]
    # 'eigenvalues' is also a synonym of the topic linear algebra; typed, it is the concept.
    assert [value for _, value in target_choices(catalog, "eigenvalues")] == ["concept:eigen"]
    linear = target_choices(catalog, "linear")
    assert linear[0] == ("linear algebra · topic", "topic:linear-algebra")
    assert len({value for _, value in linear}) == len(linear)
    assert len(target_choices(catalog, "")) == len(Topic)
    assert target_choices(catalog, "singulr value decompositon")[0] == (
        "singular value decomposition (did you mean?)",
        "concept:svd",
    )


def test_the_path_as_data_keeps_each_steps_groundwork_and_done_flags(catalog: Catalog) -> None:
    member = Member({"gentle-videos": ReadingStatus.FINISHED}, {})
    data = path_as_dict(concept_path(catalog, "svd", member))
    assert [(s["concept"], s["groundwork"], s["done"]) for s in data["steps"]] == [
        ("vectors", True, True),
        ("eigenvalues", True, True),
        ("svd", False, False),
    ]
    assert data["steps"][0]["place"] is None  # done: nowhere to send them
    assert data["steps"][2]["place"]["resource"] == "advanced-book" and data["steps"][2]["place"]["section"] == "7"
    assert data["unlocks"] == [{"concept": "pca", "name": "pca", "also_needs": ["variance"]}]
