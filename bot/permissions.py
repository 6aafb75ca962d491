"""Who may do what: the one place that decides whether a member is a moderator.

A moderator is a member with the Manage Server permission (administrators have it) or the role the
server configured with `/catalog settings`. The decision is ours, checked at every use, never left to
Discord's per-command permission overrides, which a server admin can change without us knowing.
"""

from __future__ import annotations

import discord

from bot.store.models import GuildSettings


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
