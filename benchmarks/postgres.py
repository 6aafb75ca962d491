"""PostgreSQL: progress writes through the store against raw asyncpg, and two bot processes against one.

A PostgreSQL database the benchmark may empty is named by PILLARS_BENCH_POSTGRES_URL (else the tests'
PILLARS_TEST_POSTGRES_URL; `.ci/postgres start` prints one). Without one these figures are left out, saying so.

Writes, as `benchmarks/writes.py` does for SQLite: 100 members (asyncio tasks) each logging a stream of
positions through `Store.log_progress` on PostgreSQL. Baseline in the same run, on the same server and
schema, as the SQLite benchmark's: raw asyncpg inserting the same history rows, each INSERT committed on its
own (autocommit), from as many tasks over one connection (the store writes through one too). Also measured,
and reported beside it: the same over asyncpg's default pool of 10 connections, where the server's own
grouping of concurrent commits and ten backends on the machine's cores help the raw inserts. After each run
the rows are counted: nothing may be lost. Goal: the store keeps at least half the one-connection rate.

End to end, as `benchmarks/end_to_end.py` measures one bot: the world has two guilds on two shards, the load
(`/recommend`, then `/progress log`) is spread over both, and the bots are the production bot in child
processes on the same PostgreSQL database. The figure is two processes, one shard each; the baseline is one
process running both shards, in the same run. Two cores are shared by the bots, the emulator and the driver,
so the ratio says what a second process buys on this machine, not on one with a core per process.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from benchmarks.end_to_end import (
    MEMBERS,
    NO_COOLDOWN,
    REPO_ROOT,
    WINDOW,
    ErrorLog,
    Load,
    TimedEmulator,
    errors_in_log,
    slash_data,
)
from benchmarks.measure import Figure
from benchmarks.synthetic import synthetic_catalog
from benchmarks.writes import GOAL_RATIO, WriteRun, _plan, timed_store_writes
from bot.catalog.catalog import Catalog
from bot.catalog.loader import load_catalog
from bot.sandbox import SANDBOX_TOKEN, InteractionRecord
from bot.sandbox.process import BotProcess
from bot.sandbox.world import Guild, World, build_world, shard_for
from bot.store.connection import migrations, time_to_db, utc_now

MEMBERS_WRITING = 100
SHARDS = 2
RAW_POOL = 10  # asyncpg.create_pool's default size


def postgres_url() -> str | None:
    """The database the benchmark may empty, if one is named."""
    return os.environ.get("PILLARS_BENCH_POSTGRES_URL") or os.environ.get("PILLARS_TEST_POSTGRES_URL") or None


async def _empty(url: str) -> None:
    """An empty database for the next run (every other connection to it ended first)."""
    from tests.postgres import fresh_database

    await fresh_database(url)


async def _count(url: str, table: str) -> int:
    """Rows in a table, read afresh."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval(f"SELECT COUNT(*) FROM {table}"))  # our own table name
    finally:
        await conn.close()


async def store_run(url: str, catalog: Catalog, members: int, updates: int) -> WriteRun:
    """The planned updates through the store on PostgreSQL, each member concurrently; the history counted after."""
    await _empty(url)
    plans = _plan(catalog, members, updates)
    seconds = await timed_store_writes(url, catalog, plans)
    return WriteRun(sum(map(len, plans)), seconds, await _count(url, "progress_events"))


async def raw_run(url: str, catalog: Catalog, members: int, updates: int, connections: int = 1) -> WriteRun:
    """The same history rows with plain asyncpg: one INSERT, committed on its own, per row, over `connections`
    (one connection serves one statement at a time: the tasks take turns on it)."""
    import asyncpg

    await _empty(url)
    plans = _plan(catalog, members, updates)
    setup = await asyncpg.connect(url)
    try:
        for migration in migrations("postgres"):
            await setup.execute(migration.sql)
        read_through: dict[int, int] = {}
        now = time_to_db(utc_now())
        for plan in plans:  # the history rows point at a read-through, as the store's do
            user_id, resource_id, _ = plan[0]
            resource = catalog[resource_id]
            read_through[user_id] = await setup.fetchval(
                "INSERT INTO read_throughs (user_id, resource_id, number, status, position, unit, total, started_at,"
                " updated_at) VALUES ($1, $2, 1, 'reading', 0, $3, $4, $5, $5) RETURNING id",
                user_id,
                resource_id,
                resource.length.unit.value,
                resource.length.amount,
                now,
            )
    finally:
        await setup.close()
    pool = await asyncpg.create_pool(url, min_size=connections, max_size=connections)
    try:

        async def member(plan: list[tuple[int, str, int]]) -> None:
            for user_id, resource_id, position in plan:
                async with pool.acquire() as conn:
                    await conn.execute(
                        "INSERT INTO progress_events (read_through_id, user_id, guild_id, resource_id, status,"
                        " position, note, at) VALUES ($1, $2, NULL, $3, 'reading', $4, NULL, $5)",
                        read_through[user_id],
                        user_id,
                        resource_id,
                        position,
                        time_to_db(utc_now()),
                    )

        start = time.perf_counter()
        await asyncio.gather(*(member(plan) for plan in plans))
        seconds = time.perf_counter() - start
    finally:
        await pool.close()
    return WriteRun(sum(map(len, plans)), seconds, await _count(url, "progress_events"))


async def bench_writes(url: str, quick: bool) -> Figure:
    """Store writes at 100 members on PostgreSQL against raw asyncpg, same run."""
    updates = 300 if quick else 3_000
    catalog = synthetic_catalog(200)
    raw = await raw_run(url, catalog, MEMBERS_WRITING, updates)
    pooled = await raw_run(url, catalog, MEMBERS_WRITING, updates, connections=RAW_POOL)
    store = await store_run(url, catalog, MEMBERS_WRITING, updates)
    ratio = store.per_second / raw.per_second
    return Figure(
        name=f"PostgreSQL progress writes @ {MEMBERS_WRITING} members",
        value=store.per_second,
        unit="updates/s",
        baseline=raw.per_second,
        baseline_name="raw asyncpg insert+commit, one connection",
        goal=f"≥ {GOAL_RATIO:.0%} of raw, none lost",
        met=store.rows == store.updates and ratio >= GOAL_RATIO,
        details={
            "updates": store.updates,
            "rows_after": store.rows,
            "lost": store.updates - store.rows,
            "raw_rows_after": raw.rows,
            "raw_pool_per_second": pooled.per_second,
            "ratio_to_raw_pool": store.per_second / pooled.per_second,
            "raw_pool_connections": RAW_POOL,
        },
    )


# --- end to end: two processes against one -----------------------------------------------------------


def sharded_world() -> World:
    """The sandbox world with a second guild, on the shard the home guild is not on."""
    world = build_world()
    world.add_guild("Second Hall", shard=(1 - shard_for(world.guild_id, SHARDS), SHARDS))
    return world


class ShardedBots:
    """The emulator here, and bots in child processes running the shards between them, on one database."""

    def __init__(self, emulator: TimedEmulator, processes: list[BotProcess], catalog: Catalog) -> None:
        self.emulator = emulator
        self.processes = processes
        self.catalog = catalog
        self.timeout = 30.0
        self.errors = ErrorLog()

    @property
    def world(self) -> World:
        """The guilds, their members and channels."""
        return self.emulator.world

    @property
    def synced_commands(self) -> list[dict[str, Any]]:
        """What the process running shard 0 synced."""
        return self.emulator.synced_commands

    @property
    def logged_errors(self) -> list[str]:
        """Errors the bots logged, and the emulator."""
        return [line for p in self.processes for line in errors_in_log(p.log)] + self.errors.records


@asynccontextmanager
async def sharded_bots(directory: Path, url: str, shard_sets: list[list[int]]) -> AsyncIterator[ShardedBots]:
    """One bot process per shard set, all on `url` (emptied first), the emulator serving both guilds."""
    import logging

    await _empty(url)
    emulator = TimedEmulator(sharded_world(), token=SANDBOX_TOKEN, heartbeat_interval=0.5)
    await emulator.start()
    processes = []
    for number, shards in enumerate(shard_sets):
        folder = directory / f"bot-{number}"
        folder.mkdir(parents=True, exist_ok=True)
        processes.append(
            BotProcess(
                emulator,
                folder / "pillars.db",
                folder / "bot.log",
                database_url=url,
                shards=(SHARDS, shards),
                module="benchmarks.bot_child",
                extra_args=["--with-noop"],
                **NO_COOLDOWN,  # type: ignore[arg-type]
            )
        )
    running = ShardedBots(emulator, processes, load_catalog(REPO_ROOT / "data"))
    logging.getLogger().addHandler(running.errors)
    try:
        for process in processes:  # one by one: the first, running shard 0, syncs the commands
            await process.start(within=120.0)
        yield running
    finally:
        logging.getLogger().removeHandler(running.errors)
        for process in processes:
            await process.stop()
        await emulator.stop()


def _guilds(running: ShardedBots) -> list[Guild]:
    """The two guilds, one per shard."""
    return list(running.world.guilds.values())


async def drive_both(running: ShardedBots, command: str, count: int, window: int = WINDOW) -> Load:
    """Send `count` interactions of one command, alternating between the two guilds, `window` in flight."""
    emulator, guilds = running.emulator, _guilds(running)
    users = [running.world.user(name) for name in MEMBERS]
    topics = ("linear algebra", "probability", "optimization", "calculus", "statistics")
    resources = [r for r in running.catalog if r.length.amount >= 2]
    sent = iter(range(count))
    latencies: list[float] = []
    unanswered = 0

    def data(n: int) -> dict[str, Any]:
        if command == "/recommend":
            return slash_data(running, "recommend", {"topic": topics[n % len(topics)]})  # type: ignore[arg-type]
        resource = resources[n % len(resources)]
        position = 1 + (n // len(resources)) % (resource.length.amount - 1)
        options = {"resource": resource.id, "status": "reading", "position": position}
        return slash_data(running, "progress log", options)  # type: ignore[arg-type]

    async def worker() -> None:
        nonlocal unanswered
        for n in sent:
            record: InteractionRecord = emulator.new_interaction(
                kind=2, user=users[n % len(users)], data=data(n), guild=guilds[n % len(guilds)]
            )
            latency = await emulator.round_trip(record, running.timeout)
            if latency is None:
                unanswered += 1
            else:
                latencies.append(latency)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(window)))
    seconds = time.perf_counter() - start
    await asyncio.sleep(0.2)  # handlers still finishing after their first response
    emulator.messages.clear()
    emulator.requests.clear()
    for session in emulator.gateway.sessions.values():
        session.events.clear()
    return Load(count, seconds, latencies, unanswered)


async def measure_processes(url: str, shard_sets: list[list[int]], count: int) -> dict[str, Load]:
    """/recommend and /progress log rates through these processes (after a warm-up of each)."""
    with tempfile.TemporaryDirectory(prefix="pillars-bench-shards-") as folder:
        async with sharded_bots(Path(folder), url, shard_sets) as running:
            for command in ("/recommend", "/progress log"):
                await drive_both(running, command, 40)
            loads = {command: await drive_both(running, command, count) for command in ("/recommend", "/progress log")}
            errors = running.logged_errors
    if errors:
        raise RuntimeError(f"errors were logged during the benchmark: {errors[:3]}")
    return loads


async def bench_processes(url: str, quick: bool) -> list[Figure]:
    """Two processes (a shard each) against one process (both shards), on one PostgreSQL database, same run."""
    count = 200 if quick else 2_000
    one = await measure_processes(url, [[0, 1]], count)
    two = await measure_processes(url, [[0], [1]], count)
    figures = []
    for command in ("/recommend", "/progress log"):
        figures.append(
            Figure(
                name=f"{command} interactions/s, 2 processes on PostgreSQL",
                value=two[command].per_second,
                unit="/s",
                baseline=one[command].per_second,
                baseline_name="1 process running both shards",
                goal="every interaction answered",
                met=two[command].unanswered == 0 and one[command].unanswered == 0,
                details={
                    "interactions": count,
                    "unanswered": two[command].unanswered,
                    "p99_ms": two[command].p99_ms,
                    "baseline_p99_ms": one[command].p99_ms,
                },
            )
        )
    return figures


async def bench(quick: bool) -> list[Figure]:
    """Every PostgreSQL figure, or none (said on stderr) when no database is named."""
    url = postgres_url()
    if url is None:
        print(
            'PostgreSQL figures left out: set PILLARS_BENCH_POSTGRES_URL (eval "$(.ci/postgres start)" gives one).',
            file=sys.stderr,
        )
        return []
    return [await bench_writes(url, quick), *await bench_processes(url, quick)]
