"""A resource's outcomes (what `/resource info` shows of members' reading) at 1,000,000 progress events.

The database holds 1,000,000 progress events over 200,000 read-throughs of 20,000 members and 100,000
ratings (a tenth of them with reviews), written the way the bot writes them, so the triggers of migration
0003 keep the counts as they go; popular resources have thousands of readers. Measured: p99 of
`Store.community_card` (the outcomes here and everywhere, past the threshold, and the latest reviews).
Baseline, in the same run and on the same file: the same figures computed from the base tables with a
plain GROUP BY (`bot.store.community.recounted_tally`), what the card would cost without kept counts. Both
give the same counts for every resource measured (`mismatches` must be 0).
"""

from __future__ import annotations

import asyncio
import gc
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.measure import Figure, p99_ms_figure, percentile
from benchmarks.synthetic import synthetic_catalog
from bot.catalog.catalog import Catalog
from bot.store import Store
from bot.store.community import counted_tally, recounted_tally
from bot.store.connection import open_database, time_to_db

EVENTS, RATINGS, MEMBERS, RESOURCES = 1_000_000, 100_000, 20_000, 1_000
GUILDS = (1001, 1002, 1003)
GOAL_MS = 5.0
EVENTS_PER_READ = 5
_START = datetime(2024, 1, 1, tzinfo=UTC)


def _write_history(path: Path, catalog: Catalog, events: int, ratings: int, members: int, seed: int = 11) -> None:
    """Fill the database: each member reads resources one after another (popular ones far more often), each
    read-through logged in EVENTS_PER_READ updates; half finish, a quarter drop; finished ones are rated."""
    rng = random.Random(seed)
    ids = list(catalog.ids)
    weights = [1 / (rank + 1) for rank in range(len(ids))]  # Zipf: the first resources are the popular ones
    reads = events // EVENTS_PER_READ
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = OFF")  # one bulk transaction of set-up, not what is measured
    conn.execute("PRAGMA cache_size = -200000")
    conn.execute("BEGIN")
    read_id = 0
    rated = 0
    clock = {member: _START + timedelta(hours=rng.randint(0, 24 * 60)) for member in range(members)}
    read_so_far: dict[int, set[str]] = {}
    for n in range(reads):
        member = n % members
        seen = read_so_far.setdefault(member, set())
        resource_id = rng.choices(ids, weights)[0]
        if resource_id in seen:
            resource_id = rng.choice(ids)
        if resource_id in seen:
            continue
        seen.add(resource_id)
        resource = catalog[resource_id]
        total = 100 if resource.length.unit.value == "percent" else resource.length.amount
        roll = rng.random()
        status = "finished" if roll < 0.5 else ("dropped" if roll < 0.75 else "reading")
        last = total if status == "finished" else rng.randint(1, max(1, total - 1))
        started = clock[member]
        days = rng.randint(1, 90)
        ended = started + timedelta(days=days, hours=rng.randint(0, 23))
        clock[member] = ended + timedelta(hours=rng.randint(1, 72))
        guild = GUILDS[member % len(GUILDS)]
        read_id += 1
        conn.execute(
            "INSERT INTO read_throughs (id, user_id, resource_id, number, status, position, unit, total, started_at,"
            " finished_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
            (
                read_id, member, resource_id, status, last, resource.length.unit.value, total, time_to_db(started),
                time_to_db(ended) if status == "finished" else None, time_to_db(ended),
            ),
        )  # fmt: skip
        steps = [started + (ended - started) * step / (EVENTS_PER_READ - 1) for step in range(EVENTS_PER_READ)]
        positions = [last * step // (EVENTS_PER_READ - 1) for step in range(EVENTS_PER_READ)]
        conn.executemany(
            "INSERT INTO progress_events (read_through_id, user_id, guild_id, resource_id, status, position, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (read_id, member, guild, resource_id, status if step == EVENTS_PER_READ - 1 else "reading",
                 positions[step], time_to_db(at))
                for step, at in enumerate(steps)
            ],
        )  # fmt: skip
        if status == "dropped" and rng.random() < 0.6:
            reason = rng.choice(["too-hard", "too-hard", "too-slow", "not-what-i-needed", "other"])
            conn.execute(
                "INSERT INTO drop_reasons (read_through_id, reason, given_at) VALUES (?, ?, ?)",
                (read_id, reason, time_to_db(ended)),
            )
        if status == "finished" and rated < ratings:
            rated += 1
            review = f"Review {rated}: worth the time." if rng.random() < 0.1 else None
            conn.execute(
                "INSERT INTO ratings (user_id, resource_id, guild_id, rating, review, named, rated_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                (member, resource_id, guild, rng.choice([3, 4, 4, 5, 5, 2]), review, time_to_db(ended),
                 time_to_db(ended)),
            )  # fmt: skip
    conn.execute("COMMIT")
    conn.close()


async def _figure(path: Path, catalog: Catalog, runs: int, base_runs: int, events: int, ratings: int) -> Figure:
    """Time the card and the GROUP BY baseline on the popular resources, and check they agree."""
    rng = random.Random(5)
    popular = list(catalog.ids[:50])
    async with await Store.open(path, catalog) as store:
        kept_events = await _count(store, "SELECT COUNT(*) FROM progress_events")
        kept_ratings = await _count(store, "SELECT COUNT(*) FROM ratings")
        for resource_id in popular:  # warm the page cache, as a running bot's is for what members look at
            for guild in GUILDS:
                await store.community_card(guild, catalog[resource_id])
        gc.collect()
        gc.freeze()  # as the bot does after start-up: a full collection would stall whatever runs
        samples = []
        for _ in range(runs):
            resource = catalog[rng.choice(popular)]
            start = time.perf_counter()
            await store.community_card(rng.choice(GUILDS), resource)
            samples.append(time.perf_counter() - start)
        gc.unfreeze()
        base, mismatches = [], 0
        for turn in range(base_runs):
            resource_id, guild = popular[turn % len(popular)], GUILDS[turn % len(GUILDS)]
            start = time.perf_counter()
            recounted = await recounted_tally(store.database, resource_id, guild)
            base.append(time.perf_counter() - start)
            mismatches += recounted != await counted_tally(store.database, resource_id, guild)
        readers = await _count(
            store, "SELECT members FROM outcome_counts WHERE scope = 0 AND resource_id = ? AND figure = 'started'",
            (popular[0],),
        )  # fmt: skip
    full = events >= EVENTS  # the goal holds at full size; a quick run only checks the counts
    held = percentile(samples, 0.99) * 1e3 <= GOAL_MS if full else True
    return p99_ms_figure(
        f"resource outcomes p99 @ {kept_events:,} progress events, {kept_ratings:,} ratings",
        samples,
        base,
        "plain GROUP BY over the same tables p99",
        GOAL_MS if full else None,
        met=held and mismatches == 0,
        details={"mismatches": mismatches, "most_readers": readers, "events": kept_events, "ratings": kept_ratings},
    )


async def _count(store: Store, sql: str, params: tuple = ()) -> int:
    """One number from the store's database."""
    async with store.database.read() as session:
        return int(await session.scalar(sql, params) or 0)


async def bench(quick: bool) -> list[Figure]:
    """The card's p99 against the GROUP BY's, on a database built here (smaller in quick mode)."""
    events, ratings, members = (EVENTS, RATINGS, MEMBERS) if not quick else (20_000, 2_000, 400)
    runs, base_runs = (2_000, 30) if not quick else (100, 6)
    catalog = synthetic_catalog(RESOURCES if not quick else 200)
    with tempfile.TemporaryDirectory(prefix="pillars-bench-outcomes-") as folder:
        path = Path(folder) / "outcomes.db"
        db = await open_database(path)  # the schema, migrations and triggers as the bot has them
        await db.close()
        await asyncio.to_thread(_write_history, path, catalog, events, ratings, members)
        return [await _figure(path, catalog, runs, base_runs, events, ratings)]
