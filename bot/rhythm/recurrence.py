"""When something recurs: at a local time on some weekdays, in an IANA time zone, between two dates.

Every time is computed in the member's own zone with `zoneinfo`, then stored in UTC, so a reminder set
for 19:00 in Paris fires at 18:00 UTC in winter and 17:00 UTC in summer. Around a change of offset:

- a local time that does not exist that day (02:30 when clocks jump from 02:00 to 03:00) fires at the
  same distance past the jump (03:30), which is what `zoneinfo` gives for fold=0;
- a local time that happens twice (01:30 when clocks go back) fires once, at the first of the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

EVERY_DAY = frozenset(range(7))  # Monday = 0 … Sunday = 6, as `date.weekday()`
# Looking further than this for the next fire means the rule never fires (its days are empty or it ended).
_HORIZON_DAYS = 8
MAX_COUNTED = 1_000  # missed firings counted one by one; past this, "at least this many"


@dataclass(frozen=True)
class WeeklyRule:
    """At `at` local time on `weekdays` (Monday = 0) in zone `zone`, from `starts` to `ends` (local dates, both in)."""

    at: time
    zone: str
    weekdays: frozenset[int] = EVERY_DAY
    starts: date | None = None
    ends: date | None = None
    _tz: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= EVERY_DAY:
            raise ValueError(f"weekdays must be a non-empty subset of 0–6, not {sorted(self.weekdays)}")
        object.__setattr__(self, "_tz", ZoneInfo(self.zone))

    @property
    def tz(self) -> ZoneInfo:
        """The rule's time zone."""
        return self._tz

    def local_date(self, moment: datetime) -> date:
        """The date it is in the rule's zone at `moment`."""
        return moment.astimezone(self._tz).date()

    def occurrence_on(self, day: date) -> datetime | None:
        """The UTC instant the rule fires on local date `day`, or None when it does not fire that day."""
        if day.weekday() not in self.weekdays:
            return None
        if (self.starts is not None and day < self.starts) or (self.ends is not None and day > self.ends):
            return None
        # fold=0: the first of a repeated local time; a skipped one lands past the jump (see the module docstring).
        return datetime.combine(day, self.at, tzinfo=self._tz).astimezone(UTC)

    def next_after(self, moment: datetime) -> datetime | None:
        """The first firing strictly after `moment` (UTC), or None when the rule will not fire again."""
        day = self.local_date(moment) - timedelta(days=1)  # the day before: an offset change can move it across
        if self.starts is not None and day < self.starts:
            day = self.starts
        for _ in range(_HORIZON_DAYS + 2):  # the weekdays are never empty, so a week and a bit always finds one
            if self.ends is not None and day > self.ends:
                return None
            fired = self.occurrence_on(day)
            if fired is not None and fired > moment:
                return fired
            day += timedelta(days=1)
        return None

    def first_from(self, moment: datetime) -> datetime | None:
        """The first firing at or after `moment`."""
        return self.next_after(moment - timedelta(microseconds=1))

    def last_at_or_before(self, moment: datetime, *, since: datetime) -> tuple[datetime | None, int]:
        """The latest firing in (since − 1 µs, moment], and how many firings that interval holds in all.

        What the scheduler asks after downtime: it sends the latest one and counts the others as missed.
        """
        count = 0
        latest = None
        cursor = since - timedelta(microseconds=1)
        while True:
            fired = self.next_after(cursor)
            if fired is None or fired > moment:
                return latest, count
            latest, count, cursor = fired, count + 1, fired
            if count >= MAX_COUNTED:  # a long downtime: stop counting, the latest is found directly
                return self._latest_before(moment), count

    def _latest_before(self, moment: datetime) -> datetime | None:
        """The latest firing at or before `moment`, looking back a week at most."""
        day = self.local_date(moment)
        for back in range(_HORIZON_DAYS + 1):
            fired = self.occurrence_on(day - timedelta(days=back))
            if fired is not None and fired <= moment:
                return fired
        return None

    def to_json(self) -> dict[str, Any]:
        """The rule as stored."""
        return {
            "at": self.at.strftime("%H:%M"),
            "zone": self.zone,
            "weekdays": sorted(self.weekdays),
            "starts": self.starts.isoformat() if self.starts else None,
            "ends": self.ends.isoformat() if self.ends else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WeeklyRule:
        """A stored rule back."""
        return cls(
            at=time.fromisoformat(data["at"]),
            zone=data["zone"],
            weekdays=frozenset(int(d) for d in data["weekdays"]),
            starts=date.fromisoformat(data["starts"]) if data.get("starts") else None,
            ends=date.fromisoformat(data["ends"]) if data.get("ends") else None,
        )


def weekdays_label(weekdays: Iterable[int]) -> str:
    """'every day', 'weekdays', 'weekends' or 'Mon, Wed, Fri'."""
    days = frozenset(weekdays)
    if days == EVERY_DAY:
        return "every day"
    if days == frozenset(range(5)):
        return "weekdays"
    if days == frozenset({5, 6}):
        return "weekends"
    return ", ".join(DAY_NAMES[d][:3].title() for d in sorted(days))


DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
