"""A member's pace from their own history, how long a resource or a path takes at it, and the stated default."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import ConceptGraph
from bot.catalog.schema import Concept
from bot.catalog.vocabulary import LengthUnit
from bot.pace import MIN_DAYS, USUAL_PACE, Pace, ReadingSpan
from bot.paths import Member, concept_path, study_days
from bot.reading import ReadingStatus
from tests.factories import make_resource

DAY_ONE = datetime(2025, 3, 1, 12, tzinfo=UTC)


def span(unit: LengthUnit, advanced: int, days: float) -> ReadingSpan:
    """A read-through that advanced this far over this many days from DAY_ONE."""
    return ReadingSpan(unit, advanced, DAY_ONE, DAY_ONE + timedelta(days=days))


def test_a_member_without_history_reads_at_the_stated_usual_pace() -> None:
    pace = Pace.from_spans([])
    book = make_resource("book", length={"amount": 300, "unit": "pages"})
    assert not pace.is_own(LengthUnit.PAGES)
    assert pace.per_day(LengthUnit.PAGES) == USUAL_PACE[LengthUnit.PAGES] == 10.0
    assert pace.days_for(book) == 30.0


def test_the_pace_is_what_they_read_over_the_days_it_took_in_each_unit() -> None:
    pace = Pace.from_spans(
        [span(LengthUnit.PAGES, 200, 10), span(LengthUnit.PAGES, 100, 10), span(LengthUnit.VIDEOS, 6, 3)]
    )
    assert pace.per_day(LengthUnit.PAGES) == 15.0  # 300 pages over 20 days
    assert pace.per_day(LengthUnit.VIDEOS) == 2.0
    assert pace.days_read == {LengthUnit.PAGES: 20.0, LengthUnit.VIDEOS: 3.0}
    assert not pace.is_own(LengthUnit.LECTURES)  # never read in lectures: the usual pace there


def test_a_pace_needs_a_few_days_of_reading_before_it_is_the_members_own() -> None:
    one_sitting = Pace.from_spans([span(LengthUnit.PAGES, 390, 0.02)])  # a day at least, but only one
    assert not one_sitting.is_own(LengthUnit.PAGES)
    enough = Pace.from_spans([span(LengthUnit.PAGES, 30, 1)] * int(MIN_DAYS))
    assert enough.is_own(LengthUnit.PAGES) and enough.per_day(LengthUnit.PAGES) == 30.0


def test_what_is_left_after_a_position_takes_less() -> None:
    pace = Pace({LengthUnit.PAGES: 20.0}, {LengthUnit.PAGES: 10.0})
    book = make_resource("book", length={"amount": 300, "unit": "pages"})
    assert pace.days_for(book, position=100) == 10.0
    assert pace.days_for(book, position=300) == 0.0


def test_a_section_takes_from_its_start_to_the_next_one() -> None:
    book = make_resource(
        "book",
        length={"amount": 300, "unit": "pages"},
        sections=[{"number": "1", "title": "One", "start": 1}, {"number": "2", "title": "Two", "start": 101}],
    )
    pace = Pace()
    assert pace.days_for(book, section=book.sections[0]) == 10.0  # pages 1–100
    assert pace.days_for(book, section=book.sections[1]) == 20.0  # pages 101–300


@pytest.fixture
def catalog() -> Catalog:
    """Two concepts taught in two chapters of one book, and a third in a video series as a whole."""
    concepts = ConceptGraph(
        [
            Concept(id="vectors", name="vectors", topic="linear-algebra"),
            Concept(id="eigenvalues", name="eigenvalues", topic="linear-algebra", prerequisites=["vectors"]),
            Concept(id="svd", name="svd", topic="linear-algebra", prerequisites=["eigenvalues"]),
        ]
    )
    return Catalog(
        [
            make_resource(
                "book",
                level="beginner",
                length={"amount": 300, "unit": "pages"},
                sections=[
                    {"number": "1", "title": "Vectors", "start": 1, "concepts": ["vectors"]},
                    {"number": "2", "title": "Eigenvalues", "start": 101, "concepts": ["eigenvalues"]},
                ],
            ),
            make_resource(
                "videos",
                level="beginner",
                kind="video-series",
                length={"amount": 8, "unit": "videos"},
                concepts=["svd"],
            ),
        ],
        concepts,
    )


def test_a_path_takes_the_places_left_to_study_each_counted_once(catalog: Catalog) -> None:
    path = concept_path(catalog, "svd")
    assert study_days(path, Pace()) == 10.0 + 20.0 + 8.0  # chapter 1, chapter 2, the video series
    done_the_book = Member({"book": ReadingStatus.FINISHED}, {})
    assert study_days(concept_path(catalog, "svd", done_the_book), Pace()) == 8.0
