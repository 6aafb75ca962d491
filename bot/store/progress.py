"""Reading progress: read-throughs, the history of updates, totals, streaks and the leaderboard.

The rules of an update are one pure function, `plan_update`, so they can be read (and tested) apart
from the SQL. Progress is per member across servers; a resource's id is enough to find it again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.catalog.schema import Resource
from bot.catalog.vocabulary import LengthUnit
from bot.community import DropReason
from bot.errors import InvalidInputError
from bot.pace import Pace, ReadingSpan
from bot.reading import ReadingStatus
from bot.store.changes import MEMBER
from bot.store.community import write_drop_reason
from bot.store.connection import Database, Row, Session, as_utc, time_from_db, time_to_db
from bot.store.models import LeaderboardRow, ProgressEvent, ReadingStats, ShelfEntry

MAX_HISTORY = 1_000
MAX_CACHED_MEMBERS = 10_000  # members whose statuses are kept in memory; the oldest entry goes first
MAX_LEADERBOARD = 100
PERCENT_TOTAL = 100

# The current read-through of each of a member's resources: the one with the highest number.
_CURRENT = (
    "SELECT * FROM read_throughs AS r WHERE r.user_id = ? AND r.number = "
    "(SELECT MAX(number) FROM read_throughs WHERE user_id = r.user_id AND resource_id = r.resource_id)"
)


def finished_resources(narrowed: str = "") -> str:
    """What "finished" counts, the one definition every count uses (/progress stats and show, /leaderboard).

    A member has finished a resource when one of their read-throughs of it is finished: a re-read does not take
    the finish away, and a resource finished twice is one resource (finished twice: `times`). The SQL gives
    (user_id, resource_id, times), read from the partial index on finished read-throughs; `narrowed` adds
    conditions on the read-throughs that count (" AND user_id = ?").
    """
    return (
        "SELECT user_id, resource_id, COUNT(*) AS times FROM read_throughs"
        f" WHERE finished_at IS NOT NULL{narrowed} GROUP BY user_id, resource_id"
    )


def measure(resource: Resource) -> tuple[LengthUnit, int]:
    """The unit and end of a resource's positions; a percent resource runs 0–100 whatever its length says."""
    unit = resource.length.unit
    return unit, PERCENT_TOTAL if unit is LengthUnit.PERCENT else resource.length.amount


def check_status(status: ReadingStatus | str | None) -> ReadingStatus | None:
    """The status as the enum; InvalidInputError naming the choices for anything else."""
    if status is None or isinstance(status, ReadingStatus):
        return status
    try:
        return ReadingStatus(str(status).strip().lower().replace(" ", "-"))
    except ValueError:
        choices = ", ".join(s.label for s in ReadingStatus)
        raise InvalidInputError(f"'{status}' is not a reading status; choose one of: {choices}.") from None


def check_position(position: int | None) -> int | None:
    """A position must be a whole number, zero or more (the end is checked against the resource)."""
    if position is None:
        return None
    if isinstance(position, bool) or not isinstance(position, int):
        raise InvalidInputError("The position must be a whole number.")
    if position < 0:
        raise InvalidInputError(f"The position cannot be negative ({position}).")
    return position


@dataclass(frozen=True)
class ReadThrough:
    """One stored reading of a resource."""

    id: int
    number: int
    status: ReadingStatus
    position: int | None
    unit: LengthUnit
    total: int
    started_at: datetime | None
    finished_at: datetime | None
    note: str | None

    @classmethod
    def from_row(cls, row: Row) -> ReadThrough:
        """A read_throughs row as a record."""
        return cls(
            id=row["id"],
            number=row["number"],
            status=ReadingStatus(row["status"]),
            position=row["position"],
            unit=LengthUnit(row["unit"]),
            total=row["total"],
            started_at=time_from_db(row["started_at"]),
            finished_at=time_from_db(row["finished_at"]),
            note=row["note"],
        )

    def shelf_entry(
        self, user_id: int, resource_id: str, updated_at: datetime, *, times_finished: int, new: bool = False
    ) -> ShelfEntry:
        """This read-through as the member sees it on their shelf."""
        return ShelfEntry(
            user_id=user_id,
            resource_id=resource_id,
            status=self.status,
            position=self.position,
            unit=self.unit,
            total=self.total,
            started_at=self.started_at,
            finished_at=self.finished_at,
            read_count=self.number,
            note=self.note,
            updated_at=updated_at,
            times_finished=times_finished,
            new_read_through=new,
        )


@dataclass(frozen=True)
class PlannedUpdate:
    """What an update does to the member's read-through of a resource."""

    new_read_through: bool
    number: int
    status: ReadingStatus
    position: int | None
    started_at: datetime | None
    finished_at: datetime | None
    note: str | None


def plan_update(
    current: ReadThrough | None,
    *,
    status: ReadingStatus | None,
    position: int | None,
    note: str | None,
    unit: LengthUnit,
    total: int,
    now: datetime,
) -> PlannedUpdate:
    """The rules of an update (inputs already checked: 0 ≤ position ≤ total, note cleaned).

    - Nothing to record is refused. A position with no status means reading; a note alone keeps the status
      (reading when the resource is new to the member).
    - A position at the end with no status, or with reading, means finished; finished with no position
      puts the position at the end.
    - Reading or want-to-read on a finished resource starts a new read-through (a re-read); the first stays.
      Dropping a finished resource is refused: there is nothing left to drop.
    - A position carried over from the last update is kept if the unit is the same (clamped if the
      resource got shorter) and forgotten if the unit changed.
    """
    if status is None and position is None and note is None:
        raise InvalidInputError("Nothing to record: give a status, a position or a note.")
    if status is ReadingStatus.WANT_TO_READ and position is not None:
        raise InvalidInputError("A position means you have started; log it as reading instead of want to read.")
    if status is None:
        status = ReadingStatus.READING if position is not None or current is None else current.status
    if position is not None and position == total and status is ReadingStatus.READING:
        status = ReadingStatus.FINISHED
    was_finished = current is not None and current.status is ReadingStatus.FINISHED
    if was_finished and status is ReadingStatus.DROPPED:
        raise InvalidInputError("You already finished this one, so there is nothing to drop.")
    new = current is None or (was_finished and status in (ReadingStatus.READING, ReadingStatus.WANT_TO_READ))
    carried = None
    if current is not None and not new and current.unit is unit and current.position is not None:
        carried = min(current.position, total)
    finishing_now = status is ReadingStatus.FINISHED and (new or not was_finished)
    if position is None:
        position = total if finishing_now else carried
    started_at = None if new else current.started_at  # type: ignore[union-attr]
    if started_at is None and status is not ReadingStatus.WANT_TO_READ:
        started_at = now
    finished_at = None
    if status is ReadingStatus.FINISHED:
        finished_at = now if finishing_now else current.finished_at  # type: ignore[union-attr]
    if note is None and not new:
        note = current.note  # type: ignore[union-attr]
    number = 1 if current is None else current.number + (1 if new else 0)
    return PlannedUpdate(new, number, status, position, started_at, finished_at, note)


def _shelf_entry(row: Row, user_id: int) -> ShelfEntry:
    """A read_throughs row, with the times its resource was finished, as the member's shelf entry."""
    updated_at = time_from_db(row["updated_at"])
    assert updated_at is not None
    return ReadThrough.from_row(row).shelf_entry(
        user_id, row["resource_id"], updated_at, times_finished=row["times_finished"]
    )


def _event(row: Row) -> ProgressEvent:
    """A progress_events row as its record."""
    return ProgressEvent(
        user_id=row["user_id"],
        resource_id=row["resource_id"],
        status=ReadingStatus(row["status"]),
        position=row["position"],
        note=row["note"],
        at=time_from_db(row["at"]),  # type: ignore[arg-type]
    )


def _spans(rows: list[Row]) -> list[ReadingSpan]:
    """Each read-through's span from its positioned updates (oldest first): from where it started (the position
    logged with the start, else 0) to the first update at its furthest position."""
    found: dict[int, tuple[LengthUnit, datetime, int, int, datetime]] = {}  # id → unit, start, from, furthest, when
    for row in rows:
        at = time_from_db(row["at"])
        started_at = time_from_db(row["started_at"])
        assert at is not None and started_at is not None
        position = int(row["position"])
        seen = found.get(row["id"])
        if seen is None:
            start = position if at == started_at else 0
            found[row["id"]] = (LengthUnit(row["unit"]), started_at, start, position, at)
        elif position > seen[3]:
            found[row["id"]] = (*seen[:3], position, at)
    return [ReadingSpan(unit, furthest - start, began, when) for unit, began, start, furthest, when in found.values()]


def _changes_outcome(current: ReadThrough | None, plan: PlannedUpdate) -> bool:
    """Whether an update changes the member's outcome with the resource (started, finished, dropped, where)."""
    if current is None or plan.new_read_through:
        return True
    if (plan.status, plan.started_at, plan.finished_at) != (current.status, current.started_at, current.finished_at):
        return True
    return plan.status is ReadingStatus.DROPPED and plan.position != current.position


async def activity_days(session: Session, user_id: int, zone: str, since: datetime | None = None) -> list[date]:
    """The member's dates in the time zone `zone` with a progress update (at or after `since`), sorted: the days
    streaks are counted in. Converted here, not in SQL, so both backends and every zone (half-hour ones too)
    agree."""
    if since is None:
        rows = await session.fetchall("SELECT at FROM progress_events WHERE user_id = ?", (user_id,))
    else:
        rows = await session.fetchall(
            "SELECT at FROM progress_events WHERE user_id = ? AND at >= ?", (user_id, time_to_db(since))
        )
    tz = ZoneInfo(zone)
    return sorted({datetime.fromisoformat(row[0]).astimezone(tz).date() for row in rows})


def streaks(days: list[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days; the current run must end today or yesterday."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    active = {day for day in days if day <= today}
    cursor = today if today in active else today - timedelta(days=1)
    while cursor in active:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest


class ProgressLog:
    """The members' read-throughs and their history.

    Two caches:

    - Each member's statuses (read on every /recommend), for readers. Dropping a member's entry after each
      of their writes keeps it exact; a generation counter stops a read that raced a write from caching what
      it saw before the write. A write in another process (PostgreSQL) drops it too, when its notification
      arrives (`bot.store.changes`); while notifications may be missed, nothing is cached.
    - Each member's current read-throughs, for writers, so an update need not SELECT them first, kept only
      where this process is the database's only writer (SQLite: the store holds the file's lock,
      `bot.store.guard`). With several processes, an update locks the member (`Session.lock`) and reads
      them inside its transaction instead: a notification arrives after the commit, too late for a writer
      that must not act on what another process already changed. Where it is kept, it is what
      the write connection sees. A write in an open batch goes into `_pending`, which only writers of that
      same batch (the same transaction) see; the batch's COMMIT publishes it into `_current`, and a batch
      that fails never does: the next batch finds `_pending` belongs to another batch and drops it. Any write
      that fails, and any other write to a member's read-throughs (`drop_read_throughs`), drops the member,
      so the next update loads them again, inside its transaction.
    """

    def __init__(self, db: Database, outcomes_changed: Callable[[], None] = lambda: None) -> None:
        self._db = db
        self._outcomes_changed = outcomes_changed  # called after a commit that changed what members' outcomes are
        self._statuses: dict[int, dict[str, ReadingStatus]] = {}
        self._paces: dict[int, Pace] = {}
        self._generation = 0
        self._current: dict[int, dict[str, ReadThrough]] = {}  # as committed
        self._pending: dict[int, dict[str, ReadThrough]] = {}  # as written in the open batch `_pending_batch`
        self._pending_batch: object | None = None
        self._keeps_read_throughs = db.single_process
        db.changes.subscribe(MEMBER, self._changed_elsewhere)

    def _changed_elsewhere(self, key: str | None) -> None:
        """Another process changed a member's progress (None: anyone's): drop what is cached about them."""
        if key is None:
            self._generation += 1
            self._statuses.clear()
            self._current.clear()
            return
        self.forget(int(key))
        self._current.pop(int(key), None)

    def forget(self, user_id: int) -> None:
        """Drop the member's cached statuses (after a write that may have changed them)."""
        self._generation += 1
        self._statuses.pop(user_id, None)
        self._paces.pop(user_id, None)

    def cached(self, user_id: int) -> dict[str, ReadThrough] | None:
        """The member's read-throughs as last committed, when they are in memory (None: the next write loads them)."""
        return self._current.get(user_id)

    def drop_read_throughs(self, user_id: int) -> None:
        """Drop the member's cached read-throughs: call it inside any transaction that writes them otherwise
        than `log` does, so no writer after it, in the same batch or later, trusts the old ones."""
        self._current.pop(user_id, None)
        self._pending.pop(user_id, None)

    async def _read_throughs(self, session: Session, user_id: int) -> dict[str, ReadThrough]:
        """resource id → the member's current read-through, as this write transaction sees it (do not change it)."""
        if not self._keeps_read_throughs:
            rows = await session.fetchall(_CURRENT, (user_id,))
            return {row["resource_id"]: ReadThrough.from_row(row) for row in rows}
        if self._pending_batch is not session.batch:
            self._pending_batch, self._pending = session.batch, {}  # another batch's: committed, or failed
            session.after_commit(self._publish)
        found = self._pending.get(user_id)
        if found is None:
            found = self._current.get(user_id)
        if found is None:
            rows = await session.fetchall(_CURRENT, (user_id,))
            found = {row["resource_id"]: ReadThrough.from_row(row) for row in rows}
            self._pending[user_id] = found  # what this transaction sees, so it is published with its commit
        return found

    def _stage(self, session: Session, user_id: int, resource_id: str, read_through: ReadThrough) -> None:
        """Note the member's new current read-through of a resource, for the writers of this batch."""
        if not self._keeps_read_throughs:
            return
        assert self._pending_batch is session.batch
        before = self._pending.get(user_id) or self._current.get(user_id) or {}
        self._pending[user_id] = {**before, resource_id: read_through}

    def _publish(self) -> None:
        """The batch committed: what its writers staged is now the committed state."""
        for user_id, read_throughs in self._pending.items():
            if user_id not in self._current and len(self._current) >= MAX_CACHED_MEMBERS:
                del self._current[next(iter(self._current))]
            self._current[user_id] = read_throughs
        self._pending, self._pending_batch = {}, None

    @asynccontextmanager
    async def _changing(self, user_id: int) -> AsyncIterator[Session]:
        """A write transaction on the member's progress, the member locked against other processes' writes and
        named to their caches; this process's cached statuses are dropped once it is over."""
        try:
            async with self._db.transaction() as session:
                try:
                    await session.lock(MEMBER, user_id)
                    session.notify(MEMBER, user_id)
                    yield session
                except BaseException:
                    # Refused before writing, undone, or cut off mid-statement: whatever the cache says, the
                    # member's rows are read again by their next update.
                    self.drop_read_throughs(user_id)
                    raise
        finally:
            self.forget(user_id)  # after the commit, so no read can cache the state before it again

    async def log(
        self,
        user_id: int,
        guild_id: int | None,
        resource: Resource,
        *,
        status: ReadingStatus | None,
        position: int | None,
        note: str | None,
        now: datetime | None,
        reason: tuple[DropReason, str | None] | None = None,
    ) -> ShelfEntry:
        """Apply one checked update in one transaction: the read-through, its history row, and the reason for
        dropping it when one is given (the caller checked that the status is dropped)."""
        unit, total = measure(resource)
        if position is not None and position > total:
            raise InvalidInputError(f"'{resource.title}' is {total} {unit.value} long, so {position} is past the end.")
        at = as_utc(now)
        async with self._changing(user_id) as session:
            current = (await self._read_throughs(session, user_id)).get(resource.id)
            plan = plan_update(current, status=status, position=position, note=note, unit=unit, total=total, now=at)
            values = (
                plan.status.value,
                plan.position,
                unit.value,
                total,
                None if plan.started_at is None else time_to_db(plan.started_at),
                None if plan.finished_at is None else time_to_db(plan.finished_at),
                plan.note,
                time_to_db(at),
            )
            if plan.new_read_through:
                read_through_id = await session.insert(
                    "INSERT INTO read_throughs (user_id, resource_id, number, status, position, unit, total,"
                    " started_at, finished_at, note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (user_id, resource.id, plan.number, *values),
                )
            else:
                assert current is not None
                read_through_id = current.id
                await session.execute(
                    "UPDATE read_throughs SET status = ?, position = ?, unit = ?, total = ?, started_at = ?,"
                    " finished_at = ?, note = ?, updated_at = ? WHERE id = ?",
                    (*values, read_through_id),
                )
            await session.insert(
                "INSERT INTO progress_events (read_through_id, user_id, guild_id, resource_id, status, position,"
                " note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (read_through_id, user_id, guild_id, resource.id, plan.status.value, plan.position, note, values[-1]),
            )
            if reason is not None:
                await write_drop_reason(session, read_through_id, reason[0], reason[1], at)
            if reason is not None or _changes_outcome(current, plan):
                session.after_commit(self._outcomes_changed)
            written = ReadThrough(
                id=read_through_id,
                number=plan.number,
                status=plan.status,
                position=plan.position,
                unit=unit,
                total=total,
                started_at=plan.started_at,
                finished_at=plan.finished_at,
                note=plan.note,
            )
            self._stage(session, user_id, resource.id, written)
        # A new read-through starts only after a finished one (plan_update), so every earlier one is finished.
        times_finished = plan.number - 1 + (plan.status is ReadingStatus.FINISHED)
        return written.shelf_entry(user_id, resource.id, at, times_finished=times_finished, new=plan.new_read_through)

    async def shelf(self, user_id: int) -> list[ShelfEntry]:
        """The member's current read-through of each resource, most recently updated first."""
        sql = (
            f"SELECT c.*, COALESCE(f.times, 0) AS times_finished FROM ({_CURRENT}) AS c"
            f" LEFT JOIN ({finished_resources(' AND user_id = ?')}) AS f USING (user_id, resource_id)"
            " ORDER BY c.updated_at DESC, c.id DESC"
        )
        async with self._db.read() as session:
            rows = await session.fetchall(sql, (user_id, user_id))
        return [_shelf_entry(row, user_id) for row in rows]

    async def statuses(self, user_id: int) -> dict[str, ReadingStatus]:
        """resource id → current status (a copy: the caller may change it)."""
        cached = self._statuses.get(user_id)
        if cached is not None:
            return dict(cached)
        generation = self._generation
        async with self._db.read() as session:
            rows = await session.fetchall(_CURRENT, (user_id,))
        statuses = {row["resource_id"]: ReadingStatus(row["status"]) for row in rows}
        if generation == self._generation and self._db.changes.exact:
            if len(self._statuses) >= MAX_CACHED_MEMBERS:
                del self._statuses[next(iter(self._statuses))]
            self._statuses[user_id] = statuses
        return dict(statuses)

    async def pace(self, user_id: int) -> Pace:
        """The member's reading pace per unit, from every positioned update of every read-through they started."""
        cached = self._paces.get(user_id)
        if cached is not None:
            return cached
        generation = self._generation
        async with self._db.read() as session:
            rows = await session.fetchall(
                "SELECT r.id, r.unit, r.started_at, e.position, e.at FROM read_throughs AS r"
                " JOIN progress_events AS e ON e.read_through_id = r.id"
                " WHERE e.user_id = ? AND r.started_at IS NOT NULL AND e.position IS NOT NULL ORDER BY e.id",
                (user_id,),
            )
        pace = Pace.from_spans(_spans(rows))
        if generation == self._generation:
            if len(self._paces) >= MAX_CACHED_MEMBERS:
                del self._paces[next(iter(self._paces))]
            self._paces[user_id] = pace
        return pace

    async def history(self, user_id: int, *, limit: int, resource_id: str | None) -> list[ProgressEvent]:
        """The member's updates, newest first."""
        limit = max(0, min(limit, MAX_HISTORY))
        async with self._db.read() as session:
            if resource_id is None:
                rows = await session.fetchall(
                    "SELECT * FROM progress_events WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?",
                    (user_id, limit),
                )
            else:
                rows = await session.fetchall(
                    "SELECT * FROM progress_events WHERE user_id = ? AND resource_id = ?"
                    " ORDER BY at DESC, id DESC LIMIT ?",
                    (user_id, resource_id, limit),
                )
        return [_event(row) for row in rows]

    async def stats(self, user_id: int, *, now: datetime, zone: str) -> ReadingStats:
        """The member's totals and streaks, with days and the year as they are in the time zone `zone`."""
        tz = ZoneInfo(zone)
        today = as_utc(now).astimezone(tz).date()
        year_start = time_to_db(datetime(today.year, 1, 1, tzinfo=tz))
        next_year = time_to_db(datetime(today.year + 1, 1, 1, tzinfo=tz))
        async with self._db.read() as session:
            by_status = {
                row[0]: row[1]
                for row in await session.fetchall(
                    f"SELECT status, COUNT(*) FROM ({_CURRENT}) AS current_reads GROUP BY status", (user_id,)
                )
            }
            rereads = await session.scalar(
                "SELECT COUNT(*) FROM read_throughs WHERE user_id = ? AND number > 1", (user_id,)
            )
            updates = await session.scalar("SELECT COUNT(*) FROM progress_events WHERE user_id = ?", (user_id,))
            days = await activity_days(session, user_id, zone)
            finished = await session.scalar(
                f"SELECT COUNT(*) FROM ({finished_resources(' AND user_id = ?')}) AS done", (user_id,)
            )
            this_year = finished_resources(" AND user_id = ? AND finished_at >= ? AND finished_at < ?")
            finished_this_year = await session.scalar(
                f"SELECT COUNT(*) FROM ({this_year}) AS done", (user_id, year_start, next_year)
            )
        current, longest = streaks(days, today)
        return ReadingStats(
            want_to_read=by_status.get(ReadingStatus.WANT_TO_READ.value, 0),
            reading=by_status.get(ReadingStatus.READING.value, 0),
            finished=finished,
            dropped=by_status.get(ReadingStatus.DROPPED.value, 0),
            rereads=rereads,
            updates=updates,
            active_days=len(days),
            current_streak=current,
            longest_streak=longest,
            finished_this_year=finished_this_year,
            time_zone=zone,
        )

    async def leaderboard(
        self, user_ids: Collection[int] | None, *, limit: int, since: datetime | None = None
    ) -> list[LeaderboardRow]:
        """Members ranked by resources finished (`finished_resources`), then by updates logged; only what was
        logged from `since` on when given. Members who chose to be left out of community figures are not listed.

        `user_ids` (a server's members) travels as one parameter, so a server of any size is one query.
        """
        limit = max(0, min(limit, MAX_LEADERBOARD))
        if user_ids is not None and not user_ids:
            return []
        async with self._db.read() as session:
            dialect = session.dialect
            members = " AND user_id NOT IN (SELECT user_id FROM member_privacy WHERE in_community = 0)"
            if user_ids is not None:
                members += f" AND {dialect.one_of('user_id', ':members')}"
            updated = finished = ""
            if since is not None:
                updated, finished = " AND at >= :since", " AND finished_at >= :since"
            sql = (
                "WITH updates AS (SELECT user_id, COUNT(*) AS n FROM progress_events"
                f" WHERE TRUE{members}{updated} GROUP BY user_id),"
                " finished AS (SELECT user_id, COUNT(*) AS n FROM"
                f" ({finished_resources(members + finished)}) AS done GROUP BY user_id)"
                " SELECT u.user_id, COALESCE(f.n, 0) AS finished, u.n AS updates FROM updates AS u"
                " LEFT JOIN finished AS f USING (user_id)"
                " ORDER BY finished DESC, updates DESC, u.user_id LIMIT :limit"
            )
            params: dict[str, object] = {"limit": limit}
            if since is not None:
                params["since"] = time_to_db(since)
            if user_ids is not None:
                params["members"] = dialect.ids(user_ids)
            rows = await session.fetchall(sql, params)
        return [LeaderboardRow(user_id=row[0], finished=row[1], updates=row[2]) for row in rows]
