"""Interactions per second and p99 time to the first response: the real discord.py client against the emulator.

What is measured, for each command: the emulator dispatches INTERACTION_CREATE over the gateway websocket
and the clock stops when the bot's first response (its interaction callback) reaches the emulator's REST
endpoint. That covers discord.py's gateway read and parsing, the command tree, our command (options,
catalog, store, ranking, rendering) and the HTTP callback; the harness's own bookkeeping (waiting for
follow-ups, reading replies back) is left out because at this rate it would dominate.

The bot is the production bot in a child process of its own (`benchmarks.bot_child`, built on
`bot.sandbox.process`); the emulator and the load driver run here. So the bot has a core to itself, as it
would in production, and the emulator's and driver's work is not counted as the bot's (nor their garbage
collections: this process collects none while timing, and forgets the emulator's history after each run).
Load: `WINDOW` interactions in flight at once, spread over the sandbox's six members.

Baseline, same run, same path: a `/noop` command that answers "ok" and does nothing else, added to the
child's bot by `--with-noop` (never to production code). The write cooldown is loosened through the
settings (1,000,000 writes a second) so `/progress log` measures writing, not refusing.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from benchmarks.measure import Figure, percentile
from bot.catalog.catalog import Catalog
from bot.catalog.loader import load_catalog
from bot.sandbox import SANDBOX_TOKEN, Emulator, InteractionRecord, World, build_world
from bot.sandbox.process import BotProcess

REPO_ROOT = Path(__file__).resolve().parents[1]
WINDOW = 16  # interactions in flight at once
GOAL_RATE = 1_000.0  # interactions per second
GOAL_P99_MS = 50.0
MEMBERS = ("alice", "bob", "carol", "mod", "admin", "owner")
NO_COOLDOWN = {"write_rate": 1_000_000, "write_period": 1.0}
TIMEOUT = 30.0  # seconds an interaction may wait for its answer before it counts as unanswered

InteractionData = Callable[[int], tuple[str, dict[str, Any]]]  # n → (member, interaction data)


class TimedEmulator(Emulator):
    """The emulator, noting when each interaction's first response (its callback) arrives, and when its
    answer is complete: at once for a message, or when a deferral ("thinking…") is edited or followed up."""

    DEFERRALS = (5, 6)  # deferred channel message, deferred update: the answer comes later

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._waiting: dict[int, tuple[asyncio.Future[float], asyncio.Future[None]]] = {}

    async def round_trip(self, record: InteractionRecord, within: float) -> float | None:
        """Send the interaction; the seconds to its first response, or None when the answer did not come
        (first response and completion, each `within` seconds). The interaction is then forgotten, as Discord
        forgets it when its token expires."""
        loop = asyncio.get_running_loop()
        first, complete = loop.create_future(), loop.create_future()
        self._waiting[record.id] = (first, complete)
        sent = time.perf_counter()
        try:
            await self.send_interaction(record)
            answered = await asyncio.wait_for(first, within)
            await asyncio.wait_for(complete, within)
            return answered - sent
        except TimeoutError:
            return None
        finally:
            self._waiting.pop(record.id, None)
            self.interactions.pop(record.id, None)

    def _completed(self, record: InteractionRecord) -> None:
        waiting = self._waiting.get(record.id)
        if waiting is not None and not waiting[1].done():
            waiting[1].set_result(None)

    async def _callback(self, request: web.Request, interaction_id: str, token: str) -> web.Response:
        response = await super()._callback(request, interaction_id, token)
        record = self.interactions.get(int(interaction_id))
        waiting = self._waiting.get(int(interaction_id))
        if record is not None and waiting is not None:
            if not waiting[0].done():
                waiting[0].set_result(time.perf_counter())
            if record.callback_type not in self.DEFERRALS:
                self._completed(record)
        return response

    async def _webhook_edit(self, request: web.Request, app_id: str, token: str, message_id: str) -> web.Response:
        response = await super()._webhook_edit(request, app_id, token, message_id)
        self._completed(self._interaction_by_token(app_id, token))
        return response

    async def _followup(self, request: web.Request, app_id: str, token: str) -> web.Response:
        response = await super()._followup(request, app_id, token)
        self._completed(self._interaction_by_token(app_id, token))
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


def errors_in_log(log: Path) -> list[str]:
    """The ERROR and CRITICAL lines of a child bot's log file."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if "[ERROR" in line or "[CRITICAL" in line]


class ErrorLog(logging.Handler):
    """Errors logged in this process (the emulator's) while the benchmark runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


@dataclass
class RunningBot:
    """The emulator (in this process) and the production bot it serves (in a child process)."""

    emulator: TimedEmulator
    process: BotProcess
    catalog: Catalog  # the curated catalog the child loaded, read here to build options
    timeout: float = TIMEOUT
    _errors: ErrorLog = field(default_factory=ErrorLog)

    @property
    def world(self) -> World:
        """The guild, its members and channels."""
        return self.emulator.world

    @property
    def synced_commands(self) -> list[dict[str, Any]]:
        """What the bot synced, with ids as Discord returns them."""
        return self.emulator.synced_commands

    @property
    def logged_errors(self) -> list[str]:
        """Errors logged by the bot (its log file) and by the emulator while it ran."""
        return errors_in_log(self.process.log) + self._errors.records


def timed_emulator() -> TimedEmulator:
    """An emulator (not started) that notes when each interaction's first response arrives."""
    return TimedEmulator(build_world(), token=SANDBOX_TOKEN, heartbeat_interval=0.5)


def bot_process(emulator: Emulator, directory: Path, catalog_path: Path | None = None) -> BotProcess:
    """The production bot plus `/noop`, cooldown loosened, on a database in `directory` (not started)."""
    return BotProcess(
        emulator,
        directory / "pillars.db",
        directory / "bot.log",
        catalog=catalog_path,
        module="benchmarks.bot_child",
        extra_args=["--with-noop"],
        **NO_COOLDOWN,  # type: ignore[arg-type]
    )


@asynccontextmanager
async def running_bot(directory: Path, catalog_path: Path | None = None) -> AsyncIterator[RunningBot]:
    """Start the emulator here and the bot in a child process; stop both on the way out."""
    emulator = timed_emulator()
    await emulator.start()
    running = RunningBot(emulator, bot_process(emulator, directory, catalog_path), Catalog())
    logging.getLogger().addHandler(running._errors)
    try:
        await running.process.start(within=120.0)
        running.catalog = load_catalog(catalog_path or REPO_ROOT / "data")
        yield running
    finally:
        logging.getLogger().removeHandler(running._errors)
        await running.process.stop()
        await emulator.stop()


def slash_data(sandbox: RunningBot, path: str, options: dict[str, Any]) -> dict[str, Any]:
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


def recommend_data(sandbox: RunningBot) -> InteractionData:
    """`/recommend topic:…`, cycling through a few topics."""
    topics = ("linear algebra", "probability", "optimization", "calculus", "statistics")
    built = [slash_data(sandbox, "recommend", {"topic": topic}) for topic in topics]
    return lambda n: (MEMBERS[n % len(MEMBERS)], built[n % len(built)])


# Questions in members' own words: the lexical index, the concept reader and the teaching index all serve them.
QUESTIONS = (
    "where do I learn the singular value decomposition?",
    "gentle probability for a software developer",
    "I'm bad at math and want to understand gradient descent",
    "markov chains and monte carlo methods, free please",
    "something rigorous on convex optimization, not a video",
)


def question_data(sandbox: RunningBot) -> InteractionData:
    """`/recommend query:…`, cycling through a few questions in members' own words."""
    built = [slash_data(sandbox, "recommend", {"query": question}) for question in QUESTIONS]
    return lambda n: (MEMBERS[n % len(MEMBERS)], built[n % len(built)])


def progress_data(sandbox: RunningBot) -> InteractionData:
    """`/progress log resource:… status:reading position:…`, positions short of the end so nothing finishes."""
    resources = [r for r in sandbox.catalog if r.length.amount >= 2]

    def data(n: int) -> tuple[str, dict[str, Any]]:
        resource = resources[n % len(resources)]
        position = 1 + (n // len(resources)) % (resource.length.amount - 1)
        options = {"resource": resource.id, "status": "reading", "position": position}
        return MEMBERS[n % len(MEMBERS)], slash_data(sandbox, "progress log", options)

    return data


def noop_data(sandbox: RunningBot) -> InteractionData:
    """`/noop`."""
    built = slash_data(sandbox, "noop", {})
    return lambda n: (MEMBERS[n % len(MEMBERS)], built)


async def drive(sandbox: RunningBot, make: InteractionData, count: int, window: int = WINDOW) -> Load:
    """Send `count` interactions, `window` in flight at once; time each to its first response.

    A worker sends its next one only once the answer is complete (a deferral's edit included), so the
    rate counts answers given, not only "thinking…" shown."""
    emulator = sandbox.emulator
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
            latency = await emulator.round_trip(record, sandbox.timeout)
            if latency is None:
                unanswered += 1
            else:
                latencies.append(latency)

    # This process stands in for Discord: its own garbage collections (over everything the emulator
    # remembers) would stall every interaction in flight and be counted as the bot's. None while timing.
    gc.disable()
    try:
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(window)))
        seconds = time.perf_counter() - start
    finally:
        gc.enable()
    await _settle(sandbox)
    forget_history(emulator)
    return Load(count, seconds, latencies, unanswered)


def forget_history(emulator: Emulator) -> None:
    """Drop what the emulator keeps for tests (messages, gateway replay, request log): it is not the bot's."""
    emulator.messages.clear()
    emulator.allowed_mentions.clear()
    emulator.requests.clear()
    if emulator.gateway.session is not None:
        emulator.gateway.session.events.clear()


async def _settle(sandbox: RunningBot, quiet: float = 0.1, within: float = 10.0) -> None:
    """Let handlers still running after their first response finish (no request for `quiet` seconds)."""
    deadline = time.perf_counter() + within
    seen = -1
    while seen != len(sandbox.emulator.requests) and time.perf_counter() < deadline:
        seen = len(sandbox.emulator.requests)
        await asyncio.sleep(quiet)


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
    """/recommend and /progress log against /noop, the real client (in its own process) against the emulator."""
    count = 300 if quick else 3_000
    with tempfile.TemporaryDirectory(prefix="pillars-bench-e2e-") as folder:
        async with running_bot(Path(folder)) as running:
            commands = {
                "/noop": noop_data(running),
                "/recommend": recommend_data(running),
                "/progress log": progress_data(running),
            }
            for make in commands.values():
                await drive(running, make, 50)  # warm-up: first-use caches, code paths, connections
            loads = {name: await drive(running, make, count) for name, make in commands.items()}
            errors = running.logged_errors
    if errors:
        raise RuntimeError(f"errors were logged during the benchmark: {errors[:3]}")
    floor = loads["/noop"]
    return command_figures("/recommend", loads["/recommend"], floor) + command_figures(
        "/progress log", loads["/progress log"], floor
    )
