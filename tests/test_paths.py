"""Learning paths over concepts: real prerequisites first, the best place for each, what the member has done."""

from __future__ import annotations

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import ConceptGraph
from bot.catalog.schema import Concept
from bot.catalog.vocabulary import Background, Topic
from bot.paths import MAX_STEPS, Member, concept_path, topic_path
from bot.reading import ReadingStatus
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
    chain = ConceptGraph([concept(f"c{i}", "linear-algebra", *([f"c{i - 1}"] if i else [])) for i in range(60)])
    path = concept_path(Catalog([], chain), "c59")
    assert len(path.steps) == MAX_STEPS and path.left_out == 20
    assert path.steps[-1].concept.id == "c59"  # the earliest groundwork is left out, never the target
    assert all(step.place is None for step in path.steps)
