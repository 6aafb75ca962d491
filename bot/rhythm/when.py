"""What members type for *when*: a time zone, a time of day, some weekdays, a date; read forgivingly.

Each reader returns the value or raises `InvalidInputError` / `NotFoundError` with a sentence for the member
("'Europe/Pariss' is not a time zone (did you mean 'Europe/Paris'?)"), so a bad value changes nothing.
"""

from __future__ import annotations

import functools
import re
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.catalog.matching import closest, did_you_mean
from bot.errors import InvalidInputError, NotFoundError
from bot.rhythm.recurrence import DAY_NAMES, EVERY_DAY

MAX_ZONE_NAME = 64
# Names people type that are not IANA zone names but mean one without doubt.
_ZONE_ALIASES = {"utc": "UTC", "gmt": "UTC", "z": "UTC", "zulu": "UTC", "universal": "UTC"}


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows (the `tzdata` package guarantees the set), sorted; no 'posix/'."""
    return tuple(
        sorted(n for n in available_timezones() if not n.startswith(("posix/", "right/")) and n != "localtime")
    )


@functools.cache
def _by_lower() -> dict[str, str]:
    """Lowercased name → name, and each zone's city ('paris' → 'Europe/Paris') where one zone has that city."""
    found: dict[str, str] = {}
    cities: dict[str, set[str]] = {}
    for name in zone_names():
        found[name.lower()] = name
        city = name.rsplit("/", 1)[-1].lower()
        for spelling in {city, city.replace("_", " ")}:
            cities.setdefault(spelling, set()).add(name)
    for city, names in cities.items():
        if len(names) == 1:
            found.setdefault(city, next(iter(names)))
    found.update(_ZONE_ALIASES)
    return found


def parse_zone(text: str) -> str:
    """The IANA name the member means ('europe/paris', 'Paris', 'new york' → 'America/New_York').

    NotFoundError with the closest names otherwise.
    """
    typed = " ".join(str(text).split())[:MAX_ZONE_NAME]
    if not typed:
        raise InvalidInputError("Give a time zone, such as Europe/Paris or America/New_York.")
    key = typed.lower().replace(" ", "_") if "/" in typed else typed.lower()
    name = _by_lower().get(key) or _by_lower().get(typed.lower())
    if name is not None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - tzdata lists only zones it ships
            name = None
    if name is None:
        hint = did_you_mean(_closest_zones(typed))
        raise NotFoundError(f"'{typed}' is not a time zone I know{hint}. Use a name like Europe/Paris or Asia/Tokyo.")
    return name


def _closest_zones(typed: str, limit: int = 3) -> list[str]:
    """Zone names close to what was typed: by whole name, then by city."""
    lowered = typed.lower().replace(" ", "_")
    names = _by_lower()
    found = [names[k] for k in closest(lowered, list(names), limit=limit)]
    return list(dict.fromkeys(found))[:limit]


def zone_choices(typed: str, limit: int = 25) -> list[str]:
    """Zone names for autocomplete: those starting with what was typed, then containing it (city or region)."""
    lowered = typed.strip().lower().replace(" ", "_")
    if not lowered:
        return list(_COMMON_ZONES[:limit])
    starting = [
        n for n in zone_names() if n.lower().startswith(lowered) or n.rsplit("/", 1)[-1].lower().startswith(lowered)
    ]
    containing = [n for n in zone_names() if lowered in n.lower() and n not in starting]
    found = starting + containing
    if not found:
        found = _closest_zones(typed, limit)
    return found[:limit]


_COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Australia/Sydney",
    "Africa/Lagos",
)

_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)


def parse_time_of_day(text: str) -> time:
    """A time of day: '19:30', '19h30', '7:30pm', '7pm' (24-hour, or 12-hour with am/pm)."""
    typed = str(text).strip()[:20]
    match = _TIME.match(typed.replace(" ", "")) if typed else None
    if match is None:
        raise InvalidInputError(f"'{typed}' is not a time of day; write it like 19:30 or 7:30pm.")
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").replace(".", "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise InvalidInputError(f"'{typed}': with am/pm the hour goes from 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23:
        raise InvalidInputError(f"'{typed}' is not a time of day: hours go from 0 to 23 (write 23:59 at the latest).")
    if minute > 59:
        raise InvalidInputError(f"'{typed}' is not a time of day: minutes go from 00 to 59.")
    return time(hour, minute)


_DAY_GROUPS = {
    "every day": EVERY_DAY,
    "everyday": EVERY_DAY,
    "daily": EVERY_DAY,
    "all": EVERY_DAY,
    "weekdays": frozenset(range(5)),
    "workdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
}
DAY_CHOICES = ("every day", "weekdays", "weekends", "mon, wed, fri", "tue, thu", "sat", "sun")


def parse_days(text: str | None) -> frozenset[int]:
    """'every day' (also when empty), 'weekdays', 'weekends', or day names: 'mon wed fri', 'Tuesday, Thursday'."""
    typed = " ".join(str(text or "").lower().split())[:100]
    if not typed:
        return EVERY_DAY
    if typed in _DAY_GROUPS:
        return _DAY_GROUPS[typed]
    days: set[int] = set()
    for word in filter(None, re.split(r"[\s,;/&+]+|\band\b", typed)):
        matches = [i for i, name in enumerate(DAY_NAMES) if len(word) >= 2 and name.startswith(word.rstrip("s."))]
        if len(matches) != 1:
            names = ", ".join(DAY_CHOICES)
            raise InvalidInputError(f"'{word}' is not a day I can read. Try: {names}.")
        days.add(matches[0])
    return frozenset(days)


def parse_date(text: str, *, today: date) -> date:
    """'2025-03-10', 'today', 'tomorrow', or a weekday name (the next one, today included)."""
    typed = " ".join(str(text).lower().split())[:40]
    if typed in ("", "today", "now"):
        return today
    if typed == "tomorrow":
        return today + timedelta(days=1)
    for index, name in enumerate(DAY_NAMES):
        if len(typed) >= 3 and name.startswith(typed.removeprefix("next ")):
            return today + timedelta(days=(index - today.weekday()) % 7)
    try:
        return date.fromisoformat(typed)
    except ValueError:
        raise InvalidInputError(f"'{typed}' is not a date I can read; write it like 2025-03-10, or 'monday'.") from None
