"""The concept vocabulary and resources' sections: what they hold, how they are checked, how they are read."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.catalog.concepts import ConceptGraph
from bot.catalog.loader import CatalogError, load_catalog, parse_resources
from bot.catalog.schema import Concept
from bot.catalog.vocabulary import Topic
from tests.factories import make_resource

CONCEPTS = """\
concepts:
  - id: vectors
    name: vectors
    topic: linear-algebra
    synonyms: [vector]
  - id: eigenvalues
    name: eigenvalues and eigenvectors
    topic: linear-algebra
    synonyms: [eigenvectors]
    prerequisites: [vectors]
  - id: singular-value-decomposition
    name: singular value decomposition
    topic: linear-algebra
    synonyms: [svd, singular values]
    prerequisites: [eigenvalues]
"""

BOOK = """\
resources:
  - id: axler
    title: Linear Algebra Done Right
    authors: [Sheldon Axler]
    kind: book
    url: https://linear.axler.net/
    cost: free-online-paid-print
    topics: [linear-algebra]
    level: intermediate
    length: {amount: 390, unit: pages}
    summary: Vector spaces first.
    why: Friendly and intuitive.
    sections:
      - {number: "1", title: Vector Spaces, start: 1, concepts: [vectors]}
      - {number: "5", title: Eigenvalues and Eigenvectors, start: 132, concepts: [eigenvalues]}
      - {number: "7", title: Operators on Inner Product Spaces, start: 225, concepts: [%s]}
"""


def folder(tmp_path: Path, book: str = BOOK % "singular-value-decomposition", concepts: str = CONCEPTS) -> Path:
    """A catalog folder with a concept vocabulary and one book."""
    (tmp_path / "concepts.yaml").write_text(concepts, encoding="utf-8")
    (tmp_path / "books.yaml").write_text(book, encoding="utf-8")
    return tmp_path


def issues_of(path: Path) -> list[tuple[str, int, str]]:
    """(file name, line, message) of every issue loading the path raises."""
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    return [(Path(issue.source).name, issue.line, issue.message) for issue in caught.value.issues]


def test_a_catalog_carries_its_concepts_and_knows_where_each_is_taught(tmp_path: Path) -> None:
    catalog = load_catalog(folder(tmp_path))

    assert catalog.concepts.ids == ["vectors", "eigenvalues", "singular-value-decomposition"]
    [(resource, section)] = catalog.teaching("singular-value-decomposition")
    assert resource.id == "axler"
    assert section is not None and section.label_in(resource.length.unit) == "chapter 7"
    assert catalog["axler"].taught_concepts == ("vectors", "eigenvalues", "singular-value-decomposition")


def test_an_unknown_concept_in_a_section_is_named_on_its_line_with_the_concept_it_probably_means(
    tmp_path: Path,
) -> None:
    # 'svd' is a synonym, not an id: the curator is pointed at the id.
    assert issues_of(folder(tmp_path, BOOK % "svd")) == [
        (
            "books.yaml",
            16,
            "concept 'svd' is not in the concept vocabulary (did you mean 'singular-value-decomposition'?)",
        )
    ]


def test_a_misspelt_concept_id_gets_the_closest_id(tmp_path: Path) -> None:
    [(_, line, message)] = issues_of(folder(tmp_path, BOOK % "singular-value-decompositon"))
    assert line == 16
    assert message.endswith("(did you mean 'singular-value-decomposition'?)")


def test_concept_prerequisites_must_exist_and_never_form_a_cycle(tmp_path: Path) -> None:
    concepts = CONCEPTS.replace("    synonyms: [vector]\n", "    synonyms: [vector]\n    prerequisites: [svd-thing]\n")
    concepts = concepts.replace("prerequisites: [vectors]", "prerequisites: [vectors, singular-value-decomposition]")
    issues = issues_of(folder(tmp_path, concepts=concepts))

    assert ("concepts.yaml", 6, "prerequisite 'svd-thing' is not in the concept vocabulary") in issues
    cycles = [(line, message) for _, line, message in issues if "cycle" in message]
    assert cycles == [(11, "concept prerequisite cycle: eigenvalues → singular-value-decomposition → eigenvalues")]


def test_a_word_two_concepts_claim_is_refused_where_the_second_claims_it(tmp_path: Path) -> None:
    concepts = CONCEPTS.replace("synonyms: [svd, singular values]", "synonyms: [svd, Eigenvectors]")
    [(name, line, message)] = issues_of(folder(tmp_path, concepts=concepts))
    assert (name, line) == ("concepts.yaml", 14)
    assert message.startswith("'Eigenvectors' already names concept 'eigenvalues' at ")
    assert message.endswith("concepts.yaml:9")


def test_an_unknown_topic_or_field_in_a_concept_is_reported_like_a_resource_s(tmp_path: Path) -> None:
    concepts = CONCEPTS.replace(
        "    topic: linear-algebra\n    synonyms: [vector]", "    topic: linar-algebra\n    synonim: [v]"
    )
    issues = issues_of(folder(tmp_path, concepts=concepts))
    assert ("concepts.yaml", 5, "unknown field 'synonim' (did you mean 'synonyms'?)") in issues
    assert len(issues) == 2  # the book naming the broken concept is not a second problem
    [topic] = [message for _, line, message in issues if line == 4 and "topic" in message]
    assert topic.startswith("'linar-algebra' is not a known topic (did you mean 'linear-algebra'?)")


def test_sections_must_rise_stay_inside_the_resource_and_be_numbered_once(tmp_path: Path) -> None:
    book = BOOK % "singular-value-decomposition"
    past_end = book.replace("start: 225", "start: 420")
    backwards = book.replace("start: 225", "start: 100")
    repeated = book.replace('number: "7"', 'number: "5"')
    for text, message in [
        (past_end, "sections: section 7 starts at 420, past the end (390 pages)"),
        (backwards, "sections: section 7 starts at 100, not after the section before it (132): list sections in order"),
        (repeated, "sections: section 5 is listed twice"),
    ]:
        assert issues_of(folder(tmp_path, text)) == [("books.yaml", 14, message)]


def test_a_section_number_and_title_are_short_single_line_labels() -> None:
    with pytest.raises(ValidationError):
        make_resource("bad-number", sections=[{"number": "Chapter 7 of the book", "title": "T"}])
    with pytest.raises(ValidationError):
        make_resource("bad-title", sections=[{"number": "7", "title": "Two\nlines"}])


def test_written_for_and_suits_are_told_apart_and_never_both() -> None:
    danka = make_resource("danka", written_for=["software-engineer"], backgrounds=["data-scientist"])
    assert [b.value for b in danka.suits] == ["software-engineer", "data-scientist"]
    with pytest.raises(ValidationError, match="written_for already names"):
        make_resource("both", written_for=["researcher"], backgrounds=["researcher"])


@pytest.mark.parametrize(
    ("unit", "position", "expected"),
    [
        ("pages", 0, "1"),  # not started: the first chapter is next
        ("pages", 131, "1"),
        ("pages", 132, "5"),  # on the first page of chapter 5
        ("pages", 390, "7"),
        ("lectures", 0, "1"),  # no lecture done yet: lecture 1 is the one being watched
        ("lectures", 2, "3"),  # two done: in the third
        ("lectures", 9, "3"),
    ],
)
def test_the_section_a_position_is_in_depends_on_what_the_unit_counts(unit: str, position: int, expected: str) -> None:
    starts = [1, 132, 225] if unit == "pages" else [1, 2, 3]
    numbers = ["1", "5", "7"] if unit == "pages" else ["1", "2", "3"]
    resource = make_resource(
        "sectioned",
        length={"amount": 390 if unit == "pages" else 10, "unit": unit},
        sections=[{"number": n, "title": f"Part {n}", "start": s} for n, s in zip(numbers, starts, strict=True)],
    )
    found = resource.section_at(position)
    assert found is not None and found.number == expected


def test_an_import_names_known_concepts_but_cannot_bring_a_vocabulary(tmp_path: Path) -> None:
    vocabulary = load_catalog(folder(tmp_path)).concepts
    book = BOOK % "singular-value-decomposition"
    [imported] = parse_resources([("import.yaml", book)], concepts=vocabulary)
    assert imported.sections[2].concepts == ("singular-value-decomposition",)

    with pytest.raises(CatalogError, match="an import holds resources only"):
        parse_resources([("import.yaml", CONCEPTS)], concepts=vocabulary)
    with pytest.raises(CatalogError, match="concept 'vectors' is not in the concept vocabulary"):
        parse_resources([("import.yaml", book)])


def graph(*concepts: tuple[str, Topic, list[str]]) -> ConceptGraph:
    """A concept graph from (id, topic, prerequisites)."""
    return ConceptGraph(
        Concept(id=cid, name=cid.replace("-", " "), topic=topic, prerequisites=pre) for cid, topic, pre in concepts
    )


def test_groundwork_comes_before_what_builds_on_it_and_unlocks_look_ahead() -> None:
    concepts = graph(
        ("svd", Topic.LINEAR_ALGEBRA, ["eigen", "orthogonality"]),
        ("eigen", Topic.LINEAR_ALGEBRA, ["vectors"]),
        ("orthogonality", Topic.LINEAR_ALGEBRA, ["vectors"]),
        ("vectors", Topic.LINEAR_ALGEBRA, []),
        ("pca", Topic.MACHINE_LEARNING, ["svd", "covariance"]),
        ("covariance", Topic.PROBABILITY, []),
    )

    assert [c.id for c in concepts.groundwork("svd")] == ["vectors", "eigen", "orthogonality"]
    assert [c.id for c in concepts.groundwork("pca")] == ["vectors", "eigen", "orthogonality", "svd", "covariance"]
    assert [c.id for c in concepts.unlocks("svd")] == ["pca"]
    assert [c.id for c in concepts.in_topic(Topic.LINEAR_ALGEBRA)] == ["vectors", "eigen", "orthogonality", "svd"]
    assert concepts.named("  PCA ") is concepts["pca"]


def test_where_a_concept_is_taught_is_every_place_naming_it_in_catalog_order() -> None:
    """The packed index gives what a plain scan of the shipped catalog gives, for every concept."""
    catalog = load_catalog(Path(__file__).resolve().parents[2] / "data")
    for concept in catalog.concepts:
        scanned = [
            (resource, section)
            for resource in catalog
            for section in [None, *resource.sections]
            if concept.id in (resource.concepts if section is None else section.concepts)
        ]
        assert catalog.teaching(concept.id) == scanned, concept.id
    assert catalog.teaching("no-such-concept") == []
