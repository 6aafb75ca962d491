"""Weekly rules in a member's time zone: the same local time whatever the offset, across both DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.rhythm.recurrence import EVERY_DAY, WeeklyRule, weekdays_label


def utc(*parts: int) -> datetime:
    """A UTC instant."""
    return datetime(*parts, tzinfo=UTC)


def test_a_paris_evening_is_18_utc_in_winter_and_17_utc_in_summer_across_the_march_change() -> None:
    rule = WeeklyRule(at=time(19, 0), zone="Europe/Paris")
    # Clocks go forward in Paris on Sunday 30 March 2025 at 02:00.
    firings = []
    moment = utc(2025, 3, 28, 12)
    for _ in range(4):
        moment = rule.next_after(moment)
        firings.append(moment)
    assert firings == [utc(2025, 3, 28, 18), utc(2025, 3, 29, 18), utc(2025, 3, 30, 17), utc(2025, 3, 31, 17)]


def test_the_october_change_moves_it_back() -> None:
    rule = WeeklyRule(at=time(19, 0), zone="Europe/Paris")
    assert rule.next_after(utc(2025, 10, 25, 18)) == utc(2025, 10, 26, 18)  # 26 Oct: back to UTC+1


def test_a_time_skipped_by_the_spring_jump_fires_just_past_it() -> None:
    # New York jumps from 02:00 to 03:00 on 9 March 2025: 02:30 that day does not exist; it fires at 03:30 EDT.
    rule = WeeklyRule(at=time(2, 30), zone="America/New_York")
    assert rule.next_after(utc(2025, 3, 9, 5)) == utc(2025, 3, 9, 7, 30)  # 03:30 EDT = 07:30 UTC
    assert rule.next_after(utc(2025, 3, 9, 8)) == utc(2025, 3, 10, 6, 30)  # the next day, 02:30 EDT


def test_a_time_repeated_by_the_autumn_change_fires_once_at_the_first() -> None:
    # New York repeats 01:00–02:00 on 2 November 2025: 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC (EST).
    rule = WeeklyRule(at=time(1, 30), zone="America/New_York")
    first = rule.next_after(utc(2025, 11, 2, 4))
    assert first == utc(2025, 11, 2, 5, 30)
    assert rule.next_after(first) == utc(2025, 11, 3, 6, 30)  # not again an hour later


def test_only_the_chosen_weekdays_fire() -> None:
    rule = WeeklyRule(at=time(8, 0), zone="UTC", weekdays=frozenset({0, 2, 4}))
    moment, days = utc(2025, 3, 1), []  # a Saturday
    for _ in range(4):
        moment = rule.next_after(moment)
        days.append(moment.date())
    assert days == [date(2025, 3, 3), date(2025, 3, 5), date(2025, 3, 7), date(2025, 3, 10)]


def test_a_rule_between_dates_stops_after_its_last_day() -> None:
    rule = WeeklyRule(
        at=time(9, 0), zone="UTC", weekdays=frozenset({0}), starts=date(2025, 3, 3), ends=date(2025, 3, 10)
    )
    assert rule.first_from(utc(2025, 1, 1)) == utc(2025, 3, 3, 9)
    assert rule.next_after(utc(2025, 3, 3, 9)) == utc(2025, 3, 10, 9)
    assert rule.next_after(utc(2025, 3, 10, 9)) is None


def test_after_downtime_the_latest_firing_is_found_and_the_others_counted() -> None:
    rule = WeeklyRule(at=time(19, 0), zone="UTC")
    latest, count = rule.last_at_or_before(utc(2025, 3, 5, 20), since=utc(2025, 3, 2, 19))
    assert (latest, count) == (utc(2025, 3, 5, 19), 4)  # 2, 3, 4 and 5 March: one to send, three missed
    assert rule.last_at_or_before(utc(2025, 3, 2, 18), since=utc(2025, 3, 2, 19)) == (None, 0)


def test_years_of_downtime_are_counted_up_to_a_bound_and_the_latest_still_found() -> None:
    rule = WeeklyRule(at=time(19, 0), zone="UTC")
    latest, count = rule.last_at_or_before(utc(2030, 1, 1, 20), since=utc(2025, 1, 1, 19))
    assert latest == utc(2030, 1, 1, 19) and count >= 1_000


def test_a_rule_survives_being_stored() -> None:
    rule = WeeklyRule(at=time(7, 45), zone="Asia/Tokyo", weekdays=frozenset({5, 6}), starts=date(2025, 1, 4))
    assert WeeklyRule.from_json(rule.to_json()) == rule


def test_a_rule_without_days_is_refused() -> None:
    with pytest.raises(ValueError, match="weekdays"):
        WeeklyRule(at=time(7, 0), zone="UTC", weekdays=frozenset())


def test_weekdays_read_as_members_say_them() -> None:
    assert weekdays_label(EVERY_DAY) == "every day"
    assert weekdays_label(range(5)) == "weekdays"
    assert weekdays_label({5, 6}) == "weekends"
    assert weekdays_label({0, 2, 4}) == "Mon, Wed, Fri"
