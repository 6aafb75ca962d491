"""Progress writes: updates per second through `Store.log_progress` with 1, 10 and 100 members at once, and a
burst of 1,000 members from a cold start.

Each member is an asyncio task logging a stream of positions on one resource. The baseline, measured in
the same run, is the floor the store stands on: raw aiosqlite inserts of the same history rows into the
same schema, with the same durability (WAL, synchronous=FULL, foreign keys on), one insert and one commit
per row, from as many concurrent tasks. After each run the rows are counted: nothing may be lost.

The burst: a server of 10,000 resources whose moderators edited one, a store just opened (nothing cached),
and 1,000 members each logging one update at the same moment; the baseline is the same updates one after
another on a store just opened on a copy of the same file. Every update needs the server's live catalog,
which is not cached yet: read once for all of them, the burst takes less than the queue (goal: at most
twice as long); read by each (before single-flight), it took about five times as long.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from benchmarks.measure import Figure
from benchmarks.synthetic import synthetic_catalog
from bot.catalog.catalog import Catalog
from bot.reading import ReadingStatus
from bot.store import Store
from bot.store.connection import migrations, time_to_db, utc_now

MEMBER_COUNTS = (1, 10, 100)
GOAL_RATIO = 0.5  # at 100 members, the store keeps at least half the raw insert rate
FIRST_USER_ID = 10_000
BURST_GOAL_RATIO = 2.0  # the cold burst takes at most twice as long as the same updates one by one
BURST_GUILD = 1


@dataclass(frozen=True)
class WriteRun:
    """One timed run: how many updates were logged, how long it took, and how many rows are there after."""

    updates: int
    seconds: float
    rows: int

    @property
    def per_second(self) -> float:
        """Updates per second."""
        return self.updates / self.seconds


def _plan(catalog: Catalog, members: int, updates: int) -> list[list[tuple[int, str, int]]]:
    """Per member, the (user id, resource id, position) updates they log, positions short of the end."""
    resources = [r for r in catalog if r.length.amount >= 2]
    per_member = max(1, updates // members)
    plans = []
    for index in range(members):
        resource = resources[index % len(resources)]
        last = resource.length.amount - 1  # reaching the end would finish it; stay in one read-through
        plans.append([(FIRST_USER_ID + index, resource.id, 1 + step % last) for step in range(per_member)])
    return plans


async def timed_store_writes(location: Path | str, catalog: Catalog, plans: list[list[tuple[int, str, int]]]) -> float:
    """Log the planned updates through a store on `location`, each member concurrently; the seconds it took."""
    store = await Store.open(location, catalog)
    try:

        async def member(plan: list[tuple[int, str, int]]) -> None:
            for user_id, resource_id, position in plan:
                await store.log_progress(user_id, None, resource_id, status=ReadingStatus.READING, position=position)

        start = time.perf_counter()
        await asyncio.gather(*(member(plan) for plan in plans))
        return time.perf_counter() - start
    finally:
        await store.close()


async def _store_run(directory: Path, catalog: Catalog, members: int, updates: int) -> WriteRun:
    """Log the planned updates through the store, each member concurrently; count the history after."""
    path = directory / f"store-{members}.db"
    plans = _plan(catalog, members, updates)
    seconds = await timed_store_writes(path, catalog, plans)
    return WriteRun(sum(map(len, plans)), seconds, _count(path, "progress_events"))


async def _raw_run(directory: Path, catalog: Catalog, members: int, updates: int) -> WriteRun:
    """The same history rows inserted with plain aiosqlite, autocommit: one INSERT, one commit, per row."""
    path = directory / f"raw-{members}.db"
    plans = _plan(catalog, members, updates)
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = FULL")
        for migration in migrations():
            await conn.executescript(migration.sql)
        # The history rows point at a read-through, as the store's do; one per member, made up front.
        read_through: dict[int, int] = {}
        now = time_to_db(utc_now())
        for plan in plans:
            user_id, resource_id, _ = plan[0]
            resource = catalog[resource_id]
            cursor = await conn.execute(
                "INSERT INTO read_throughs (user_id, resource_id, number, status, position, unit, total,"
                " started_at, updated_at) VALUES (?, ?, 1, 'reading', 0, ?, ?, ?, ?)",
                (user_id, resource_id, resource.length.unit.value, resource.length.amount, now, now),
            )
            assert cursor.lastrowid is not None
            read_through[user_id] = cursor.lastrowid

        async def member(plan: list[tuple[int, str, int]]) -> None:
            for user_id, resource_id, position in plan:
                await conn.execute(
                    "INSERT INTO progress_events (read_through_id, user_id, guild_id, resource_id, status,"
                    " position, note, at) VALUES (?, ?, NULL, ?, 'reading', ?, NULL, ?)",
                    (read_through[user_id], user_id, resource_id, position, time_to_db(utc_now())),
                )

        start = time.perf_counter()
        await asyncio.gather(*(member(plan) for plan in plans))
        seconds = time.perf_counter() - start
    finally:
        await conn.close()
    return WriteRun(sum(map(len, plans)), seconds, _count(path, "progress_events"))


def _count(path: Path, table: str) -> int:
    """Rows in a table, read afresh from the file after the writer closed it."""
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608 - our own name


async def _burst_run(seed: Path, path: Path, catalog: Catalog, members: int, *, at_once: bool) -> WriteRun:
    """One update from each of `members` members through a store just opened on a copy of `seed` (nothing
    cached): all at the same moment, or one after another."""
    shutil.copyfile(seed, path)  # the seed store was closed: everything is in the one file
    resources = [r for r in catalog if r.length.amount >= 2]
    updates = [(FIRST_USER_ID + index, resources[index % len(resources)].id) for index in range(members)]
    store = await Store.open(path, catalog)
    try:

        async def update(user_id: int, resource_id: str) -> None:
            await store.log_progress(user_id, BURST_GUILD, resource_id, status=ReadingStatus.READING, position=1)

        start = time.perf_counter()
        if at_once:
            await asyncio.gather(*(update(*planned) for planned in updates))
        else:
            for planned in updates:
                await update(*planned)
        seconds = time.perf_counter() - start
    finally:
        await store.close()
    return WriteRun(members, seconds, _count(path, "progress_events"))


async def bench_cold_burst(quick: bool) -> Figure:
    """1,000 concurrent updates from 1,000 members on a cold store at 10,000 resources, against the same
    updates one after another (each on a fresh copy of the same database, in the same run)."""
    resources, members = (1_000, 100) if quick else (10_000, 1_000)
    catalog = synthetic_catalog(resources)
    with tempfile.TemporaryDirectory(prefix="pillars-bench-burst-") as folder:
        directory = Path(folder)
        seed = directory / "seed.db"
        async with await Store.open(seed, catalog) as store:  # a moderator's edit: the server's catalog is its own
            edited = next(iter(catalog)).model_copy(update={"title": "Edited by a moderator"})
            await store.edit_resource(BURST_GUILD, 1, edited)
        one_by_one = await _burst_run(seed, directory / "one-by-one.db", catalog, members, at_once=False)
        at_once = await _burst_run(seed, directory / "at-once.db", catalog, members, at_once=True)
    ratio = at_once.seconds / one_by_one.seconds
    lost = (members - at_once.rows) + (members - one_by_one.rows)
    return Figure(
        name=f"{members:,} concurrent updates from a cold start @ {resources:,} resources",
        value=at_once.seconds,
        unit="s",
        baseline=one_by_one.seconds,
        baseline_name="the same updates one after another",
        goal=f"≤ {BURST_GOAL_RATIO:g}× one after another, none lost",
        met=ratio <= BURST_GOAL_RATIO and lost == 0,
        details={"updates": members, "rows_after": at_once.rows, "lost": lost},
    )


async def bench(quick: bool) -> list[Figure]:
    """Updates per second at 1, 10 and 100 concurrent members, each against raw inserts in the same run; then
    the cold burst against the same updates one by one."""
    updates = 200 if quick else 2_000
    catalog = synthetic_catalog(200)
    figures = []
    with tempfile.TemporaryDirectory(prefix="pillars-bench-writes-") as folder:
        directory = Path(folder)
        for members in MEMBER_COUNTS:
            raw = await _raw_run(directory, catalog, members, updates)
            store = await _store_run(directory, catalog, members, updates)
            ratio = store.per_second / raw.per_second
            at_goal = members == MEMBER_COUNTS[-1]
            figures.append(
                Figure(
                    name=f"progress writes @ {members} member{'s' if members > 1 else ''}",
                    value=store.per_second,
                    unit="updates/s",
                    baseline=raw.per_second,
                    baseline_name="raw aiosqlite insert+commit",
                    goal=f"≥ {GOAL_RATIO:.0%} of raw, none lost" if at_goal else "none lost",
                    met=(store.rows == store.updates) and (ratio >= GOAL_RATIO or not at_goal),
                    details={
                        "updates": store.updates,
                        "rows_after": store.rows,
                        "lost": store.updates - store.rows,
                        "raw_rows_after": raw.rows,
                    },
                )
            )
    figures.append(await bench_cold_burst(quick))
    return figures
