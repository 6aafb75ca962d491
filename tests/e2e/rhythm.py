"""What the study-rhythm tests share: moving the sandbox to a member's local time, reading the bot's own posts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.sandbox.harness import Reply
from tests.conftest import PillarsSandbox

NO_PINGS = {"parse": []}


def local(zone: str, day: date, at: time) -> datetime:
    """The UTC instant of `at` on `day` in `zone`."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


async def move_to(sandbox: PillarsSandbox, moment: datetime) -> list[Reply]:
    """Move Discord and the bot forward to `moment`; what the bot posted meanwhile."""
    return await sandbox.advance_time(max(timedelta(0), moment - sandbox.bot.clock.now()))


def today_in(sandbox: PillarsSandbox, zone: str) -> date:
    """The bot's today in `zone`."""
    return sandbox.bot.clock.now().astimezone(ZoneInfo(zone)).date()


def next_offset_change(zone: str, after: date) -> date:
    """The first local date after `after` whose UTC offset differs from the day before (a DST change)."""
    tz = ZoneInfo(zone)
    day = after
    for _ in range(400):
        noon = datetime.combine(day, time(12), tzinfo=tz)
        if noon.utcoffset() != (noon + timedelta(days=1)).utcoffset():
            return day + timedelta(days=1)
        day += timedelta(days=1)
    raise AssertionError(f"{zone} has no offset change within a year")
