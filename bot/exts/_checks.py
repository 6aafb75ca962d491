"""Checks shared by commands and buttons: moderator only, server only, the per-member write cooldown.

Each failure is a `MemberFacingCheckFailure` carrying the sentence the member sees; the error handler
(`bot.exts._errors`) shows it as is. Commands use the decorators (`@moderator_only()`, `@write_command()`);
buttons and modals call the `ensure_…` coroutines at the top of their callback, which raise the same errors.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.permissions import is_moderator

if TYPE_CHECKING:
    from bot.app import PillarsBot

T = TypeVar("T")


class MemberFacingCheckFailure(app_commands.CheckFailure):
    """A check failed; `message` is the friendly sentence to show the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotModerator(MemberFacingCheckFailure):
    """The member is not a moderator of this server."""

    def __init__(self) -> None:
        super().__init__(
            "Only moderators can do that: members with the Manage Server permission or the server's moderator role."
        )


class ServerOnly(MemberFacingCheckFailure):
    """The command needs a server and was used in a DM."""

    def __init__(self) -> None:
        super().__init__("That works in a server, not in direct messages.")


class WriteCooldown(MemberFacingCheckFailure):
    """The member used up their writes for now; `retry_after` says for how long, in seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        seconds = max(1, math.ceil(retry_after))
        super().__init__(f"You're going a little fast. Try again in {seconds} s.")


def pillars_bot(interaction: discord.Interaction) -> PillarsBot:
    """The bot behind an interaction, typed."""
    return interaction.client  # type: ignore[return-value]


async def ensure_in_server(interaction: discord.Interaction) -> int:
    """The server's id; ServerOnly in a DM."""
    if interaction.guild_id is None:
        raise ServerOnly()
    return interaction.guild_id


async def ensure_moderator(interaction: discord.Interaction) -> None:
    """Raise NotModerator (or ServerOnly) unless the member moderates this server."""
    guild_id = await ensure_in_server(interaction)
    settings = await pillars_bot(interaction).store.guild_settings(guild_id)
    if not is_moderator(interaction.user, settings, interaction.permissions):
        raise NotModerator()


def ensure_write_allowed(interaction: discord.Interaction) -> None:
    """Count one write for the member; WriteCooldown when they must wait first."""
    retry_after = pillars_bot(interaction).write_limiter.hit(interaction.user.id)
    if retry_after is not None:
        raise WriteCooldown(retry_after)


def moderator_only() -> Callable[[T], T]:
    """Decorator: the command is for this server's moderators (see `bot.permissions.is_moderator`)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        await ensure_moderator(interaction)
        return True

    return app_commands.check(predicate)


def write_command() -> Callable[[T], T]:
    """Decorator: the command writes, so it counts toward the member's write cooldown."""

    async def predicate(interaction: discord.Interaction) -> bool:
        ensure_write_allowed(interaction)
        return True

    return app_commands.check(predicate)


def server_only() -> Callable[[T], T]:
    """Decorator: the command needs a server (a DM has no catalog to change, no members to rank)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        await ensure_in_server(interaction)
        return True

    return app_commands.check(predicate)


__all__ = [
    "MemberFacingCheckFailure",
    "NotModerator",
    "ServerOnly",
    "WriteCooldown",
    "ensure_in_server",
    "ensure_moderator",
    "ensure_write_allowed",
    "moderator_only",
    "pillars_bot",
    "server_only",
    "write_command",
]
