"""The scheduler's tables: schedules (what recurs, and when next) and jobs (each firing, recorded before it is sent).

The rules of the scheduler are in `bot.rhythm.scheduler`; this is their SQL. Every claim is an
`UPDATE … WHERE state = 'due' … RETURNING id`: only the rows it returned are the caller's, so two
schedulers sharing a database (bot processes on one PostgreSQL; SQLite allows one process per file) never
both send one job, and with shards a process claims only the jobs of its shards' servers (and of none). Making a
firing's job is an insert keyed by the firing (`kind:schedule:instant`), ignored when
the key exists, in the same transaction as the schedule's move to its next firing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.rhythm.jobs import Failed, Job, JobKind, JobState, Outcome, Retry, Sent, Shards, Skipped
from bot.rhythm.recurrence import WeeklyRule
from bot.store.connection import Database, Dialect, Row, Session, time_from_db, time_to_db

MATERIALISE_BATCH = 500


@dataclass(frozen=True)
class JobRecord:
    """A job as stored, with its state and outcome (for tests, exports and the console)."""

    job: Job
    state: JobState
    outcome: str | None
    message_id: int | None
    done_at: datetime | None


def _job(row: Row) -> Job:
    """A jobs row as a Job."""
    return Job(
        id=row["id"],
        kind=JobKind(row["kind"]),
        schedule_id=row["schedule_id"],
        subject_id=row["subject_id"],
        user_id=row["user_id"],
        due_at=time_from_db(row["due_at"]),  # type: ignore[arg-type]
        missed=row["missed"],
        attempts=row["attempts"],
        guild_id=row["guild_id"],
    )


async def set_schedule(
    session: Session,
    kind: JobKind,
    subject_id: int,
    rule: WeeklyRule,
    first: datetime | None,
    *,
    user_id: int | None = None,
    guild_id: int | None = None,
) -> int:
    """Create or replace the schedule of (kind, subject), firing first at `first`; its id. `guild_id` is the
    server it concerns (its jobs are sent by the process running that server's shard).

    Jobs of the old rule that were not sent yet are dropped: they belonged to a time the member changed.
    """
    row = await session.fetchone(
        "INSERT INTO schedules (kind, subject_id, user_id, guild_id, rule, next_fire_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (kind, subject_id) DO UPDATE SET rule = excluded.rule, next_fire_at = excluded.next_fire_at,"
        " user_id = excluded.user_id, guild_id = excluded.guild_id RETURNING id",
        (
            kind.value,
            subject_id,
            user_id,
            guild_id,
            json.dumps(rule.to_json()),
            None if first is None else time_to_db(first),
        ),
    )
    assert row is not None
    await session.execute("DELETE FROM jobs WHERE schedule_id = ? AND state = 'due'", (row[0],))
    return int(row[0])


async def drop_schedule(session: Session, kind: JobKind, subject_id: int) -> int:
    """Delete a schedule and its jobs (done or not); how many schedules went (0 or 1)."""
    return await session.execute("DELETE FROM schedules WHERE kind = ? AND subject_id = ?", (kind.value, subject_id))


def _carried(dialect: Dialect, shards: Shards | None) -> tuple[str, list[Any]]:
    """The condition "a job this process sends" (every job unsharded) and its parameters."""
    if shards is None:
        return "TRUE", []
    # The count is an int of the settings, never text a member typed: it stands in the SQL as a number.
    on_shard = dialect.one_of(f"((guild_id >> 22) % {int(shards.count)})")
    return f"(guild_id IS NULL OR {on_shard})", [dialect.ids(shards.ids)]


class ScheduleBook:
    """Schedules and jobs: what the scheduler reads, claims and records."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def anything_due(self, now: datetime, runner: str, lease: timedelta, shards: Shards | None = None) -> bool:
        """Whether a schedule or a job (of `shards`' servers) is due at `now`, or a claim was abandoned: the tick
        at rest, one read."""
        at = time_to_db(now)
        carried, shard_ids = _carried(self._db.dialect, shards)
        # One statement, so one hop to the worker thread (`read_rows`): this is what a tick at rest costs.
        rows = await self._db.read_rows(
            "SELECT EXISTS (SELECT 1 FROM schedules WHERE next_fire_at IS NOT NULL AND next_fire_at <= ?)"
            f" OR EXISTS (SELECT 1 FROM jobs WHERE state = 'due' AND not_before <= ? AND {carried})"
            " OR EXISTS (SELECT 1 FROM jobs WHERE state = 'claimed' AND claimed_at < ? AND claimed_by <> ?)",
            (at, at, *shard_ids, time_to_db(now - lease), runner),
        )
        return bool(rows[0][0])

    async def next_due(self, now: datetime) -> datetime | None:
        """When the next schedule or job comes due (for the scheduler's sleep); None when nothing is waiting."""
        (row,) = await self._db.read_rows(
            "SELECT (SELECT MIN(next_fire_at) FROM schedules WHERE next_fire_at IS NOT NULL),"
            " (SELECT MIN(not_before) FROM jobs WHERE state = 'due')"
        )
        times = [time_from_db(row[0]), time_from_db(row[1])]
        return min((t for t in times if t is not None), default=None)

    async def release_abandoned(self, now: datetime, runner: str, lease: timedelta) -> int:
        """Give back claims another runner took more than `lease` ago (it was killed): they become due again."""
        async with self._db.transaction() as session:
            return await session.execute(
                "UPDATE jobs SET state = 'due', claimed_by = NULL, claimed_at = NULL"
                " WHERE state = 'claimed' AND claimed_at < ? AND claimed_by <> ?",
                (time_to_db(now - lease), runner),
            )

    async def materialise(self, now: datetime) -> int:
        """One job per due schedule, for its latest firing (earlier ones counted as missed); the jobs made."""
        made = 0
        while True:
            async with self._db.transaction() as session:
                rows = await session.fetchall(
                    "SELECT id, kind, subject_id, user_id, guild_id, rule, next_fire_at FROM schedules"
                    " WHERE next_fire_at IS NOT NULL AND next_fire_at <= ? ORDER BY next_fire_at LIMIT ?",
                    (time_to_db(now), MATERIALISE_BATCH),
                )
                for row in rows:
                    made += await self._fire(session, row, now)
            if len(rows) < MATERIALISE_BATCH:
                return made

    @staticmethod
    async def _fire(session: Session, row: Row, now: datetime) -> int:
        """Record the schedule's latest firing as a job and move it on; 0 when another scheduler did it first."""
        rule = WeeklyRule.from_json(json.loads(row["rule"]))
        since = time_from_db(row["next_fire_at"])
        assert since is not None
        latest, count = rule.last_at_or_before(now, since=since)
        following = rule.next_after(now)
        moved = await session.execute(
            "UPDATE schedules SET next_fire_at = ? WHERE id = ? AND next_fire_at = ?",
            (None if following is None else time_to_db(following), row["id"], row["next_fire_at"]),
        )
        if not moved or latest is None:
            return 0
        key = f"{row['kind']}:{row['id']}:{time_to_db(latest)}"
        return await session.execute(
            "INSERT INTO jobs (schedule_id, kind, subject_id, user_id, guild_id, key, due_at, missed, not_before)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (row["id"], row["kind"], row["subject_id"], row["user_id"], row["guild_id"], key, time_to_db(latest),
             count - 1, time_to_db(latest)),
        )  # fmt: skip

    async def claim(self, now: datetime, runner: str, limit: int, shards: Shards | None = None) -> list[Job]:
        """Claim up to `limit` due jobs (of `shards`' servers) for `runner`, oldest first: only the rows the UPDATE
        returned are ours."""
        at = time_to_db(now)
        carried, shard_ids = _carried(self._db.dialect, shards)
        async with self._db.transaction() as session:
            rows = await session.fetchall(
                "UPDATE jobs SET state = 'claimed', claimed_by = ?, claimed_at = ?, attempts = attempts + 1"
                f" WHERE id IN (SELECT id FROM jobs WHERE state = 'due' AND not_before <= ? AND {carried}"
                " ORDER BY not_before, id LIMIT ?) AND state = 'due' RETURNING *",
                (runner, at, at, *shard_ids, limit),
            )
        return sorted((_job(row) for row in rows), key=lambda job: (job.due_at, job.id))

    async def finish(self, job: Job, runner: str, outcome: Outcome, now: datetime) -> bool:
        """Record what became of a job this runner claimed; False when the claim was no longer ours (or it went)."""
        at = time_to_db(now)
        async with self._db.transaction() as session:
            if isinstance(outcome, Retry):
                changed = await session.execute(
                    "UPDATE jobs SET state = 'due', claimed_by = NULL, claimed_at = NULL, not_before = ?, outcome = ?"
                    " WHERE id = ? AND state = 'claimed' AND claimed_by = ?",
                    (time_to_db(now + outcome.after), f"retry: {outcome.reason}", job.id, runner),
                )
                return bool(changed)
            state, text, message_id = _final(outcome)
            changed = await session.execute(
                "UPDATE jobs SET state = ?, outcome = ?, message_id = ?, done_at = ?"
                " WHERE id = ? AND state = 'claimed' AND claimed_by = ?",
                (state.value, text, message_id, at, job.id, runner),
            )
            return bool(changed)

    async def jobs(self, *, kind: JobKind | None = None, subject_id: int | None = None) -> list[JobRecord]:
        """Jobs as stored, oldest first (for tests, the console and exports)."""
        clauses: list[str] = ["TRUE"]
        params: list[object] = []
        if kind is not None:
            clauses.append("kind = ?")
            params.append(kind.value)
        if subject_id is not None:
            clauses.append("subject_id = ?")
            params.append(subject_id)
        async with self._db.read() as session:
            rows = await session.fetchall(
                f"SELECT * FROM jobs WHERE {' AND '.join(clauses)} ORDER BY due_at, id", params
            )
        return [
            JobRecord(_job(r), JobState(r["state"]), r["outcome"], r["message_id"], time_from_db(r["done_at"]))
            for r in rows
        ]

    async def next_firing(self, kind: JobKind, subject_id: int) -> datetime | None:
        """When a schedule fires next (None: no such schedule, or it will not fire again)."""
        async with self._db.read() as session:
            value = await session.scalar(
                "SELECT next_fire_at FROM schedules WHERE kind = ? AND subject_id = ?", (kind.value, subject_id)
            )
        return time_from_db(value)


def _final(outcome: Outcome) -> tuple[JobState, str, int | None]:
    """The state, outcome text and message id a finished job is stored with."""
    if isinstance(outcome, Sent):
        return JobState.SENT, outcome.where, outcome.message_id
    if isinstance(outcome, Skipped):
        return JobState.SKIPPED, outcome.reason, None
    assert isinstance(outcome, Failed)
    return JobState.FAILED, outcome.reason, None
