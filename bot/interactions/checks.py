"""Who may do what, checked by the bot itself: moderators, server managers, servers only, the write cooldown.

A moderator is a member with the Manage Server permission (administrators have it) or the role the server
configured with `/catalog settings`. The decision is ours, made at every use, never left to Discord's
per-command permission overrides, which a server admin can change without us knowing.

Each refusal is a `MemberFacingCheckFailure` (`bot.interactions.refusals`) carrying the sentence the member
sees; the error handler (`bot.interactions.errors`) shows it as is. Commands use the decorators (`@moderator_only()`,
`@write_command()`…), which run before any option is read; buttons and forms call the `ensure_…` functions at
the top of their callback (a form may be submitted minutes after it opened), which raise the same errors.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.interactions.refusals import NotModerator, NotServerManager, ServerOnly, WriteCooldown
from bot.store.models import GuildSettings

if TYPE_CHECKING:
    from bot.app import PillarsBot

T = TypeVar("T")


def is_moderator(
    member: discord.Member | discord.User,
    settings: GuildSettings,
    permissions: discord.Permissions | None = None,
) -> bool:
    """Whether the member may moderate: Manage Server, or the server's moderator role.

    `permissions` are the member's resolved permissions from the interaction when there are some; they
    are what Discord computed, including channel overwrites and the owner's implicit rights.
    """
    if not isinstance(member, discord.Member):
        return False  # in a DM there is no server to moderate
    resolved = permissions if permissions is not None else member.guild_permissions
    if resolved.manage_guild or resolved.administrator:
        return True
    role_id = settings.moderator_role_id
    if role_id is None:
        return False
    # `member.roles` drops roles missing from the cache; the raw ids from the interaction are the truth.
    return any(role.id == role_id for role in member.roles) or role_id in getattr(member, "_roles", ())


def server_id(interaction: discord.Interaction[PillarsBot]) -> int:
    """The server's id; ServerOnly in a DM (a DM has no catalog to change, no members to rank)."""
    if interaction.guild_id is None:
        raise ServerOnly()
    return interaction.guild_id


async def is_moderator_here(interaction: discord.Interaction[PillarsBot]) -> bool:
    """Whether the member moderates the server the interaction comes from (False in a DM)."""
    if interaction.guild_id is None:
        return False
    settings = await interaction.client.store.guild_settings(interaction.guild_id)
    return is_moderator(interaction.user, settings, interaction.permissions)


async def ensure_moderator(interaction: discord.Interaction[PillarsBot]) -> int:
    """The server's id, once the member is known to moderate it; ServerOnly in a DM, NotModerator otherwise."""
    guild_id = server_id(interaction)
    if not await is_moderator_here(interaction):
        raise NotModerator()
    return guild_id


def ensure_server_manager(interaction: discord.Interaction[PillarsBot]) -> int:
    """The server's id, once the member is known to have Manage Server (administrators have it)."""
    guild_id = server_id(interaction)
    permissions = interaction.permissions
    if not (permissions.manage_guild or permissions.administrator):
        raise NotServerManager()
    return guild_id


def ensure_write_allowed(interaction: discord.Interaction[PillarsBot]) -> None:
    """Count one write for the member; WriteCooldown when they must wait first."""
    retry_after = interaction.client.write_limiter.hit(interaction.user.id)
    if retry_after is not None:
        raise WriteCooldown(retry_after)


def _check(ensure: Callable[[discord.Interaction[PillarsBot]], Any]) -> Callable[[T], T]:
    """An app command check that passes when `ensure` (sync or async) raises nothing."""

    async def predicate(interaction: discord.Interaction[PillarsBot]) -> bool:
        outcome = ensure(interaction)
        if inspect.isawaitable(outcome):
            await outcome
        return True

    return app_commands.check(predicate)


def moderator_only() -> Callable[[T], T]:
    """Decorator: the command is for this server's moderators (see `is_moderator`); a DM is refused too."""
    return _check(ensure_moderator)


def server_manager_only() -> Callable[[T], T]:
    """Decorator: the command needs Manage Server itself, not the moderator role."""
    return _check(ensure_server_manager)


def server_only() -> Callable[[T], T]:
    """Decorator: the command needs a server (a DM has no catalog to change, no members to rank)."""
    return _check(server_id)


def write_command() -> Callable[[T], T]:
    """Decorator: the command writes, so it counts toward the member's write cooldown."""
    return _check(ensure_write_allowed)
