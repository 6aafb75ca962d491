"""Start-up time with a 10,000-resource catalog, and resident memory after 10,000 interactions.

Each measurement is a fresh process (`python -m benchmarks.startup --child …`) that starts the emulator and
the production bot (`bot.app.create_bot`) in the sandbox. The clock starts just before the parent spawns it
and stops at the child's `on_ready`, so interpreter start, imports, catalog load and validation, the store,
login, sync and the gateway handshake are all in. The baseline is the same process with the shipped catalog.

Memory is the child's resident set (VmRSS) right after ready (the baseline) and after 10,000 interactions
(/recommend and /progress log alternating, see `benchmarks.end_to_end`). The emulator lives in the same
process; it keeps every message and gateway event for tests, so the child drops those as it goes, and the
figure is the bot's memory plus an emulator that remembers nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import Figure

REPO_ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 1.5
GOAL_RSS_MB = 100.0


def _rss_mb() -> float:
    """This process's resident set size now, in MB (VmRSS; the peak where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _forget(sandbox: Any) -> None:
    """Drop what the emulator keeps for tests (messages, gateway replay, request log): it is not the bot's."""
    emulator = sandbox.emulator
    emulator.messages.clear()
    emulator.allowed_mentions.clear()
    emulator.requests.clear()
    if emulator.gateway.session is not None:
        emulator.gateway.session.events.clear()


async def _child(catalog: Path, directory: Path, interactions: int) -> dict[str, float]:
    """Start the bot, note when it is ready and its memory, then run `interactions` and note its memory again."""
    from benchmarks.end_to_end import benchmark_sandbox, drive, progress_data, recommend_data

    sandbox = benchmark_sandbox(directory, catalog)
    await sandbox.start()
    result = {"ready": time.time(), "rss_ready_mb": _rss_mb()}
    try:
        kinds = [recommend_data(sandbox), progress_data(sandbox)]
        batch = 500
        for done in range(0, interactions, batch):
            size = min(batch, interactions - done)
            load = await drive(sandbox, lambda n, d=done: kinds[(d + n) % 2](d + n), size)
            result["unanswered"] = result.get("unanswered", 0) + load.unanswered
            _forget(sandbox)
        result["rss_after_mb"] = _rss_mb()
        result["logged_errors"] = len(sandbox.logged_errors)
    finally:
        await sandbox.stop()
    return result


def start_process(catalog: Path, interactions: int) -> dict[str, float]:
    """One child process; its report, with `seconds` from spawning it to its on_ready."""
    with tempfile.TemporaryDirectory(prefix="pillars-bench-start-") as folder:
        command = [sys.executable, "-m", "benchmarks.startup", "--child", str(catalog), folder, str(interactions)]
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        start = time.time()
        done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"the start-up child failed ({done.returncode}):\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["seconds"] = report["ready"] - start
    return report


def write_synthetic_catalog(folder: Path, size: int) -> Path:
    """A catalog folder holding `size` synthetic resources in one YAML file, as a curator would write it."""
    from benchmarks.synthetic import synthetic_resources
    from bot.catalog.loader import dump_resources

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "synthetic.yaml").write_text(dump_resources(synthetic_resources(size)), encoding="utf-8")
    return folder


def bench(quick: bool) -> list[Figure]:
    """Start-up to ready at 10,000 resources (1,000 when quick) against the shipped catalog; RSS after load."""
    size = 1_000 if quick else 10_000
    interactions = 1_000 if quick else 10_000
    with tempfile.TemporaryDirectory(prefix="pillars-bench-catalog-") as folder:
        catalog = write_synthetic_catalog(Path(folder) / "catalog", size)
        shipped = start_process(REPO_ROOT / "data", 0)
        large = start_process(catalog, interactions)
    return [
        Figure(
            name=f"start-up to ready @ {size:,} resources",
            value=large["seconds"],
            unit="s",
            baseline=shipped["seconds"],
            baseline_name="shipped catalog",
            goal=f"≤ {GOAL_SECONDS:g} s at 10,000",
            met=large["seconds"] <= GOAL_SECONDS if size == 10_000 else None,
        ),
        Figure(
            name=f"RSS after {interactions:,} interactions @ {size:,} resources",
            value=large["rss_after_mb"],
            unit="MB",
            baseline=large["rss_ready_mb"],
            baseline_name="RSS right after ready",
            goal=f"≤ {GOAL_RSS_MB:g} MB",
            met=large["rss_after_mb"] <= GOAL_RSS_MB and not large["unanswered"] and not large["logged_errors"],
            details={
                "unanswered": large["unanswered"],
                "logged_errors": large["logged_errors"],
                "shipped_rss_ready_mb": shipped["rss_ready_mb"],
            },
        ),
    ]


def main() -> None:
    """The child process: `python -m benchmarks.startup --child CATALOG DIRECTORY INTERACTIONS`."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, metavar=("CATALOG", "DIRECTORY", "INTERACTIONS"), required=True)
    catalog, directory, interactions = parser.parse_args().child
    report = asyncio.run(_child(Path(catalog), Path(directory), int(interactions)))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
