"""The bot as the benchmarks run it: `bot.sandbox.process` (the production bot), plus `/noop` when asked.

    python -m benchmarks.bot_child --api … --gateway … --database … [--catalog …] [--with-noop]

`/noop` answers "ok" and does nothing else: the floor the end-to-end figures are compared with. It is
added here, to this process's bot only, never to production code.
"""

from __future__ import annotations

import sys

import discord
from discord import app_commands

from bot.app import PillarsBot
from bot.sandbox.process import argument_parser, run


def noop_command() -> app_commands.Command:
    """The floor: a slash command that answers at once and does nothing else."""

    @app_commands.command(name="noop", description="Benchmark floor: answers and does nothing")
    async def noop(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    return noop


def main(argv: list[str] | None = None) -> int:
    """Run the production bot against the emulator, with `/noop` when `--with-noop` is given."""
    parser = argument_parser("python -m benchmarks.bot_child")
    parser.add_argument("--with-noop", action="store_true", help="add the benchmark floor command, /noop")
    args = parser.parse_args(argv)

    def customise(bot: PillarsBot) -> None:
        if args.with_noop:
            bot.tree.add_command(noop_command())

    return run(args, customise)


if __name__ == "__main__":
    sys.exit(main())
