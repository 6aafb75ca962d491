"""The scheduler: a burst of reminders delivered within Discord's rate limit, and a tick at rest.

**Burst.** N members (10,000; 200 with `--quick`) have a reminder at 09:00 UTC and a DM channel Discord gave
them before. The production bot runs in a child process whose clock reads 09:00 as it starts; the emulator
here enforces Discord's global limit (50 requests a second, 429 with `global: true` past it). Figures: the
reminders delivered per second, every one delivered, none twice, how many 429s, and the busiest second.
Baseline, same run, same emulator and limit: discord.py sending the same kind of DM to 500 (100) channels at
once with no pacing of its own: as fast as the limit lets a bot go, 429s and all (and the messages it gives
up on after five 429s in a row, which a burst like this does lose).

**Tick at rest.** 100,000 schedules, none due: what one scheduler tick costs (p99). Baseline, same run: one
empty read through the store (`SELECT 1` on the read connection, one hop to aiosqlite's thread), the floor of
any look at the database.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import yarl

from benchmarks.end_to_end import errors_in_log
from benchmarks.measure import Figure, percentile
from bot.catalog.loader import load_catalog
from bot.clock import Clock
from bot.rhythm.scheduler import Scheduler
from bot.sandbox import SANDBOX_TOKEN, Emulator, build_world
from bot.sandbox.emulator import DISCORD_GLOBAL_LIMIT
from bot.sandbox.process import BotProcess
from bot.store import Store
from bot.store.connection import time_to_db

REPO_ROOT = Path(__file__).resolve().parents[1]
FIRST_MEMBER = 10**17  # ids of the benchmark's members (real-looking snowflakes, none of the sandbox's people)
NINE = {"at": "09:00", "zone": "UTC", "weekdays": list(range(7)), "starts": None, "ends": None}


def next_nine(now: datetime) -> datetime:
    """The next 09:00 UTC after `now`."""
    nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
    return nine if nine > now else nine + timedelta(days=1)


def seed_reminders(database: Path, channels: dict[int, int], due: datetime) -> None:
    """Members with a 09:00 UTC reminder due at `due`, each with the DM channel Discord gave them (one transaction)."""
    now = time_to_db(datetime.now(UTC))
    with sqlite3.connect(database) as conn:
        conn.executemany(
            "INSERT INTO member_settings (user_id, time_zone, dm_channel_id, updated_at) VALUES (?, 'UTC', ?, ?)",
            [(user, channel, now) for user, channel in channels.items()],
        )
        conn.executemany(
            "INSERT INTO reminders (user_id, guild_id, at, weekdays, time_zone, streak_nudge, created_at, updated_at)"
            " VALUES (?, NULL, '09:00', '[0,1,2,3,4,5,6]', 'UTC', 0, ?, ?)",
            [(user, now, now) for user in channels],
        )
        conn.executemany(
            "INSERT INTO schedules (kind, subject_id, user_id, rule, next_fire_at) VALUES ('reminder', ?, ?, ?, ?)",
            [(user, user, json.dumps(NINE), time_to_db(due)) for user in channels],
        )
    conn.close()


async def _delivered(emulator: Emulator, channels: dict[int, int]) -> Counter[int]:
    """How many reminders each member's DM channel holds."""
    wanted = {str(c) for c in channels.values()}
    return Counter(int(m["channel_id"]) for m in emulator.messages.values() if m["channel_id"] in wanted)


async def burst(members: int, directory: Path) -> dict[str, float]:
    """Deliver `members` reminders due at one instant through the child bot; the measurements."""
    emulator = Emulator(build_world(), token=SANDBOX_TOKEN, heartbeat_interval=0.5)
    await emulator.start()
    database = directory / "pillars.db"
    try:
        async with await Store.open(database, load_catalog(REPO_ROOT / "data")):
            pass  # the schema, migrated
        channels = {FIRST_MEMBER + n: emulator.dm_channel_for(FIRST_MEMBER + n) for n in range(members)}
        now = datetime.now(UTC)
        due = next_nine(now)
        seed_reminders(database, channels, due)
        emulator.global_rate_limit = DISCORD_GLOBAL_LIMIT
        offset = (due - now).total_seconds()
        bot = BotProcess(emulator, database, directory / "bot.log", extra_args=["--clock-offset", str(offset)])
        await bot.start(within=120.0)
        started = time.perf_counter()
        before = dict(emulator.counters)
        try:
            deadline = started + members / 30 + 60
            while time.perf_counter() < deadline:
                delivered = await _delivered(emulator, channels)
                if len(delivered) >= members:
                    break
                await asyncio.sleep(0.2)
            seconds = time.perf_counter() - started
            await asyncio.sleep(1.0)  # anything sent twice would land now
            delivered = await _delivered(emulator, channels)
        finally:
            await bot.stop()
        errors = errors_in_log(bot.log)
    finally:
        await emulator.stop()
    return {
        "members": members,
        "seconds": seconds,
        "delivered": len(delivered),
        "twice": sum(1 for count in delivered.values() if count > 1),
        "rate_limited": emulator.counters["rate_limited_global"] - before.get("rate_limited_global", 0),
        "peak_per_second": emulator.peak_requests_per_second,
        "errors": len(errors),
    }


async def naive_burst(messages: int) -> dict[str, float]:
    """discord.py alone sending `messages` DMs at once (no pacing of ours) through the same limit."""
    emulator = Emulator(build_world(), token=SANDBOX_TOKEN)
    await emulator.start()
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = emulator.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emulator.gateway_url)
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(SANDBOX_TOKEN)
        channels = [emulator.dm_channel_for(FIRST_MEMBER + n) for n in range(messages)]
        emulator.global_rate_limit = DISCORD_GLOBAL_LIMIT
        await asyncio.sleep(1.1)  # the login's requests out of the window
        started = time.perf_counter()
        outcomes = await asyncio.gather(
            *(client.get_partial_messageable(c, type=discord.ChannelType.private).send("⏰") for c in channels),
            return_exceptions=True,
        )
        seconds = time.perf_counter() - started
    finally:
        await client.close()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
        await emulator.stop()
    delivered = sum(isinstance(outcome, discord.Message) for outcome in outcomes)
    return {
        "messages": messages,
        "delivered": delivered,
        "given_up": messages - delivered,  # discord.py retries a 429 five times, then raises
        "seconds": seconds,
        "rate_limited": emulator.counters["rate_limited_global"],
    }


async def tick_at_rest(schedules: int, runs: int, directory: Path) -> tuple[list[float], list[float]]:
    """Seconds per scheduler tick with `schedules` schedules and none due, and per empty store read."""
    database = directory / f"rest-{schedules}.db"
    later = time_to_db(datetime.now(UTC) + timedelta(days=30))
    catalog = load_catalog(REPO_ROOT / "data")
    async with await Store.open(database, catalog):
        pass
    with sqlite3.connect(database) as conn:
        conn.executemany(
            "INSERT INTO schedules (kind, subject_id, user_id, rule, next_fire_at) VALUES ('reminder', ?, ?, ?, ?)",
            [(FIRST_MEMBER + n, FIRST_MEMBER + n, json.dumps(NINE), later) for n in range(schedules)],
        )
    conn.close()
    async with await Store.open(database, catalog) as store:
        scheduler = Scheduler(store.schedule, Clock())
        ticks, reads = [], []
        for _ in range(20):  # warm up
            await scheduler.tick()
        for _ in range(runs):
            start = time.perf_counter()
            report = await scheduler.tick()
            ticks.append(time.perf_counter() - start)
            assert report.delivered == 0 and report.scheduled == 0
            start = time.perf_counter()
            await store.database.read_rows("SELECT 1")
            reads.append(time.perf_counter() - start)
    return ticks, reads


async def bench(quick: bool) -> list[Figure]:
    """The scheduler's figures."""
    members = 200 if quick else 10_000
    naive = 100 if quick else 500
    schedules = 10_000 if quick else 100_000
    runs = 300 if quick else 2_000
    logging.getLogger("discord").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="pillars-rhythm-") as folder:
        directory = Path(folder)
        ours = await burst(members, directory)
        floor = await naive_burst(naive)
        ticks, reads = await tick_at_rest(schedules, runs, directory)
    rate = ours["delivered"] / ours["seconds"]
    floor_rate = floor["delivered"] / floor["seconds"]
    complete = ours["delivered"] == members and ours["twice"] == 0 and ours["errors"] == 0
    within = ours["peak_per_second"] <= DISCORD_GLOBAL_LIMIT
    tick_p99 = percentile(ticks, 0.99) * 1e3
    return [
        Figure(
            f"reminders due in one minute @ {members:,} members",
            rate,
            "reminders/s",
            baseline=floor_rate,
            baseline_name=(
                f"unpaced discord.py, {naive} DMs at once: {floor['rate_limited']:.0f} × 429, "
                f"{floor['given_up']:.0f} lost"
            ),
            goal="all delivered, none twice, ≤ 50 requests/s",
            met=complete and within,
            details={**ours, "baseline_rate_limited": floor["rate_limited"], "baseline_lost": floor["given_up"]},
        ),
        Figure(
            f"scheduler tick with nothing due p99 @ {schedules:,} schedules",
            tick_p99,
            "ms",
            baseline=percentile(reads, 0.99) * 1e3,
            baseline_name="one empty store read p99",
            goal="≤ 1 ms",
            met=tick_p99 <= 1.0,
        ),
    ]
