"""A member's reading pace in each unit, from their own history, and how long a resource takes at it.

A member's pace in a unit is what they got through in it divided by the days it took: over every
read-through in that unit, the advance from where it started to the furthest position logged, over the days
from its start to that update (a read-through logged in one sitting counts as one day). It is theirs once it
rests on at least `MIN_DAYS` days of reading; until then, and in a unit they never read in, estimates use
`USUAL_PACE`, and say so.

Pure: no I/O, no Discord.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.catalog.schema import Resource, Section
from bot.catalog.vocabulary import LengthUnit

# What a member without history is assumed to get through in a day: ten pages of a math book, a video or a
# lesson, a lecture or a chapter every other day, an hour of a course, an article over two days.
USUAL_PACE: Mapping[LengthUnit, float] = {
    LengthUnit.PAGES: 10.0,
    LengthUnit.CHAPTERS: 0.5,
    LengthUnit.LECTURES: 0.5,
    LengthUnit.VIDEOS: 1.0,
    LengthUnit.LESSONS: 1.0,
    LengthUnit.SECTIONS: 1.0,
    LengthUnit.HOURS: 1.0,
    LengthUnit.PERCENT: 50.0,
}
MIN_DAYS = 3.0
PERCENT_TOTAL = 100  # a resource measured in percent runs 0–100, whatever its length says
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class ReadingSpan:
    """One read-through as pace sees it: its unit, how far it advanced, and from when to when."""

    unit: LengthUnit
    advanced: int
    started_at: datetime
    last_at: datetime

    @property
    def days(self) -> float:
        """The days it took, at least one (a read-through logged in one sitting took a day)."""
        return max(1.0, (self.last_at - self.started_at).total_seconds() / SECONDS_PER_DAY)


@dataclass(frozen=True)
class Pace:
    """Units a day, per unit: the member's own where their history shows it, else the usual pace."""

    own: Mapping[LengthUnit, float] = field(default_factory=dict)
    days_read: Mapping[LengthUnit, float] = field(default_factory=dict)  # the days each own pace rests on

    @classmethod
    def from_spans(cls, spans: Iterable[ReadingSpan]) -> Pace:
        """The pace a member's read-throughs show (see the module docstring)."""
        advanced: dict[LengthUnit, int] = {}
        days: dict[LengthUnit, float] = {}
        for span in spans:
            if span.advanced <= 0:
                continue
            advanced[span.unit] = advanced.get(span.unit, 0) + span.advanced
            days[span.unit] = days.get(span.unit, 0.0) + span.days
        own = {unit: advanced[unit] / days[unit] for unit in advanced if days[unit] >= MIN_DAYS}
        return cls(own, {unit: days[unit] for unit in own})

    def per_day(self, unit: LengthUnit) -> float:
        """Units a day in this unit."""
        return self.own.get(unit, USUAL_PACE[unit])

    def is_own(self, unit: LengthUnit) -> bool:
        """Whether the pace in this unit is the member's own, not the usual one."""
        return unit in self.own

    def days_for(self, resource: Resource, *, section: Section | None = None, position: int | None = None) -> float:
        """Days to get through a resource (what is left after `position`), or one of its sections."""
        unit = resource.length.unit
        whole = PERCENT_TOTAL if unit is LengthUnit.PERCENT else resource.length.amount
        amount = (_section_length(resource, section) if section is not None else None) or whole
        if position is not None and section is None:
            amount = max(0, amount - position)
        return amount / self.per_day(unit)


def _section_length(resource: Resource, section: Section) -> int | None:
    """A section's length in the resource's unit: from its start to the next section's start, or to the end."""
    if section.start is None:
        return None
    later = [s.start for s in resource.sections if s.start is not None and s.start > section.start]
    end = min(later) if later else resource.length.amount + 1
    return max(1, end - section.start)
