"""Reading goals: an amount of pages, chapters, lectures or resources per week, month or year, and how far along.

What counts toward a goal, from the member's progress updates in the period (in their time zone):

- pages: how far the member moved forward in resources measured in pages;
- chapters: moving forward in resources measured in chapters, plus the chapters whose end the member
  passed in a book measured in pages whose contents give each chapter's first page;
- lectures: moving forward in lecture series, video series and lessons;
- resources: resources finished in the period (a re-read finished again counts again).

"Moving forward" is per reading of a resource: where the member stands at the end of the period minus
where they stood at its start, never below zero, so correcting a position downward takes nothing away
from another resource. A missed goal is simply a smaller number: nothing carries over, nothing is lost.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.catalog.schema import Resource
from bot.catalog.vocabulary import LengthUnit, SectionKind
from bot.errors import InvalidInputError

MAX_GOAL = 100_000


class Resources(Protocol):
    """Where a resource is looked up by id (a catalog)."""

    def get(self, item_id: str, /) -> Resource | None:
        """The resource, or None."""


class GoalUnit(StrEnum):
    """What a goal counts."""

    PAGES = "pages"
    CHAPTERS = "chapters"
    LECTURES = "lectures"
    RESOURCES = "resources"

    @property
    def singular(self) -> str:
        """'page' for pages."""
        return self.value.removesuffix("s")

    def counted(self, amount: int) -> str:
        """'1 page', '3 chapters'."""
        return f"{amount} {self.singular if amount == 1 else self.value}"


class GoalPeriod(StrEnum):
    """How often a goal starts again: weeks start on Monday, in the member's time zone."""

    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


# The resource units whose positions count toward each goal unit directly.
_DIRECT_UNITS: dict[GoalUnit, frozenset[LengthUnit]] = {
    GoalUnit.PAGES: frozenset({LengthUnit.PAGES}),
    GoalUnit.CHAPTERS: frozenset({LengthUnit.CHAPTERS}),
    GoalUnit.LECTURES: frozenset({LengthUnit.LECTURES, LengthUnit.VIDEOS, LengthUnit.LESSONS}),
    GoalUnit.RESOURCES: frozenset(),
}


@dataclass(frozen=True)
class Goal:
    """A member's goal: `amount` of `unit` per `period`."""

    user_id: int
    unit: GoalUnit
    amount: int
    period: GoalPeriod


@dataclass(frozen=True)
class Period:
    """One period of a goal: local dates [start, end), and the same as UTC instants."""

    start: date
    end: date
    starts_at: datetime
    ends_at: datetime

    def label(self, period: GoalPeriod) -> str:
        """'week of 3 Mar', 'March 2025', '2025'."""
        if period is GoalPeriod.WEEK:
            return f"week of {self.start.day} {self.start:%b}"
        if period is GoalPeriod.MONTH:
            return f"{self.start:%B %Y}"
        return str(self.start.year)


def period_containing(period: GoalPeriod, day: date, zone: str) -> Period:
    """The week (Monday to Sunday), month or year holding local date `day`, in zone `zone`."""
    if period is GoalPeriod.WEEK:
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=7)
    elif period is GoalPeriod.MONTH:
        start = day.replace(day=1)
        end = start + timedelta(days=calendar.monthrange(start.year, start.month)[1])
    else:
        start = date(day.year, 1, 1)
        end = date(day.year + 1, 1, 1)
    tz = ZoneInfo(zone)
    return Period(start, end, _midnight(start, tz), _midnight(end, tz))


def previous_period(period: GoalPeriod, current: Period, zone: str) -> Period:
    """The period just before `current`."""
    return period_containing(period, current.start - timedelta(days=1), zone)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant local date `day` begins."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class ReadingInPeriod:
    """One reading of a resource the member updated in a period: where they stood before it and at its end."""

    resource_id: str
    unit: LengthUnit
    total: int
    before: int | None  # the last position logged before the period (None: not started yet)
    after: int | None  # the last position logged before the period ended
    finished_in_period: bool


def chapters_passed(resource: Resource, before: int, after: int) -> int:
    """Chapters of a book in pages whose last page lies in (before, after]: its contents must give first pages."""
    starts = [
        s.start
        for s in resource.sections
        if s.start is not None and s.kind_in(resource.length.unit) is SectionKind.CHAPTER
    ]
    if not starts or len(starts) != sum(
        1 for s in resource.sections if s.kind_in(resource.length.unit) is SectionKind.CHAPTER
    ):
        return 0
    # A chapter ends on the page before the next one starts; the last one at the book's end.
    ends = [following - 1 for following in starts[1:]] + [resource.length.amount]
    return sum(1 for end in ends if before < end <= after)


def done_in_period(unit: GoalUnit, readings: Iterable[ReadingInPeriod], resources: Resources) -> int:
    """How much of `unit` the readings add up to (see the module docstring for the rules)."""
    total = 0
    for reading in readings:
        if unit is GoalUnit.RESOURCES:
            total += reading.finished_in_period
            continue
        before = reading.before or 0
        after = reading.after or 0
        moved = max(0, after - before)
        if reading.unit in _DIRECT_UNITS[unit]:
            total += moved
        elif unit is GoalUnit.CHAPTERS and reading.unit is LengthUnit.PAGES and moved:
            resource = resources.get(reading.resource_id)
            if resource is not None and resource.length.unit is LengthUnit.PAGES:
                total += chapters_passed(resource, before, after)
    return total


@dataclass(frozen=True)
class GoalStanding:
    """A goal in one period: done, left, and the days left (for the current period)."""

    goal: Goal
    period: Period
    done: int
    days_left: int | None = None  # None for a past period

    @property
    def met(self) -> bool:
        """Whether the amount was reached."""
        return self.done >= self.goal.amount

    @property
    def left(self) -> int:
        """How much is still to go (0 once met)."""
        return max(0, self.goal.amount - self.done)

    @property
    def fraction(self) -> float:
        """Done as a share of the amount, at most 1."""
        return min(1.0, self.done / self.goal.amount)


def check_amount(amount: int) -> int:
    """A goal's amount is a whole number from 1 to MAX_GOAL; the sentence for the member otherwise."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInputError("A goal is a whole number, such as 50.")
    if amount <= 0:
        raise InvalidInputError(f"A goal needs something to aim for: {amount} is not more than zero. Try 20, say.")
    if amount > MAX_GOAL:
        raise InvalidInputError(f"{amount:,} is more than I can count toward; keep a goal to {MAX_GOAL:,} at most.")
    return amount


def days_left(period: Period, today: date) -> int:
    """Days left in the period, today included."""
    return max(0, (period.end - today).days)
