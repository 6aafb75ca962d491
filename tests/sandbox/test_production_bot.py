"""The production bot starts in the sandbox: its commands pass Discord's limits and it answers."""

from __future__ import annotations

from pathlib import Path

from bot.app import create_bot
from bot.sandbox import Sandbox, sandbox_settings
from bot.sandbox.limits import check_commands


async def test_the_production_bot_connects_syncs_valid_commands_and_restarts(tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path)

    sandbox = Sandbox(lambda: create_bot(settings))
    await sandbox.start()
    async with sandbox:
        synced = sandbox.synced_commands
        assert synced, "the bot synced no commands to the sandbox guild"
        assert check_commands(synced) == []
        guild = sandbox.bot.get_guild(sandbox.world.guild_id)
        assert guild is not None and guild.get_member(sandbox.world.user("alice").id) is not None

        await sandbox.restart()  # same database and Discord: the bot comes back without syncing again

        assert sandbox.bot.is_ready()
        assert sandbox.emulator.gateway.count("identify") == 2
        assert sandbox.synced_commands == synced
