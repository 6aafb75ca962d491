"""`/catalog export` of a server's 10,000 resources: how long the moderator waits, and how long everyone else does.

The production bot runs in the sandbox in this process, on a database whose server imported 10,000
synthetic resources of its own (with tables of contents); the server's catalog is read once first, as any
command since the last change would have. Then `/catalog export` runs to its file, while a ticker on the
same event loop notes how late each of its 1 ms sleeps wakes: the worst delay is the longest any other
member's command (or the gateway's heartbeat) would have waited. Before the export was written in a
worker thread and by our own emitter, it stalled the loop for the whole export: 15 to 38 s at 10,000.
Garbage is collected before the export starts, as a running bot will have done since it read the server's
catalog: a full collection over 10,000 freshly read resources takes about 100 ms wherever it lands (the
bot freezes only what start-up built), and set-up's would otherwise be counted as the export's.

Baselines, same run: for the time, the same resources dumped and serialised by PyYAML's C emitter (the
fastest stock way to write that YAML: no store, no packing, no upload); for the stall, the worst delay of
the same ticker on the same loop left idle for as long as the export took.
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks.measure import Figure
from benchmarks.synthetic import synthetic_resources
from bot.app import create_bot
from bot.catalog.schema import Resource
from bot.sandbox import Sandbox, sandbox_settings
from bot.sandbox.world import SANDBOX_GUILD_ID

GOAL_STALL_MS = 50.0
GOAL_RATIO = 0.5  # the whole export within half of PyYAML's C emitter alone
TICK = 0.001


class StallMeter:
    """A task on the event loop that sleeps 1 ms at a time and keeps the worst lateness it woke with."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(TICK)
            self.worst = max(self.worst, loop.time() - before - TICK)

    def __enter__(self) -> StallMeter:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._task is not None:
            self._task.cancel()


def pyyaml_c_emitter(resources: list[Resource]) -> float:
    """Seconds PyYAML's C emitter takes to write these resources (after pydantic's dump, as export does)."""
    start = time.perf_counter()
    items = [resource.model_dump(mode="json", exclude_defaults=True) for resource in resources]
    yaml.dump({"resources": items}, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
    return time.perf_counter() - start


async def bench(quick: bool) -> list[Figure]:
    """The export's time against PyYAML's C emitter, and its worst loop stall against the idle loop's."""
    count = 1_000 if quick else 10_000
    resources = synthetic_resources(count)
    with tempfile.TemporaryDirectory(prefix="pillars-bench-export-") as folder:
        settings = sandbox_settings(Path(folder))
        sandbox = Sandbox(lambda: create_bot(settings), timeout=300.0)
        await sandbox.start()
        try:
            store = sandbox.bot.store
            await store.import_resources(SANDBOX_GUILD_ID, sandbox.world.user("admin").id, resources)
            await store.catalog_for(SANDBOX_GUILD_ID)  # the server's catalog, read since the change
            # A running bot has collected its garbage since: set-up's full collection (~100 ms over the
            # 10,000 resources just read and imported) is not the export's, and would land in any command.
            gc.collect()
            with StallMeter() as during:
                start = time.perf_counter()
                exported = await sandbox.command("admin", "catalog export")
                seconds = time.perf_counter() - start
            with StallMeter() as idle:
                await asyncio.sleep(seconds)
        finally:
            await sandbox.stop()
    [(filename, data)] = exported.files.items()
    baseline = pyyaml_c_emitter(resources)
    name = f"/catalog export @ {count:,} resources"
    details = {"resources": count, "bytes": len(data), "packed": float(filename.endswith(".gz"))}
    return [
        Figure(
            name=name,
            value=seconds,
            unit="s",
            baseline=baseline,
            baseline_name="PyYAML's C emitter alone, same resources",
            goal=f"≤ {GOAL_RATIO:g}× PyYAML's C emitter",
            met=seconds <= GOAL_RATIO * baseline,
            details=details,
        ),
        Figure(
            name=f"worst event-loop stall during {name}",
            value=during.worst * 1e3,
            unit="ms",
            baseline=idle.worst * 1e3,
            baseline_name="the same loop idle for as long",
            goal=f"≤ {GOAL_STALL_MS:g} ms",
            met=during.worst * 1e3 <= GOAL_STALL_MS,
            details=details,
        ),
    ]
