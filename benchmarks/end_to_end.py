"""Interactions per second and p99 time to the first response: the real discord.py client against the emulator.

What is measured, for each command: the emulator dispatches INTERACTION_CREATE over the gateway websocket
and the clock stops when the bot's first response (its interaction callback) reaches the emulator's REST
endpoint. That covers discord.py's gateway read and parsing, the command tree, our command (options,
catalog, store, ranking, rendering) and the HTTP callback; the harness's own bookkeeping (waiting for
follow-ups, reading replies back) is left out because at this rate it would dominate.

Load: `WINDOW` interactions in flight at once, spread over the sandbox's six members. The emulator, the
bot and the driver share one event loop and one process, so the figures are a floor for the bot alone.

Baseline, same run, same path: a `/noop` command that answers "ok" and does nothing else, added to the bot
instance here only (never to production code). The write cooldown is disabled through the settings
(`write_cooldown_rate` = 1,000,000 per second) so `/progress log` measures writing, not refusing.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from aiohttp import web
from discord import app_commands

from benchmarks.measure import Figure, percentile
from bot.app import create_bot
from bot.sandbox import SANDBOX_TOKEN, Emulator, InteractionRecord, Sandbox, build_world, sandbox_settings

WINDOW = 16  # interactions in flight at once
GOAL_RATE = 1_000.0  # interactions per second
GOAL_P99_MS = 50.0
MEMBERS = ("alice", "bob", "carol", "mod", "admin", "owner")
NO_COOLDOWN = {"write_cooldown_rate": 1_000_000, "write_cooldown_seconds": 1.0}

InteractionData = Callable[[int], tuple[str, dict[str, Any]]]  # n → (member, interaction data)


class TimedEmulator(Emulator):
    """The emulator, noting when each interaction's first response (its callback) arrives."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answered: dict[int, asyncio.Future[float]] = {}

    def expect(self, record: InteractionRecord) -> asyncio.Future[float]:
        """A future set to the perf_counter time at which this interaction's callback is accepted."""
        future = asyncio.get_running_loop().create_future()
        self.answered[record.id] = future
        return future

    async def _callback(self, request: web.Request, interaction_id: str, token: str) -> web.Response:
        response = await super()._callback(request, interaction_id, token)
        future = self.answered.pop(int(interaction_id), None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())
        return response


@dataclass
class Load:
    """One driven run: its wall time, each interaction's time to first response, and what went wrong."""

    count: int
    seconds: float
    latencies: list[float]
    unanswered: int

    @property
    def per_second(self) -> float:
        """Interactions answered per second."""
        return len(self.latencies) / self.seconds

    @property
    def p99_ms(self) -> float:
        """The 99th percentile time to the first response, in milliseconds."""
        return percentile(self.latencies, 0.99) * 1e3


def noop_command() -> app_commands.Command:
    """The floor: a slash command that answers at once and does nothing else."""

    @app_commands.command(name="noop", description="Benchmark floor: answers and does nothing")
    async def noop(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    return noop


def benchmark_sandbox(directory: Path, catalog_path: Path | None = None) -> Sandbox:
    """The production bot plus `/noop`, cooldown disabled, against a timed emulator (not started yet)."""
    overrides: dict[str, Any] = dict(NO_COOLDOWN)
    if catalog_path is not None:
        overrides["catalog_path"] = catalog_path
    settings = sandbox_settings(directory, **overrides)

    def make_bot() -> discord.Client:
        bot = create_bot(settings)
        bot.tree.add_command(noop_command())
        return bot

    sandbox = Sandbox(make_bot, timeout=30.0)
    sandbox.emulator = TimedEmulator(build_world(), token=SANDBOX_TOKEN, heartbeat_interval=0.5)
    return sandbox


def slash_data(sandbox: Sandbox, path: str, options: dict[str, Any]) -> dict[str, Any]:
    """The `data` of a slash command interaction, as Discord sends it (string, integer, boolean options)."""
    name, *subcommands = path.split()
    command = next(c for c in sandbox.synced_commands if c["name"] == name and c.get("type", 1) == 1)
    leaf = command
    for word in subcommands:
        leaf = next(o for o in leaf.get("options") or [] if o["name"] == word)
    types = {o["name"]: o["type"] for o in leaf.get("options") or []}
    values: list[dict[str, Any]] = [{"name": k, "type": types[k], "value": v} for k, v in options.items()]
    for word in reversed(subcommands):
        values = [{"name": word, "type": 1, "options": values}]
    data = {"id": command["id"], "name": name, "type": 1, "options": values}
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    return data


def recommend_data(sandbox: Sandbox) -> InteractionData:
    """`/recommend topic:…`, cycling through a few topics."""
    topics = ("linear algebra", "probability", "optimization", "calculus", "statistics")
    built = [slash_data(sandbox, "recommend", {"topic": topic}) for topic in topics]
    return lambda n: (MEMBERS[n % len(MEMBERS)], built[n % len(built)])


def progress_data(sandbox: Sandbox) -> InteractionData:
    """`/progress log resource:… status:reading position:…`, positions short of the end so nothing finishes."""
    assert sandbox.bot is not None
    resources = [r for r in sandbox.bot.store.curated if r.length.amount >= 2]  # type: ignore[attr-defined]

    def data(n: int) -> tuple[str, dict[str, Any]]:
        resource = resources[n % len(resources)]
        position = 1 + (n // len(resources)) % (resource.length.amount - 1)
        options = {"resource": resource.id, "status": "reading", "position": position}
        return MEMBERS[n % len(MEMBERS)], slash_data(sandbox, "progress log", options)

    return data


def noop_data(sandbox: Sandbox) -> InteractionData:
    """`/noop`."""
    built = slash_data(sandbox, "noop", {})
    return lambda n: (MEMBERS[n % len(MEMBERS)], built)


async def drive(sandbox: Sandbox, make: InteractionData, count: int, window: int = WINDOW) -> Load:
    """Send `count` interactions, `window` in flight at once; time each to its first response."""
    emulator = sandbox.emulator
    assert isinstance(emulator, TimedEmulator)
    users = {name: sandbox.world.user(name) for name in MEMBERS}
    numbers = itertools.count()
    latencies: list[float] = []
    unanswered = 0

    async def worker() -> None:
        nonlocal unanswered
        for n in numbers:
            if n >= count:
                return
            member, data = make(n)
            record = emulator.new_interaction(kind=2, user=users[member], data=data)
            answered = emulator.expect(record)
            sent = time.perf_counter()
            await emulator.send_interaction(record)
            try:
                latencies.append(await asyncio.wait_for(answered, sandbox.timeout) - sent)
            except TimeoutError:
                unanswered += 1
            # Discord forgets an interaction after its token expires; the benchmark forgets it at once.
            emulator.interactions.pop(record.id, None)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(window)))
    seconds = time.perf_counter() - start
    await _settle(sandbox)
    return Load(count, seconds, latencies, unanswered)


async def _settle(sandbox: Sandbox) -> None:
    """Let handlers still running after their first response finish, so runs do not overlap."""
    for _ in range(100):
        running = [t for t in asyncio.all_tasks() if not t.done() and t.get_name().startswith("CommandTree-invoker")]
        if not running:
            return
        await asyncio.wait(running, timeout=1.0)


def command_figures(name: str, load: Load, floor: Load) -> list[Figure]:
    """Throughput and p99 for one command, each against the no-op floor."""
    details = {"interactions": load.count, "unanswered": load.unanswered, "window": WINDOW}
    return [
        Figure(
            name=f"{name} interactions/s",
            value=load.per_second,
            unit="/s",
            baseline=floor.per_second,
            baseline_name="/noop floor",
            goal=f"≥ {GOAL_RATE:,.0f}/s",
            met=load.per_second >= GOAL_RATE and load.unanswered == 0,
            details={**details, "p50_ms": percentile(load.latencies, 0.5) * 1e3},
        ),
        Figure(
            name=f"{name} p99 to first response",
            value=load.p99_ms,
            unit="ms",
            baseline=floor.p99_ms,
            baseline_name="/noop floor p99",
            goal=f"≤ {GOAL_P99_MS:g} ms",
            met=load.p99_ms <= GOAL_P99_MS and load.unanswered == 0,
            details=details,
        ),
    ]


async def bench(quick: bool) -> list[Figure]:
    """/recommend and /progress log against /noop, the real client against the emulator."""
    count = 300 if quick else 3_000
    with tempfile.TemporaryDirectory(prefix="pillars-bench-e2e-") as folder:
        sandbox = benchmark_sandbox(Path(folder))
        await sandbox.start()
        try:
            commands = {
                "/noop": noop_data(sandbox),
                "/recommend": recommend_data(sandbox),
                "/progress log": progress_data(sandbox),
            }
            for make in commands.values():
                await drive(sandbox, make, 50)  # warm-up: first-use caches, code paths, connections
            loads = {name: await drive(sandbox, make, count) for name, make in commands.items()}
            errors = sandbox.logged_errors
        finally:
            await sandbox.stop()
    if errors:
        raise RuntimeError(f"the bot logged errors during the benchmark: {errors[:3]}")
    floor = loads["/noop"]
    return command_figures("/recommend", loads["/recommend"], floor) + command_figures(
        "/progress log", loads["/progress log"], floor
    )
