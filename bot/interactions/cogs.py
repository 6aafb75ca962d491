"""The base of every feature's cog: the bot it belongs to, typed, and the bot's store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

if TYPE_CHECKING:
    from bot.app import PillarsBot
    from bot.store import Store


class PillarsCog(commands.Cog):
    """A feature's commands; `self.bot` is the running `PillarsBot`."""

    def __init__(self, bot: PillarsBot) -> None:
        self.bot = bot

    @property
    def store(self) -> Store:
        """The bot's store (open once the bot has started)."""
        return self.bot.store
