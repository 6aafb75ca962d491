"""Reading clubs, the arithmetic: a resource's contents cut into weekly targets, and where a member stands.

A club reads `pace` sections a week from its first day. The sections are the resource's contents minus
the parts (headings over chapters) and appendices; a resource whose contents hold only those reads them
all. Each week has a *reach*: the position (in the resource's own unit) a member is at once they read
that week's sections. Where the contents give each section's start, the reach is exact (the page before
the next section, or the lectures done); otherwise it is the same share of the length (`exact` is False).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.catalog.schema import Resource, Section
from bot.catalog.vocabulary import LengthUnit, SectionKind
from bot.errors import InvalidInputError

MAX_PACE = 10  # sections a week
MAX_WEEKS = 104  # two years of weekly targets at most
_NOT_READ_ALONE = (SectionKind.PART, SectionKind.APPENDIX)


def readable_sections(resource: Resource) -> list[Section]:
    """The sections a club reads, in order (see the module docstring)."""
    unit = resource.length.unit
    kept = [s for s in resource.sections if s.kind_in(unit) not in _NOT_READ_ALONE]
    return kept or list(resource.sections)


@dataclass(frozen=True)
class ClubWeek:
    """One week of a club: its number (from 1), first day, sections, and the reach at its end."""

    number: int
    starts_on: date
    sections: tuple[Section, ...]
    reach: int
    exact: bool

    @property
    def ends_on(self) -> date:
        """The week's last day."""
        return self.starts_on + timedelta(days=6)


def measure_end(resource: Resource) -> int:
    """The last position of a resource: its length, or 100 for one followed in percent."""
    return 100 if resource.length.unit is LengthUnit.PERCENT else resource.length.amount


def plan_weeks(resource: Resource, pace: int, starts_on: date) -> list[ClubWeek]:
    """The club's weeks; InvalidInputError (for the member) when the resource has no contents or the pace is off."""
    if isinstance(pace, bool) or not isinstance(pace, int) or not 1 <= pace <= MAX_PACE:
        raise InvalidInputError(f"The pace is sections a week, from 1 to {MAX_PACE}.")
    sections = readable_sections(resource)
    if not sections:
        raise InvalidInputError(
            f"**{resource.title}** has no table of contents in the catalog, so I cannot set weekly targets for it. "
            "Pick a resource whose `/resource info` lists its chapters or lectures."
        )
    count = math.ceil(len(sections) / pace)
    if count > MAX_WEEKS:
        raise InvalidInputError(
            f"At {pace} a week, **{resource.title}** would take {count} weeks; pick a faster pace "
            f"(at most {MAX_WEEKS} weeks)."
        )
    unit = resource.length.unit
    end = measure_end(resource)
    one_section_per_part = unit.counts_parts and len(sections) == end
    weeks = []
    for index in range(count):
        done = min(len(sections), (index + 1) * pace)
        if done == len(sections):
            reach, exact = end, True
        elif sections[done].start is not None:
            reach, exact = min(end, sections[done].start - 1), True  # type: ignore[operator]
        elif one_section_per_part:
            reach, exact = done, True
        else:
            reach, exact = round(end * done / len(sections)), False
        weeks.append(
            ClubWeek(
                number=index + 1,
                starts_on=starts_on + timedelta(days=7 * index),
                sections=tuple(sections[index * pace : done]),
                reach=reach,
                exact=exact,
            )
        )
    return weeks


def week_on(weeks: list[ClubWeek], day: date) -> ClubWeek | None:
    """The week holding `day`, or None before the first week and after the last."""
    if not weeks or day < weeks[0].starts_on:
        return None
    index = (day - weeks[0].starts_on).days // 7
    return weeks[index] if index < len(weeks) else None


class Pace(StrEnum):
    """Where a member stands against the club's week."""

    FINISHED = "finished"
    AHEAD = "done this week"
    ON_TRACK = "on track"
    BEHIND = "behind"
    NOT_STARTED = "not started"


@dataclass(frozen=True)
class Standing:
    """A member's place in the club: their pace and, when behind, by how many weeks."""

    pace: Pace
    weeks_behind: int = 0


def standing(position: int | None, finished: bool, weeks: list[ClubWeek], current: ClubWeek) -> Standing:
    """Where a member at `position` stands in the week `current` (finished beats everything)."""
    if finished:
        return Standing(Pace.FINISHED)
    at = position or 0
    if at >= current.reach:
        return Standing(Pace.AHEAD)
    due = weeks[current.number - 2].reach if current.number > 1 else 0
    if at >= due:
        return Standing(Pace.ON_TRACK if at > 0 or current.number > 1 else Pace.NOT_STARTED)
    behind = sum(1 for week in weeks[: current.number - 1] if week.reach > at)
    return Standing(Pace.BEHIND, behind)
