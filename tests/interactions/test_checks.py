"""Who is a moderator: Manage Server, administrators, or the server's configured role; nobody in a DM."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord

from bot.interactions.checks import is_moderator
from bot.store.models import GuildSettings

MOD_ROLE = 555


class FakeMember(discord.Member):
    """A Member with only what `is_moderator` reads: role ids and cached guild permissions."""

    def __init__(self, role_ids: tuple[int, ...], permissions: discord.Permissions) -> None:  # noqa: D107
        self._roles = list(role_ids)  # type: ignore[assignment]
        self._permissions = permissions

    @property
    def roles(self) -> list[Any]:  # type: ignore[override]
        return [SimpleNamespace(id=role_id) for role_id in self._roles]

    @property
    def guild_permissions(self) -> discord.Permissions:  # type: ignore[override]
        return self._permissions


def member(*, role_ids: tuple[int, ...] = (), permissions: discord.Permissions | None = None) -> Any:
    """A stand-in member with these roles and cached permissions."""
    return FakeMember(role_ids, permissions or discord.Permissions.none())


def test_manage_server_makes_a_moderator() -> None:
    settings = GuildSettings(guild_id=1)
    assert is_moderator(member(permissions=discord.Permissions(manage_guild=True)), settings)


def test_an_administrator_is_a_moderator() -> None:
    assert is_moderator(member(permissions=discord.Permissions(administrator=True)), GuildSettings(guild_id=1))


def test_the_configured_role_makes_a_moderator() -> None:
    settings = GuildSettings(guild_id=1, moderator_role_id=MOD_ROLE)
    assert is_moderator(member(role_ids=(MOD_ROLE,)), settings)


def test_a_plain_member_is_not_a_moderator_even_with_other_roles() -> None:
    settings = GuildSettings(guild_id=1, moderator_role_id=MOD_ROLE)
    assert not is_moderator(member(role_ids=(1, 2, 3)), settings)
    assert not is_moderator(member(), GuildSettings(guild_id=1))


def test_interaction_permissions_win_over_the_cached_ones() -> None:
    settings = GuildSettings(guild_id=1)
    assert is_moderator(member(), settings, discord.Permissions(manage_guild=True))
    plain = member(permissions=discord.Permissions(manage_guild=True))
    assert not is_moderator(plain, settings, discord.Permissions.none())


def test_nobody_moderates_in_a_dm() -> None:
    user = discord.User.__new__(discord.User)
    assert not is_moderator(user, GuildSettings(guild_id=1), discord.Permissions.all())
