"""The contents form as plain text: sections one a line and concepts by any of their names, in and out."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.forms import (
    MAX_CONTENTS_TEXT,
    ContentsForm,
    ContentsTooLong,
    contents_form_for,
    parse_concepts,
    resource_with_contents,
    section_line,
)
from bot.catalog.loader import load_catalog
from bot.catalog.vocabulary import LengthUnit, SectionKind
from bot.errors import InvalidInputError
from tests.factories import LADR, make_resource

CURATED = load_catalog(Path(__file__).resolve().parents[2] / "data")
CONCEPTS = CURATED.concepts
BOOK = make_resource("a-book", length={"amount": 390, "unit": "pages"})


def refusal(form: ContentsForm, resource=BOOK) -> str:
    """The message a refused contents form gets."""
    with pytest.raises(InvalidInputError) as refused:
        resource_with_contents(form, resource, CONCEPTS)
    return refused.value.message


def test_a_section_line_takes_its_number_title_start_and_concepts_by_name_synonym_or_id() -> None:
    form = ContentsForm(
        concepts="PCA, eigenvalues",
        sections="7 · Operators on Inner Product Spaces · p. 225 · spectral-theorem, svd\n\n"
        "appendix A | Distributions | 300 | joint, marginal and conditional distributions, Bayes' rule\n"
        "8 · Notes",
    )
    resource = resource_with_contents(form, BOOK, CONCEPTS)
    assert resource.concepts == ("principal-component-analysis", "eigenvalues-and-eigenvectors")
    seven, appendix, eight = resource.sections
    assert (seven.number, seven.title, seven.start, seven.kind) == ("7", "Operators on Inner Product Spaces", 225, None)
    assert seven.concepts == ("spectral-theorem", "singular-value-decomposition")
    assert (appendix.number, appendix.kind, appendix.start) == ("A", SectionKind.APPENDIX, 300)
    assert appendix.concepts == ("joint-distributions", "bayes-rule")  # a name holding commas is one concept
    assert (eight.start, eight.concepts) == (None, ())
    assert resource.title == BOOK.title and resource.url == BOOK.url  # nothing else changes


@pytest.mark.parametrize("written", ["p. 225", "p225", "pp. 225", "page 225", "225", "from 225", "starts at 225"])
def test_a_start_may_be_written_as_people_write_page_numbers(written: str) -> None:
    resource = resource_with_contents(ContentsForm(sections=f"7 · Title · {written}"), BOOK, CONCEPTS)
    assert resource.sections[0].start == 225


def test_every_curated_table_of_contents_round_trips_through_the_form() -> None:
    for resource in CURATED:
        form = contents_form_for(resource)
        assert len(form.sections) <= MAX_CONTENTS_TEXT
        assert resource_with_contents(form, resource, CONCEPTS) == resource, resource.id


def test_a_lecture_series_writes_its_starts_in_lectures() -> None:
    course = make_resource(
        "a-course",
        kind="lecture-series",
        length={"amount": 30, "unit": "lectures"},
        sections=[
            {"number": "3", "title": "Elimination", "start": 3},
            {"number": "4", "title": "Extra", "kind": "week"},
        ],
    )
    assert [section_line(s, LengthUnit.LECTURES) for s in course.sections] == [
        "3 · Elimination · lecture 3",
        "week 4 · Extra",
    ]


def test_each_problem_names_its_line_and_the_closest_concepts_and_nothing_is_saved() -> None:
    message = refusal(
        ContentsForm(
            concepts="pca, eigenvalus",
            sections="7 · Operators · p. 225 · spectral theorm\n8 ·\nch. 3 · Title\n9 · T · 12 · svd · extra",
        )
    )
    assert message.startswith("Nothing was saved; please fix:")
    assert (
        "**Concepts it teaches as a whole**: 'eigenvalus' is not a concept I know (did you mean 'eigenvalues and"
        in message
    )
    assert (
        "**Line 1** ('7 · Operators · p. 225 · spectral theorm'): 'spectral theorm' is not a concept I know" in message
    )
    assert "did you mean 'symmetric matrices and the spectral theorem'" in message
    assert "**Line 2** ('8 ·'): give the section's title after its number" in message
    assert "**Line 3** ('ch. 3 · Title'): 'ch. 3' is not a section number (like 7, 2.3 or appendix A)" in message
    assert "**Line 4** ('9 · T · 12 · svd · extra'): 'extra' is one part too many" in message


def test_the_schema_rules_come_back_on_the_line_that_breaks_them() -> None:
    assert "**Line 2** ('1 · A · p. 50'): section 1 starts at 50, not after the section before it (100)" in refusal(
        ContentsForm(sections="2 · B · p. 100\n1 · A · p. 50")
    )
    assert "**Line 3** ('1 · Again'): section 1 is listed twice" in refusal(
        ContentsForm(sections="1 · A\n2 · B\n1 · Again")
    )
    assert "**Line 1** ('9 · T · p. 500'): section 9 starts at 500, past the end (390 pages)" in refusal(
        ContentsForm(sections="9 · T · p. 500")
    )
    assert "the title is too long: at most 200 characters" in refusal(ContentsForm(sections="1 · " + "x" * 201))


def test_contents_too_long_for_the_form_are_refused_rather_than_cut() -> None:
    sections = [{"number": str(n), "title": "A long title for a chapter " * 6} for n in range(1, 40)]
    with pytest.raises(ContentsTooLong) as too_long:
        contents_form_for(make_resource("long-book", sections=sections))
    assert too_long.value.length > MAX_CONTENTS_TEXT


def test_concepts_are_read_once_each_in_the_order_given() -> None:
    assert parse_concepts("svd, SVD, singular value decomposition, , pca", CONCEPTS) == (
        ["singular-value-decomposition", "principal-component-analysis"],
        [],
    )


@given(text=st.text(max_size=300))
def test_any_text_is_either_valid_contents_or_a_refusal(text: str) -> None:
    try:
        resource = resource_with_contents(ContentsForm(concepts=text, sections=text), CURATED[LADR], CONCEPTS)
    except InvalidInputError as refused:
        assert refused.message.startswith("Nothing was saved")
    else:
        assert resource.id == LADR
