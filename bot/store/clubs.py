"""Reading clubs and their members, and the schedules that post each week's target and nudge who fell behind.

A club's week posts fire at CLUB_POST_AT in the club's time zone on the weekday it started, from its first
day to the day after its last week (that firing posts the summary). A member who asked for nudges gets a
schedule of their own, mid-week, which looks whether they are behind before saying anything.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.catalog.schema import Resource
from bot.errors import ConflictError, NotFoundError
from bot.rhythm.jobs import JobKind
from bot.rhythm.recurrence import WeeklyRule
from bot.store.connection import Database, Row, Session, time_from_db, time_to_db
from bot.store.models import Club, ClubMember, ClubState
from bot.store.schedule import drop_schedule, set_schedule

CLUB_POST_AT = time(9, 0)
CLUB_NUDGE_AT = time(18, 0)
NUDGE_DAY_OFFSET = 4  # days after the week starts: a Monday club nudges on Friday evening


def week_rule(club: Club) -> WeeklyRule:
    """When a club posts: its weekday, CLUB_POST_AT, from its first day to the summary's day."""
    return WeeklyRule(
        at=CLUB_POST_AT,
        zone=club.time_zone,
        weekdays=frozenset({club.starts_on.weekday()}),
        starts=club.starts_on,
        ends=club.starts_on + timedelta(days=7 * club.weeks),
    )


def nudge_rule(club: Club, zone: str) -> WeeklyRule:
    """When a member's nudge looks: NUDGE_DAY_OFFSET days into each club week, at CLUB_NUDGE_AT their time."""
    day = club.starts_on + timedelta(days=NUDGE_DAY_OFFSET)
    last = club.starts_on + timedelta(days=7 * club.weeks - 1)
    return WeeklyRule(at=CLUB_NUDGE_AT, zone=zone, weekdays=frozenset({day.weekday()}), starts=day, ends=last)


def _club(row: Row) -> Club:
    """A clubs row as a Club."""
    return Club(
        id=row["id"],
        guild_id=row["guild_id"],
        resource_id=row["resource_id"],
        title=row["title"],
        channel_id=row["channel_id"],
        thread_id=row["thread_id"],
        starts_on=date.fromisoformat(row["starts_on"]),
        pace=row["pace"],
        weeks=row["weeks"],
        time_zone=row["time_zone"],
        started_by=row["started_by"],
        state=ClubState(row["state"]),
        created_at=time_from_db(row["created_at"]),  # type: ignore[arg-type]
        ended_at=time_from_db(row["ended_at"]),
    )


def _member(row: Row) -> ClubMember:
    """A club_members row as a ClubMember."""
    return ClubMember(
        id=row["id"],
        club_id=row["club_id"],
        user_id=row["user_id"],
        on_board=bool(row["on_board"]),
        nudges=bool(row["nudges"]),
        joined_at=time_from_db(row["joined_at"]),  # type: ignore[arg-type]
    )


class ClubBook:
    """Every server's clubs."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def start(
        self,
        *,
        guild_id: int,
        resource: Resource,
        channel_id: int,
        thread_id: int | None,
        starts_on: date,
        pace: int,
        weeks: int,
        time_zone: str,
        started_by: int,
        now: datetime,
    ) -> Club:
        """Open a club and schedule its weekly posts; ConflictError when the server already reads that resource."""
        async with self._db.transaction() as session:
            open_already = await session.scalar(
                "SELECT id FROM clubs WHERE guild_id = ? AND resource_id = ? AND state = 'open'",
                (guild_id, resource.id),
            )
            if open_already is not None:
                raise ConflictError(f"This server already has a club reading **{resource.title}**: `/club join` it.")
            row = await session.fetchone(
                "INSERT INTO clubs (guild_id, resource_id, title, channel_id, thread_id, starts_on, pace, weeks,"
                " time_zone, started_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (guild_id, resource.id, resource.title, channel_id, thread_id, starts_on.isoformat(), pace, weeks,
                 time_zone, started_by, time_to_db(now)),
            )  # fmt: skip
            assert row is not None
            club = _club(row)
            rule = week_rule(club)
            day_start = datetime.combine(starts_on, time(0), tzinfo=ZoneInfo(time_zone)).astimezone(UTC)
            await set_schedule(
                session, JobKind.CLUB_WEEK, club.id, rule, rule.first_from(day_start), guild_id=club.guild_id
            )
        return club

    async def set_thread(self, club_id: int, thread_id: int) -> None:
        """Record the club's thread once Discord made it."""
        async with self._db.transaction() as session:
            await session.execute("UPDATE clubs SET thread_id = ? WHERE id = ?", (thread_id, club_id))

    async def get(self, club_id: int) -> Club:
        """A club by id; NotFoundError when there is none."""
        async with self._db.read() as session:
            row = await session.fetchone("SELECT * FROM clubs WHERE id = ?", (club_id,))
        if row is None:
            raise NotFoundError("I don't know that club; pick one from the list as you type.")
        return _club(row)

    async def in_guild(self, guild_id: int, *, open_only: bool = True) -> list[Club]:
        """The server's clubs, newest first."""
        sql = "SELECT * FROM clubs WHERE guild_id = ?" + (" AND state = 'open'" if open_only else "")
        async with self._db.read() as session:
            rows = await session.fetchall(sql + " ORDER BY id DESC", (guild_id,))
        return [_club(row) for row in rows]

    async def members(self, club_id: int) -> list[ClubMember]:
        """The club's members, in the order they joined."""
        async with self._db.read() as session:
            rows = await session.fetchall("SELECT * FROM club_members WHERE club_id = ? ORDER BY id", (club_id,))
        return [_member(row) for row in rows]

    async def membership(self, membership_id: int) -> tuple[Club, ClubMember] | None:
        """A membership and its club, by the membership's id (what a nudge's schedule names)."""
        async with self._db.read() as session:
            row = await session.fetchone("SELECT * FROM club_members WHERE id = ?", (membership_id,))
            club = (
                None if row is None else await session.fetchone("SELECT * FROM clubs WHERE id = ?", (row["club_id"],))
            )
        if row is None or club is None:
            return None
        return _club(club), _member(row)

    async def join(
        self, club: Club, user_id: int, *, on_board: bool, nudges: bool, zone: str | None, now: datetime
    ) -> tuple[ClubMember, bool]:
        """Add the member (or change how they take part); the membership and whether it is new."""
        if club.state is not ClubState.OPEN:
            raise ConflictError(f"The club reading **{club.title}** has ended.")
        async with self._db.transaction() as session:
            existing = await session.scalar(
                "SELECT id FROM club_members WHERE club_id = ? AND user_id = ?", (club.id, user_id)
            )
            row = await session.fetchone(
                "INSERT INTO club_members (club_id, user_id, on_board, nudges, joined_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (club_id, user_id) DO UPDATE SET on_board = excluded.on_board, nudges = excluded.nudges"
                " RETURNING *",
                (club.id, user_id, int(on_board), int(nudges), time_to_db(now)),
            )
            assert row is not None
            member = _member(row)
            await self._schedule_nudges(session, club, member, zone or club.time_zone, now)
        return member, existing is None

    @staticmethod
    async def _schedule_nudges(session: Session, club: Club, member: ClubMember, zone: str, now: datetime) -> None:
        """The member's weekly nudge schedule, or none when they did not ask for nudges."""
        if not member.nudges:
            await drop_schedule(session, JobKind.CLUB_NUDGE, member.id)
            return
        rule = nudge_rule(club, zone)
        await set_schedule(
            session, JobKind.CLUB_NUDGE, member.id, rule, rule.next_after(now), user_id=member.user_id,
            guild_id=club.guild_id,
        )  # fmt: skip

    async def leave(self, club_id: int, user_id: int) -> bool:
        """Take the member out of the club (their shelf keeps the book); False when they were not in it."""
        async with self._db.transaction() as session:
            membership = await session.scalar(
                "SELECT id FROM club_members WHERE club_id = ? AND user_id = ?", (club_id, user_id)
            )
            if membership is None:
                return False
            await drop_schedule(session, JobKind.CLUB_NUDGE, membership)
            await session.execute("DELETE FROM club_members WHERE id = ?", (membership,))
        return True

    async def stop_nudges(self, membership_id: int) -> bool:
        """Turn a member's club nudges off; False when they were already off (or the membership is gone)."""
        async with self._db.transaction() as session:
            changed = await session.execute(
                "UPDATE club_members SET nudges = 0 WHERE id = ? AND nudges = 1", (membership_id,)
            )
            await drop_schedule(session, JobKind.CLUB_NUDGE, membership_id)
        return bool(changed)

    async def end(self, club_id: int, now: datetime) -> bool:
        """Close the club and its schedules; False when it had ended already."""
        async with self._db.transaction() as session:
            changed = await session.execute(
                "UPDATE clubs SET state = 'ended', ended_at = ? WHERE id = ? AND state = 'open'",
                (time_to_db(now), club_id),
            )
            await drop_schedule(session, JobKind.CLUB_WEEK, club_id)
            memberships = await session.fetchall("SELECT id FROM club_members WHERE club_id = ?", (club_id,))
            for row in memberships:
                await drop_schedule(session, JobKind.CLUB_NUDGE, row[0])
        return bool(changed)
