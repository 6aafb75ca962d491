"""The scheduler on a real database of each backend (a SQLite file, a PostgreSQL database), with a clock the
test moves and handlers that record what they were given.

No Discord: a handler here is any coroutine returning an outcome, as the bot's reminders and clubs are.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.clock import Clock
from bot.rhythm.jobs import Job, JobKind, JobState, Outcome, Retry, Sent, Shards, Skipped
from bot.rhythm.recurrence import WeeklyRule
from bot.rhythm.scheduler import MAX_ATTEMPTS, Scheduler
from bot.store import Store
from bot.store.schedule import set_schedule
from tests.store.conftest import curated_catalog

START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # a Monday, 08:00 UTC
DAILY_NINE = WeeklyRule(at=time(9, 0), zone="UTC")


def clock_at(moment: datetime) -> Clock:
    """A clock that reads `moment` now."""
    return Clock(offset=moment - datetime.now(UTC))


@pytest.fixture
async def store(db_location: Path | str) -> AsyncIterator[Store]:
    """A store on a fresh database."""
    opened = await Store.open(db_location, curated_catalog())
    try:
        yield opened
    finally:
        await opened.close()


class Recorder:
    """A handler that records each job it is given and answers with `outcome`."""

    def __init__(self, outcome: Outcome | None = None) -> None:
        self.jobs: list[Job] = []
        self.outcome = outcome or Sent("dm", 1)

    async def __call__(self, job: Job) -> Outcome:
        self.jobs.append(job)
        await asyncio.sleep(0)
        return self.outcome


async def schedule_daily(store: Store, subject: int, rule: WeeklyRule = DAILY_NINE, now: datetime = START) -> None:
    """A daily reminder schedule for `subject`, first firing after `now`."""
    async with store.database.transaction() as session:
        await set_schedule(session, JobKind.REMINDER, subject, rule, rule.next_after(now), user_id=subject)


def scheduler(store: Store, clock: Clock, recorder: Recorder, **options: object) -> Scheduler:
    """A scheduler delivering reminders through `recorder`."""
    made = Scheduler(store.schedule, clock, rate=1_000, burst=20, **options)  # type: ignore[arg-type]
    made.handle(JobKind.REMINDER, recorder)
    return made


async def test_nothing_is_sent_before_its_time_and_then_exactly_once(store: Store) -> None:
    clock, recorder = clock_at(START), Recorder()
    await schedule_daily(store, 7)
    runner = scheduler(store, clock, recorder)

    assert (await runner.tick()).delivered == 0
    await clock.advance(timedelta(hours=1, minutes=1))  # 09:01
    assert (await runner.tick()).delivered == 1
    assert (await runner.tick()).delivered == 0

    assert [(j.subject_id, j.due_at, j.missed) for j in recorder.jobs] == [(7, START.replace(hour=9), 0)]
    (record,) = await store.schedule.jobs()
    assert (record.state, record.outcome) == (JobState.SENT, "dm")
    assert await store.schedule.next_firing(JobKind.REMINDER, 7) == START.replace(day=4, hour=9)


async def test_the_due_work_survives_a_restart(db_location: Path | str) -> None:
    path = db_location
    async with await Store.open(path, curated_catalog()) as first:
        await schedule_daily(first, 7)
    recorder = Recorder()
    async with await Store.open(path, curated_catalog()) as second:
        await scheduler(second, clock_at(START + timedelta(hours=2)), recorder).tick()
    assert len(recorder.jobs) == 1


async def test_after_days_of_downtime_one_job_catches_up_and_counts_the_missed(store: Store) -> None:
    clock, recorder = clock_at(START), Recorder()
    await schedule_daily(store, 7)
    runner = scheduler(store, clock, recorder)
    await clock.advance(timedelta(days=3, hours=2))  # Thursday 10:00: Mon, Tue, Wed and Thu 09:00 passed
    await runner.tick()

    assert [(j.due_at, j.missed) for j in recorder.jobs] == [(START.replace(day=6, hour=9), 3)]
    assert await store.schedule.next_firing(JobKind.REMINDER, 7) == START.replace(day=7, hour=9)


async def test_moving_the_clock_lets_a_running_scheduler_catch_up_before_the_move_returns(store: Store) -> None:
    clock, recorder = clock_at(START), Recorder()
    await schedule_daily(store, 7)
    runner = scheduler(store, clock, recorder)
    runner.start()
    try:
        await clock.advance(timedelta(hours=2))
        assert len(recorder.jobs) == 1
    finally:
        await runner.stop()


async def test_two_schedulers_on_one_database_never_send_a_job_twice(store: Store) -> None:
    now = START + timedelta(hours=2)
    for subject in range(1, 201):
        await schedule_daily(store, subject)
    first, second = Recorder(), Recorder()
    one = scheduler(store, clock_at(now), first, runner="one")
    two = scheduler(store, clock_at(now), second, runner="two")

    await asyncio.gather(one.tick(), two.tick(), one.tick(), two.tick())

    sent = [job.subject_id for job in first.jobs + second.jobs]
    assert sorted(sent) == list(range(1, 201))  # each once, whoever claimed it
    assert {r.state for r in await store.schedule.jobs()} == {JobState.SENT}


async def test_two_bot_processes_sharing_postgresql_never_send_a_job_twice(postgres_url: str) -> None:
    """Each process has its own store (its own connections): the claims race in the server, not in one pool."""
    now = START + timedelta(hours=2)
    async with (
        await Store.open(postgres_url, curated_catalog()) as a,
        await Store.open(postgres_url, curated_catalog()) as b,
    ):
        for subject in range(1, 201):
            await schedule_daily(a if subject % 2 else b, subject)
        first, second = Recorder(), Recorder()
        one = scheduler(a, clock_at(now), first, runner="one")
        two = scheduler(b, clock_at(now), second, runner="two")

        await asyncio.gather(*(runner.tick() for _ in range(3) for runner in (one, two)))

        sent = [job.subject_id for job in first.jobs + second.jobs]
        assert sorted(sent) == list(range(1, 201))  # each once, whichever process claimed it
        assert first.jobs and second.jobs  # both took part
        assert {r.state for r in await b.schedule.jobs()} == {JobState.SENT}


async def test_with_shards_each_process_sends_its_own_servers_jobs_and_either_sends_the_serverless(
    store: Store,
) -> None:
    on_zero, on_one = 1001, 1 << 22  # Discord's shard of a server: (guild_id >> 22) % count
    subjects = {1: on_zero, 2: on_one, 3: None, 4: on_one}
    for subject, guild_id in subjects.items():
        async with store.database.transaction() as session:
            await set_schedule(
                session, JobKind.REMINDER, subject, DAILY_NINE, DAILY_NINE.next_after(START), user_id=subject,
                guild_id=guild_id,
            )  # fmt: skip
    now = START + timedelta(hours=2)
    zero, one = Recorder(), Recorder()
    runs_zero = scheduler(store, clock_at(now), zero, runner="zero", shards=Shards(2, frozenset({0})))
    runs_one = scheduler(store, clock_at(now), one, runner="one", shards=Shards(2, frozenset({1})))

    await runs_one.tick()  # first, so it would take everything it were allowed to
    await runs_zero.tick()

    assert sorted(j.subject_id for j in one.jobs) == [2, 3, 4]  # its servers', and the serverless one
    assert [(j.subject_id, j.guild_id) for j in zero.jobs] == [(1, on_zero)]
    assert {r.state for r in await store.schedule.jobs()} == {JobState.SENT}
    # At rest, a process does not wake for the other shards' due work.
    await store.schedule.materialise(now + timedelta(days=1))
    assert await store.schedule.anything_due(now + timedelta(days=1), "x", timedelta(60), Shards(2, frozenset({0})))
    for job in await store.schedule.claim(now + timedelta(days=1), "x", 10, Shards(2, frozenset({0}))):
        await store.schedule.finish(job, "x", Sent("dm", 1), now + timedelta(days=1))
    later = now + timedelta(days=1)
    assert not await store.schedule.anything_due(later, "x", timedelta(60), Shards(2, frozenset({0})))
    assert await store.schedule.anything_due(later, "x", timedelta(60), Shards(2, frozenset({1})))


async def test_a_claim_left_by_a_vanished_scheduler_is_sent_again_after_the_lease_but_never_its_own(
    store: Store,
) -> None:
    now = START + timedelta(hours=2)
    await schedule_daily(store, 7)
    await store.schedule.materialise(now)
    (claimed,) = await store.schedule.claim(now, "gone", 10)  # a process claimed it, then was killed

    recorder = Recorder()
    clock = clock_at(now + timedelta(seconds=30))
    runner = scheduler(store, clock, recorder, lease=timedelta(seconds=60))
    await runner.tick()
    assert recorder.jobs == []  # within the lease: the other process may still be sending
    await clock.advance(timedelta(seconds=31))
    await runner.tick()
    assert [(j.id, j.attempts) for j in recorder.jobs] == [(claimed.id, 2)]  # the same job, the same nonce
    assert recorder.jobs[0].nonce == claimed.nonce

    # Its own claims are never taken for abandoned, however far the clock moves.
    assert await store.schedule.release_abandoned(now + timedelta(days=9), runner.runner, timedelta(seconds=1)) == 0


async def test_a_refusal_is_retried_later_and_a_bug_is_logged_and_retried(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    clock = clock_at(START + timedelta(hours=2))
    await schedule_daily(store, 7)
    await schedule_daily(store, 8)
    refused = Recorder(Retry("Discord answered 429"))
    runner = scheduler(store, clock, refused)

    async def broken(job: Job) -> Outcome:
        raise RuntimeError("a bug")

    await runner.tick()
    assert len(refused.jobs) == 2
    states = {(r.job.subject_id, r.state) for r in await store.schedule.jobs()}
    assert states == {(7, JobState.DUE), (8, JobState.DUE)}
    assert (await runner.tick()).delivered == 0  # not before the backoff

    runner.handle(JobKind.REMINDER, broken)
    with caplog.at_level(logging.ERROR):
        await clock.advance(timedelta(minutes=2))
        await runner.tick()
    assert "Delivering job" in caplog.text and "a bug" in caplog.text
    assert {r.state for r in await store.schedule.jobs()} == {JobState.DUE}


async def test_a_job_that_keeps_failing_is_given_up_after_the_last_attempt(store: Store) -> None:
    clock = clock_at(START + timedelta(hours=2))
    await schedule_daily(store, 7)
    runner = scheduler(store, clock, Recorder(Retry("still refused")))
    for _ in range(MAX_ATTEMPTS):
        await runner.tick()
        await clock.advance(timedelta(hours=3))
    (record,) = [r for r in await store.schedule.jobs() if r.job.due_at == START.replace(hour=9)]
    assert record.state is JobState.FAILED and "gave up" in (record.outcome or "")


async def test_a_skipped_job_is_recorded_with_its_reason(store: Store) -> None:
    await schedule_daily(store, 7)
    await scheduler(store, clock_at(START + timedelta(hours=2)), Recorder(Skipped("already nudged today"))).tick()
    (record,) = await store.schedule.jobs()
    assert (record.state, record.outcome) == (JobState.SKIPPED, "already nudged today")


async def test_changing_a_schedule_drops_its_unsent_jobs(store: Store) -> None:
    now = START + timedelta(hours=2)
    await schedule_daily(store, 7)
    await store.schedule.materialise(now)
    await schedule_daily(store, 7, WeeklyRule(at=time(20, 0), zone="UTC"), now)  # the member picked 20:00
    assert await store.schedule.jobs() == []
    assert await store.schedule.next_firing(JobKind.REMINDER, 7) == START.replace(hour=20)
