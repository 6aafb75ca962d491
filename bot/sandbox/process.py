"""The production bot in a process of its own, pointed at an emulator that runs elsewhere (a test, a benchmark).

Child side, started by `BotProcess` (or by hand):

    python -m bot.sandbox.process --api http://127.0.0.1:PORT/api/v10 \\
        --gateway ws://127.0.0.1:PORT/gateway --database /tmp/x/pillars.db [--catalog PATH] [--write-rate N] \\
        [--database-url postgresql://…] [--shard-count 2 --shard-ids 0] [--clock-offset SECONDS] \\
        [--setting NAME=VALUE ...]

It points discord.py at the emulator as the sandbox harness does (`Route.BASE`, `DEFAULT_GATEWAY`), then
starts the bot as `bot.app.run_bot` does (the curated catalog loaded once, before connecting, and handed to
the bot), and prints `PILLARS-READY` once connected. A test can then SIGKILL it mid-stream and start another
on the same database; a benchmark gets a bot with a core and a resident set of its own.

Parent side: `BotProcess` spawns the child, waits for that line, and can read the child's memory, kill it or
stop it. `module` lets a benchmark run its own child module that builds on `run` (see `benchmarks.bot_child`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import discord
import yarl

from bot.app import PillarsBot, create_bot, load_curated
from bot.clock import Clock
from bot.logs import configure_logging
from bot.sandbox.emulator import SANDBOX_TOKEN, Emulator
from bot.sandbox.harness import identify_at_once, sandbox_settings

READY = "PILLARS-READY"
_REPO_ROOT = Path(__file__).resolve().parents[2]


def argument_parser(prog: str = "python -m bot.sandbox.process") -> argparse.ArgumentParser:
    """The child's options; a benchmark's child module adds its own to these."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="the emulator's REST base, …/api/v10")
    parser.add_argument("--gateway", required=True, help="the emulator's gateway URL")
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--catalog", type=Path, default=None, help="the curated catalog (default: the repo's data/)")
    parser.add_argument("--write-rate", type=int, default=100_000, help="writes a member may make per period")
    parser.add_argument("--write-period", type=float, default=None, help="the write cooldown's period, in seconds")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL database instead of --database")
    parser.add_argument("--shard-count", type=int, default=None, help="SHARD_COUNT")
    parser.add_argument("--shard-ids", default=None, help="SHARD_IDS, e.g. 0 or 0,1")
    parser.add_argument(
        "--clock-offset", type=float, default=0.0, help="seconds the bot's clock runs ahead (its scheduler follows)"
    )
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other setting, e.g. schedule_claim_lease=1",
    )
    return parser


def run(args: argparse.Namespace, customise: Callable[[PillarsBot], None] | None = None) -> int:
    """Connect the production bot to the emulator and run until stopped (SIGINT closes it cleanly)."""
    discord.http.Route.BASE = args.api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.gateway)
    overrides: dict[str, object] = {"database_path": args.database, "write_cooldown_rate": args.write_rate}
    if args.catalog is not None:
        overrides["catalog_path"] = args.catalog
    if args.write_period is not None:
        overrides["write_cooldown_seconds"] = args.write_period
    for setting in ("database_url", "shard_count", "shard_ids"):
        if getattr(args, setting) is not None:
            overrides[setting] = getattr(args, setting)
    for setting in args.setting:
        name, _, value = setting.partition("=")
        overrides[name.strip()] = value.strip()
    settings = sandbox_settings(args.database.parent, **overrides)
    client = create_bot(settings, load_curated(settings), clock=Clock(timedelta(seconds=args.clock_offset)))
    client.before_identify_hook = identify_at_once  # type: ignore[method-assign]
    if customise is not None:
        customise(client)

    async def announce_ready() -> None:
        print(READY, flush=True)

    client.add_listener(announce_ready, "on_ready")
    configure_logging(logging.WARNING)
    client.run(SANDBOX_TOKEN, log_handler=None)
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.sandbox.process …`: the production bot, as is."""
    return run(argument_parser().parse_args(argv))


class BotProcess:
    """The production bot in a child process, connected to an emulator running in this one."""

    def __init__(
        self,
        emulator: Emulator,
        database: Path,
        log: Path,
        *,
        catalog: Path | None = None,
        write_rate: int | None = None,
        write_period: float | None = None,
        database_url: str | None = None,
        shards: tuple[int, Sequence[int]] | None = None,
        module: str = "bot.sandbox.process",
        extra_args: Sequence[str] = (),
    ) -> None:
        self.emulator, self.database, self.log = emulator, database, log
        self.options: list[str] = []
        if database_url is not None:
            self.options += ["--database-url", database_url]
        if shards is not None:  # (SHARD_COUNT, SHARD_IDS)
            self.options += ["--shard-count", str(shards[0]), "--shard-ids", ",".join(map(str, shards[1]))]
        if catalog is not None:
            self.options += ["--catalog", str(catalog)]
        if write_rate is not None:
            self.options += ["--write-rate", str(write_rate)]
        if write_period is not None:
            self.options += ["--write-period", str(write_period)]
        self.module, self.extra_args = module, list(extra_args)
        self.process: asyncio.subprocess.Process | None = None
        self.seconds_to_ready: float | None = None

    @property
    def pid(self) -> int:
        """The child's process id."""
        assert self.process is not None, "not started"
        return self.process.pid

    async def start(self, within: float = 30.0) -> float:
        """Start the child and wait until it says it is ready; the seconds from spawning it to that line."""
        command = [
            *(sys.executable, "-m", self.module),
            *("--api", self.emulator.api_base, "--gateway", self.emulator.gateway_url),
            *("--database", str(self.database), *self.options, *self.extra_args),
        ]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(_REPO_ROOT), os.environ.get("PYTHONPATH")])),
        }
        with self.log.open("ab") as log:
            spawned = time.perf_counter()
            self.process = await asyncio.create_subprocess_exec(
                *command, cwd=_REPO_ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=log
            )
        assert self.process.stdout is not None
        deadline = spawned + within
        try:
            while line := await asyncio.wait_for(self.process.stdout.readline(), deadline - time.perf_counter()):
                if line.decode().strip() == READY:
                    self.seconds_to_ready = time.perf_counter() - spawned
                    return self.seconds_to_ready
        except TimeoutError:
            pass
        await self.stop()
        raise RuntimeError(f"the bot process did not become ready:\n{self.log.read_text()[-3000:]}")

    def rss_mb(self) -> float:
        """The child's resident set size now, in MB (VmRSS from /proc; Linux only)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for process {self.pid}")

    def kill(self) -> None:
        """SIGKILL: no close, no cleanup, no flush; whatever the kernel has is all there is."""
        os.kill(self.pid, signal.SIGKILL)

    async def wait(self) -> int:
        """Wait for the child to end; its exit code."""
        assert self.process is not None
        return await self.process.wait()

    async def stop(self) -> None:
        """Ask the child to stop (SIGINT closes the bot and the store), killing it if it lingers."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


if __name__ == "__main__":
    sys.exit(main())
