"""A club's weeks from a resource's contents, and where a member stands in them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import InvalidInputError
from bot.rhythm.clubs import Pace, plan_weeks, readable_sections, standing, week_on
from tests.factories import make_resource

MONDAY = date(2025, 3, 3)


def book(**fields: object):  # noqa: ANN201 - a Resource
    """A 100-page book with three chapters (first pages given), a part heading and an appendix."""
    return make_resource(
        "book",
        length={"amount": 100, "unit": "pages"},
        sections=[
            {"number": "I", "title": "Basics", "kind": "part"},
            {"number": "1", "title": "One", "start": 1},
            {"number": "2", "title": "Two", "start": 30},
            {"number": "3", "title": "Three", "start": 60},
            {"number": "A", "title": "Tables", "kind": "appendix", "start": 95},
        ],
        **fields,
    )


def test_parts_and_appendices_are_not_weekly_reading() -> None:
    assert [s.number for s in readable_sections(book())] == ["1", "2", "3"]


def test_one_chapter_a_week_reaches_the_page_before_the_next_chapter() -> None:
    weeks = plan_weeks(book(), 1, MONDAY)
    assert [(w.number, w.starts_on, [s.number for s in w.sections], w.reach, w.exact) for w in weeks] == [
        (1, date(2025, 3, 3), ["1"], 29, True),
        (2, date(2025, 3, 10), ["2"], 59, True),
        (3, date(2025, 3, 17), ["3"], 100, True),
    ]


def test_two_a_week_and_an_uneven_last_week() -> None:
    weeks = plan_weeks(book(), 2, MONDAY)
    assert [[s.number for s in w.sections] for w in weeks] == [["1", "2"], ["3"]]
    assert [w.reach for w in weeks] == [59, 100]


def test_without_first_pages_the_reach_is_an_even_share_and_says_so() -> None:
    vague = make_resource("vague", length={"amount": 300, "unit": "pages"},
                          sections=[{"number": str(n), "title": f"Ch {n}"} for n in range(1, 4)])  # fmt: skip
    weeks = plan_weeks(vague, 1, MONDAY)
    assert [(w.reach, w.exact) for w in weeks] == [(100, False), (200, False), (300, True)]


def test_lectures_counted_one_by_one_reach_the_lecture_number() -> None:
    course = make_resource("course", kind="course", length={"amount": 4, "unit": "lectures"},
                           sections=[{"number": str(n), "title": f"L{n}"} for n in range(1, 5)])  # fmt: skip
    assert [w.reach for w in plan_weeks(course, 3, MONDAY)] == [3, 4]


def test_a_resource_without_contents_cannot_have_a_club() -> None:
    with pytest.raises(InvalidInputError, match="no table of contents"):
        plan_weeks(make_resource("bare"), 1, MONDAY)


@pytest.mark.parametrize("pace", [0, -1, 11])
def test_the_pace_is_one_to_ten_sections(pace: int) -> None:
    with pytest.raises(InvalidInputError, match="1 to 10"):
        plan_weeks(book(), pace, MONDAY)


def test_the_week_holding_a_day() -> None:
    weeks = plan_weeks(book(), 1, MONDAY)
    assert week_on(weeks, date(2025, 3, 2)) is None
    assert week_on(weeks, date(2025, 3, 9)).number == 1  # type: ignore[union-attr]
    assert week_on(weeks, date(2025, 3, 10)).number == 2  # type: ignore[union-attr]
    assert week_on(weeks, date(2025, 3, 24)) is None  # after the last week: the summary's day


def test_where_members_stand_in_week_two() -> None:
    weeks = plan_weeks(book(), 1, MONDAY)
    two = weeks[1]
    assert standing(None, True, weeks, two).pace is Pace.FINISHED
    assert standing(70, False, weeks, two).pace is Pace.AHEAD
    assert standing(35, False, weeks, two).pace is Pace.ON_TRACK
    behind = standing(10, False, weeks, two)
    assert (behind.pace, behind.weeks_behind) == (Pace.BEHIND, 1)
    assert standing(None, False, weeks, weeks[0]).pace is Pace.NOT_STARTED
