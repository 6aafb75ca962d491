"""Goal arithmetic: what counts toward pages, chapters, lectures and resources, and the periods in a member's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.catalog.vocabulary import LengthUnit
from bot.errors import InvalidInputError
from bot.rhythm.goals import (
    Goal,
    GoalPeriod,
    GoalStanding,
    GoalUnit,
    ReadingInPeriod,
    chapters_passed,
    check_amount,
    done_in_period,
    period_containing,
    previous_period,
)
from tests.factories import make_catalog, make_resource

BOOK = make_resource(
    "book",
    length={"amount": 100, "unit": "pages"},
    sections=[
        {"number": "1", "title": "One", "start": 1},
        {"number": "2", "title": "Two", "start": 30},
        {"number": "3", "title": "Three", "start": 60},
    ],
)
CATALOG = make_catalog(BOOK)


def reading(unit: LengthUnit, before: int | None, after: int | None, *, finished: bool = False) -> ReadingInPeriod:
    """A reading of BOOK (or of something in `unit`) that moved from `before` to `after`."""
    return ReadingInPeriod("book", unit, 100, before, after, finished)


def test_pages_count_the_distance_moved_in_books_of_pages() -> None:
    readings = [reading(LengthUnit.PAGES, 10, 45), reading(LengthUnit.PAGES, None, 20)]
    assert done_in_period(GoalUnit.PAGES, readings, CATALOG) == 55


def test_going_back_takes_nothing_away() -> None:
    readings = [reading(LengthUnit.PAGES, 50, 40), reading(LengthUnit.PAGES, 0, 10)]
    assert done_in_period(GoalUnit.PAGES, readings, CATALOG) == 10


def test_chapters_passed_in_a_book_of_pages_come_from_its_contents() -> None:
    # Chapter 1 ends on page 29, chapter 2 on page 59, chapter 3 on page 100.
    assert chapters_passed(BOOK, 0, 29) == 1
    assert chapters_passed(BOOK, 0, 28) == 0
    assert chapters_passed(BOOK, 25, 100) == 3
    assert done_in_period(GoalUnit.CHAPTERS, [reading(LengthUnit.PAGES, 25, 65)], CATALOG) == 2


def test_a_book_whose_contents_lack_first_pages_counts_no_chapters() -> None:
    vague = make_resource("book", sections=[{"number": "1", "title": "One"}, {"number": "2", "title": "Two"}])
    assert done_in_period(GoalUnit.CHAPTERS, [reading(LengthUnit.PAGES, 0, 300)], make_catalog(vague)) == 0


def test_lectures_count_lectures_videos_and_lessons_but_not_pages() -> None:
    readings = [reading(LengthUnit.LECTURES, 2, 5), reading(LengthUnit.VIDEOS, 0, 4), reading(LengthUnit.PAGES, 0, 50)]
    assert done_in_period(GoalUnit.LECTURES, readings, CATALOG) == 7


def test_resources_count_what_was_finished() -> None:
    readings = [reading(LengthUnit.PAGES, 90, 100, finished=True), reading(LengthUnit.PAGES, 0, 10)]
    assert done_in_period(GoalUnit.RESOURCES, readings, CATALOG) == 1


def test_a_week_runs_monday_to_monday_at_the_members_midnight() -> None:
    week = period_containing(GoalPeriod.WEEK, date(2025, 3, 6), "Asia/Tokyo")  # a Thursday
    assert (week.start, week.end) == (date(2025, 3, 3), date(2025, 3, 10))
    assert week.starts_at == datetime(2025, 3, 2, 15, tzinfo=UTC)  # Monday 00:00 in Tokyo (UTC+9)
    assert previous_period(GoalPeriod.WEEK, week, "Asia/Tokyo").start == date(2025, 2, 24)


def test_months_and_years() -> None:
    assert period_containing(GoalPeriod.MONTH, date(2024, 2, 10), "UTC").end == date(2024, 3, 1)
    year = period_containing(GoalPeriod.YEAR, date(2025, 6, 1), "UTC")
    assert (year.start, year.end, year.label(GoalPeriod.YEAR)) == (date(2025, 1, 1), date(2026, 1, 1), "2025")


@pytest.mark.parametrize(("amount", "words"), [(0, "more than zero"), (-5, "more than zero"), (10**9, "at most")])
def test_a_goal_of_nothing_or_too_much_is_refused(amount: int, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words):
        check_amount(amount)


def test_a_standing_says_what_is_left_and_never_less_than_nothing() -> None:
    period = period_containing(GoalPeriod.WEEK, date(2025, 3, 6), "UTC")
    goal = Goal(1, GoalUnit.PAGES, 50, GoalPeriod.WEEK)
    assert (GoalStanding(goal, period, 30).left, GoalStanding(goal, period, 30).met) == (20, False)
    assert (GoalStanding(goal, period, 80).left, GoalStanding(goal, period, 80).fraction) == (0, 1.0)
