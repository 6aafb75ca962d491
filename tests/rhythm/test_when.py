"""Reading what members type for when: zones with "did you mean", times (25:00 refused), days, dates."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.errors import InvalidInputError, NotFoundError
from bot.rhythm.when import parse_date, parse_days, parse_time_of_day, parse_zone, zone_choices, zone_names


def test_every_iana_zone_is_known_on_any_machine() -> None:
    names = zone_names()
    assert {"Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC"} <= set(names)
    assert len(names) > 400  # the tzdata package's list, not whatever the machine happens to have


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        ("Paris", "Europe/Paris"),
        ("new york", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
    ],
)
def test_zones_are_read_forgivingly(typed: str, zone: str) -> None:
    assert parse_zone(typed) == zone


def test_an_unknown_zone_says_what_was_meant() -> None:
    with pytest.raises(NotFoundError) as refused:
        parse_zone("Europe/Pariss")
    assert "'Europe/Pariss' is not a time zone" in refused.value.message
    assert "did you mean 'Europe/Paris'" in refused.value.message


def test_a_nonsense_zone_is_refused_without_echoing_a_flood() -> None:
    with pytest.raises(NotFoundError) as refused:
        parse_zone("x" * 5000)
    assert len(refused.value.message) < 300


def test_autocomplete_offers_zones_by_region_and_by_city() -> None:
    assert zone_choices("Europe/Pa")[0] == "Europe/Paris"
    assert "Asia/Tokyo" in zone_choices("tok")
    assert len(zone_choices("")) > 5 and len(zone_choices("a")) == 25


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("19:30", time(19, 30)), ("7:30pm", time(19, 30)), ("7pm", time(19)), ("19h30", time(19, 30)),
     ("12am", time(0)), ("0:05", time(0, 5)), ("23:59", time(23, 59))],
)  # fmt: skip
def test_times_of_day_are_read(typed: str, expected: time) -> None:
    assert parse_time_of_day(typed) == expected


@pytest.mark.parametrize(
    ("typed", "words"),
    [("25:00", "hours go from 0 to 23"), ("19:75", "minutes go from 00 to 59"), ("13pm", "1 to 12"),
     ("soon", "not a time of day"), ("", "not a time of day")],
)  # fmt: skip
def test_impossible_times_are_refused_with_the_reason(typed: str, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words):
        parse_time_of_day(typed)


@pytest.mark.parametrize(
    ("typed", "days"),
    [(None, set(range(7))), ("every day", set(range(7))), ("weekdays", set(range(5))), ("weekends", {5, 6}),
     ("mon, wed, fri", {0, 2, 4}), ("Tuesday and Thursday", {1, 3}), ("sat sun", {5, 6})],
)  # fmt: skip
def test_days_are_read(typed: str | None, days: set[int]) -> None:
    assert parse_days(typed) == frozenset(days)


def test_an_unreadable_day_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="'t' is not a day"):
        parse_days("t")  # Tuesday or Thursday?


def test_dates_are_read_against_today() -> None:
    wednesday = date(2025, 3, 5)
    assert parse_date("today", today=wednesday) == wednesday
    assert parse_date("tomorrow", today=wednesday) == date(2025, 3, 6)
    assert parse_date("monday", today=wednesday) == date(2025, 3, 10)
    assert parse_date("wednesday", today=wednesday) == wednesday
    assert parse_date("2025-04-01", today=wednesday) == date(2025, 4, 1)
    with pytest.raises(InvalidInputError, match="not a date"):
        parse_date("the 5th", today=wednesday)
