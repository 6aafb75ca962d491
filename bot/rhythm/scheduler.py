"""The scheduler: due work lives in the database, and each firing is delivered once, paced under Discord's limits.

One tick, at the clock's `now`:

1. A cheap look: is any schedule or job due? At rest this is the whole tick (one indexed read).
2. Claims left by a scheduler that is gone (older than the lease, by another runner) are released.
3. Each schedule whose time came gets **one** job, for its latest firing; firings missed while the bot
   was down are counted into it (`missed`), not sent one by one, and the schedule moves to its next
   firing after now. The job and the schedule's move are one transaction, keyed so a second process
   doing the same inserts nothing.
4. Due jobs are claimed (`UPDATE … WHERE state = 'due'`, each claim checked by the rows it returned, so
   two schedulers never both own a job; with `shards`, only the jobs of this process's shards' servers and
   of no server), then handed to the job kind's handler, and each outcome is
   recorded: sent, skipped, retried later, or failed. Every request a handler makes to Discord first takes
   a token of the scheduler's `pacer`: at most `rate` a second with at most `burst` at once. Discord allows
   50 requests a second to a bot; rate + burst stays under that, leaving room for commands, so no second
   ever holds more than Discord allows (a skipped job costs no token).

Record first, then send, with the job's nonce as the message's idempotency key: a process killed after
claiming re-sends after the lease (Discord answers a repeated nonce with the message it already made);
a 429 that discord.py gives up on comes back as a retry a minute later. A handler's bug is logged and
retried with backoff, and never stops the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import Clock
from bot.rhythm.jobs import Failed, Job, JobKind, Outcome, Retry, Shards
from bot.store.schedule import ScheduleBook

log = logging.getLogger(__name__)

Handler = Callable[[Job], Awaitable[Outcome]]

CLAIM_BATCH = 50
MAX_ATTEMPTS = 5
IDLE_POLL = 60.0  # real seconds between looks at the database when nothing is due (another process may add work)
_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


class Pacer:
    """A token bucket on the real (monotonic) clock: at most `rate` a second on average, `burst` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._tokens = float(self.burst)
        self._last = time.monotonic()
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        """Wait for a token."""
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


@dataclass
class TickReport:
    """What one tick did."""

    scheduled: int = 0  # jobs made from schedules
    released: int = 0  # abandoned claims given back
    outcomes: dict[str, int] = field(default_factory=dict)  # outcome name → count

    @property
    def delivered(self) -> int:
        """Jobs handled in this tick, whatever their outcome."""
        return sum(self.outcomes.values())


class Scheduler:
    """Fires the store's schedules at the clock's time; see the module docstring."""

    def __init__(
        self,
        book: ScheduleBook,
        clock: Clock,
        *,
        rate: float = 40.0,
        burst: int = 5,
        concurrency: int = 8,
        lease: timedelta = timedelta(seconds=60),
        runner: str | None = None,
        shards: Shards | None = None,
    ) -> None:
        self.book = book
        self.shards = shards  # None: one process runs every shard (or none), so every job is its to send
        self.clock = clock
        self.pacer = Pacer(rate, burst)
        self.concurrency = max(1, concurrency)
        self.lease = lease
        self.runner = runner or secrets.token_hex(6)
        self._handlers: dict[JobKind, Handler] = {}
        self._tick_lock = asyncio.Lock()
        self._poked = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.ticks = 0

    def handle(self, kind: JobKind, handler: Handler) -> None:
        """Deliver jobs of `kind` with `handler` (one handler per kind)."""
        self._handlers[kind] = handler

    def poke(self) -> None:
        """Something changed (a schedule was set): look again now instead of at the next poll."""
        self._poked.set()

    # --- one tick --------------------------------------------------------------------------------

    async def tick(self) -> TickReport:
        """Do everything due at the clock's now (see the module docstring); safe to call at any time."""
        async with self._tick_lock:
            return await self._tick()

    async def _tick(self) -> TickReport:
        """One pass, holding the tick lock."""
        self.ticks += 1
        report = TickReport()
        now = self.clock.now()
        if not await self.book.anything_due(now, self.runner, self.lease, self.shards):
            return report
        report.released = await self.book.release_abandoned(now, self.runner, self.lease)
        report.scheduled = await self.book.materialise(now)
        while True:
            jobs = await self.book.claim(self.clock.now(), self.runner, CLAIM_BATCH, self.shards)
            if not jobs:
                return report
            await self._deliver_all(jobs, report)

    async def _deliver_all(self, jobs: list[Job], report: TickReport) -> None:
        """Send a batch of claimed jobs, `concurrency` at a time under the pacer, recording each outcome."""
        queue: asyncio.Queue[Job] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)

        async def worker() -> None:
            while not queue.empty():
                job = queue.get_nowait()
                outcome = await self._deliver(job)
                name = type(outcome).__name__.lower()
                report.outcomes[name] = report.outcomes.get(name, 0) + 1
                await self.book.finish(job, self.runner, outcome, self.clock.now())

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(jobs)))))

    async def _deliver(self, job: Job) -> Outcome:
        """The handler's outcome for one job; a bug becomes a retry with backoff, then a failure."""
        handler = self._handlers.get(job.kind)
        if handler is None:
            return Retry(f"no handler for {job.kind} yet", timedelta(minutes=1))
        try:
            outcome = await handler(job)
        except Exception as error:  # noqa: BLE001 - a handler's bug must not stop the scheduler
            log.exception("Delivering job %s (%s) failed", job.id, job.kind)
            outcome = Retry(f"error: {type(error).__name__}")
        if isinstance(outcome, Retry):
            if job.attempts >= MAX_ATTEMPTS:
                return Failed(f"gave up after {job.attempts} attempts: {outcome.reason}")
            backoff = _BACKOFF[min(job.attempts - 1, len(_BACKOFF) - 1)]
            return Retry(outcome.reason, max(outcome.after, backoff))
        return outcome

    # --- following the clock, and the loop ---------------------------------------------------------

    async def catch_up(self) -> None:
        """Tick until nothing more is due at the clock's now (the clock's follower: time moved)."""
        for _ in range(100):  # each tick empties what is due; a handful is the most a moment ever needs
            await self.tick()
            if not await self.book.anything_due(self.clock.now(), self.runner, self.lease, self.shards):
                return

    def start(self, after: Callable[[], Awaitable[object]] | None = None) -> None:
        """Run the loop in the background (once `after()` is done: the bot is ready), following the clock."""
        if self._task is None:
            self.clock.follow(self.catch_up)
            self._task = asyncio.create_task(self._run(after), name="pillars-scheduler")

    async def stop(self) -> None:
        """Stop the loop; claimed jobs left unsent are re-sent after the lease by the next scheduler."""
        self.clock.unfollow(self.catch_up)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, after: Callable[[], Awaitable[object]] | None) -> None:
        """Tick, then sleep until the next thing is due, a poke, or the idle poll; forever."""
        if after is not None:
            await after()
        while True:
            self._poked.clear()  # before the tick: a poke during it means "look again"
            try:
                await self.tick()
                upcoming = await self.book.next_due(self.clock.now())
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database may be briefly unavailable; try again soon
                log.exception("The scheduler's tick failed; trying again in a moment")
                upcoming = None
                await asyncio.sleep(5)
            wait = IDLE_POLL
            if upcoming is not None:
                wait = min(wait, max(0.0, (upcoming - self.clock.now()).total_seconds()) + 0.01)
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation that lands as the
            # event is set, and the bot's close would then wait for this task forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._poked.wait()
