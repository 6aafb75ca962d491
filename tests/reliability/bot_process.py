"""Run the production bot in a process of its own, pointed at an emulator that runs elsewhere (the test).

    python -m tests.reliability.bot_process --api http://127.0.0.1:PORT/api/v10 \\
        --gateway ws://127.0.0.1:PORT/gateway --database /tmp/x/pillars.db [--write-rate N]

It points discord.py at the emulator as the sandbox harness does (`Route.BASE`, `DEFAULT_GATEWAY`), builds
the bot with `bot.app.create_bot` and the sandbox's settings, and prints `PILLARS-READY` once connected.
A test can then SIGKILL it mid-stream and start another on the same database.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import discord
import yarl

from bot.app import create_bot
from bot.sandbox.emulator import SANDBOX_TOKEN
from bot.sandbox.harness import sandbox_settings

READY = "PILLARS-READY"


def main(argv: list[str] | None = None) -> int:
    """Connect the production bot to the emulator and run until killed."""
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.bot_process")
    parser.add_argument("--api", required=True, help="the emulator's REST base, …/api/v10")
    parser.add_argument("--gateway", required=True, help="the emulator's gateway URL")
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--write-rate", type=int, default=100_000, help="writes a member may make per period")
    args = parser.parse_args(argv)

    discord.http.Route.BASE = args.api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(args.gateway)
    settings = sandbox_settings(args.database.parent, database_path=args.database, write_cooldown_rate=args.write_rate)
    client = create_bot(settings)

    async def announce_ready() -> None:
        print(READY, flush=True)

    client.add_listener(announce_ready, "on_ready")
    discord.utils.setup_logging(level=logging.WARNING)
    client.run(SANDBOX_TOKEN, log_handler=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
