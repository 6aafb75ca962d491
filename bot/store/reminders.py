"""Members' time zones and DM channels, their study reminders, and the one-nudge-a-day ledger.

Setting a reminder is one transaction: the reminder, the member's time zone, and its schedules (the
reminder's own, and the streak-at-risk nudge's when asked for), each firing next after now.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.rhythm.jobs import JobKind
from bot.rhythm.recurrence import EVERY_DAY, WeeklyRule
from bot.store.connection import Database, Row, Session, time_to_db
from bot.store.models import Reminder
from bot.store.progress import activity_days, streaks
from bot.store.schedule import drop_schedule, set_schedule

# "Before the day ends": three hours before local midnight leaves an evening to read.
STREAK_NUDGE_AT = time(21, 0)
DEFAULT_ZONE = "UTC"  # a member's days until they give their time zone
STREAK_LOOKBACK = timedelta(days=400)  # a streak longer than this reads as this long


def reminder_rule(reminder: Reminder) -> WeeklyRule:
    """When a reminder fires."""
    return WeeklyRule(at=reminder.at, zone=reminder.time_zone, weekdays=reminder.weekdays)


def streak_rule(zone: str) -> WeeklyRule:
    """When the streak-at-risk nudge looks: every evening at STREAK_NUDGE_AT in the member's zone."""
    return WeeklyRule(at=STREAK_NUDGE_AT, zone=zone, weekdays=EVERY_DAY)


def _reminder(row: Row) -> Reminder:
    """A reminders row as a Reminder."""
    return Reminder(
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        at=time.fromisoformat(row["at"]),
        weekdays=frozenset(json.loads(row["weekdays"])),
        time_zone=row["time_zone"],
        streak_nudge=bool(row["streak_nudge"]),
    )


async def save_time_zone(session: Session, user_id: int, zone: str, now: datetime) -> None:
    """Remember the member's time zone (inside the caller's transaction)."""
    ZoneInfo(zone)  # a checked name only: `bot.rhythm.when.parse_zone` reads what members type
    await session.execute(
        "INSERT INTO member_settings (user_id, time_zone, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone, updated_at = excluded.updated_at",
        (user_id, zone, time_to_db(now)),
    )


class ReminderBook:
    """Reminders and what they need to be delivered."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def time_zone(self, user_id: int) -> str | None:
        """The member's time zone, if they gave one."""
        async with self._db.read() as session:
            return await session.scalar("SELECT time_zone FROM member_settings WHERE user_id = ?", (user_id,))

    async def days_zone(self, user_id: int) -> str:
        """The zone the member's days are counted in (weeks, streaks, the year): theirs, UTC until they give one."""
        return await self.time_zone(user_id) or DEFAULT_ZONE

    async def set_time_zone(self, user_id: int, zone: str, now: datetime) -> None:
        """Remember the member's time zone."""
        async with self._db.transaction() as session:
            await save_time_zone(session, user_id, zone, now)

    async def dm_channel(self, user_id: int) -> int | None:
        """The DM channel Discord opened with the member, if one was opened before."""
        async with self._db.read() as session:
            return await session.scalar("SELECT dm_channel_id FROM member_settings WHERE user_id = ?", (user_id,))

    async def remember_dm_channel(self, user_id: int, channel_id: int, now: datetime) -> None:
        """Keep the DM channel's id, so the next reminder is one request instead of two."""
        async with self._db.transaction() as session:
            await session.execute(
                "INSERT INTO member_settings (user_id, dm_channel_id, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET dm_channel_id = excluded.dm_channel_id,"
                " updated_at = excluded.updated_at",
                (user_id, channel_id, time_to_db(now)),
            )

    async def set(self, reminder: Reminder, now: datetime) -> tuple[datetime | None, datetime | None]:
        """Save the member's reminder and schedule it; when it and the streak nudge (if asked) fire first."""
        rule = reminder_rule(reminder)
        first = rule.next_after(now)
        streak_first = streak_rule(reminder.time_zone).next_after(now) if reminder.streak_nudge else None
        async with self._db.transaction() as session:
            await session.execute(
                "INSERT INTO reminders (user_id, guild_id, at, weekdays, time_zone, streak_nudge, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " guild_id = excluded.guild_id, at = excluded.at, weekdays = excluded.weekdays,"
                " time_zone = excluded.time_zone, streak_nudge = excluded.streak_nudge,"
                " updated_at = excluded.updated_at",
                (
                    reminder.user_id,
                    reminder.guild_id,
                    reminder.at.strftime("%H:%M"),
                    json.dumps(sorted(reminder.weekdays)),
                    reminder.time_zone,
                    int(reminder.streak_nudge),
                    time_to_db(now),
                    time_to_db(now),
                ),
            )
            await save_time_zone(session, reminder.user_id, reminder.time_zone, now)
            await set_schedule(
                session, JobKind.REMINDER, reminder.user_id, rule, first, user_id=reminder.user_id,
                guild_id=reminder.guild_id,
            )  # fmt: skip
            if reminder.streak_nudge:
                rule = streak_rule(reminder.time_zone)
                await set_schedule(
                    session, JobKind.STREAK, reminder.user_id, rule, streak_first, user_id=reminder.user_id,
                    guild_id=reminder.guild_id,
                )  # fmt: skip
            else:
                await drop_schedule(session, JobKind.STREAK, reminder.user_id)
        return first, streak_first

    async def get(self, user_id: int) -> Reminder | None:
        """The member's reminder, if they set one."""
        async with self._db.read() as session:
            row = await session.fetchone("SELECT * FROM reminders WHERE user_id = ?", (user_id,))
        return None if row is None else _reminder(row)

    async def stop(self, user_id: int, *, streak_only: bool = False) -> bool:
        """Turn the member's reminder off (or only its streak nudge); False when there was nothing to stop."""
        async with self._db.transaction() as session:
            if streak_only:
                await session.execute("UPDATE reminders SET streak_nudge = 0 WHERE user_id = ?", (user_id,))
                return bool(await drop_schedule(session, JobKind.STREAK, user_id))
            gone = await session.execute("DELETE FROM reminders WHERE user_id = ?", (user_id,))
            gone += await drop_schedule(session, JobKind.REMINDER, user_id)
            gone += await drop_schedule(session, JobKind.STREAK, user_id)
        return bool(gone)

    async def take_nudge_day(self, user_id: int, day: date, job_id: int) -> bool:
        """Whether job `job_id` may nudge the member on their local `day`: the first job to ask takes the day.

        Asking again for the same job (a send retried after a crash) still says yes.
        """
        async with self._db.transaction() as session:
            await session.execute(
                "INSERT INTO member_nudges (user_id, day, job_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (user_id, day.isoformat(), job_id),
            )
            owner = await session.scalar(
                "SELECT job_id FROM member_nudges WHERE user_id = ? AND day = ?", (user_id, day.isoformat())
            )
        return owner == job_id

    async def local_streak(self, user_id: int, zone: str, now: datetime) -> tuple[int, bool]:
        """(current streak in the member's local days, whether they logged something today)."""
        today = now.astimezone(ZoneInfo(zone)).date()
        async with self._db.read() as session:
            days = await activity_days(session, user_id, zone, now - STREAK_LOOKBACK)
        current, _ = streaks(days, today)
        return current, today in days
