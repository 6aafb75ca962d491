"""The emulated world: one guild, its roles, channels and members, and the payloads Discord sends for them.

World objects get snowflakes from a fixed instant, so their ids are the same in every run (a test or a
settings file may name the guild id); messages and interactions get snowflakes from the clock, because
discord.py computes an interaction token's expiry from the interaction id.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
# 2024-01-01T00:00:00Z: the world "was created" then, so its ids never change.
WORLD_CREATED_MS = 1704067200000


class Permission:
    """The permission bits the emulator computes with (Discord's values)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40
    ALL = (1 << 51) - 1


EVERYONE_PERMISSIONS = (
    Permission.CREATE_INSTANT_INVITE
    | Permission.ADD_REACTIONS
    | Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.CONNECT
    | Permission.SPEAK
    | Permission.CHANGE_NICKNAME
    | Permission.USE_APPLICATION_COMMANDS
    | Permission.CREATE_PUBLIC_THREADS
    | Permission.SEND_MESSAGES_IN_THREADS
)
MODERATOR_PERMISSIONS = Permission.MANAGE_MESSAGES | Permission.KICK_MEMBERS | Permission.MODERATE_MEMBERS
ADMIN_PERMISSIONS = Permission.MANAGE_GUILD | Permission.MANAGE_CHANNELS | Permission.MANAGE_ROLES


def snowflake_at(ms: int, sequence: int = 0) -> int:
    """A Discord snowflake for this Unix time in milliseconds."""
    return ((ms - DISCORD_EPOCH_MS) << 22) | (sequence & 0xFFF)


def snowflake_time_ms(snowflake: int) -> int:
    """The Unix time in milliseconds a snowflake was made at."""
    return (snowflake >> 22) + DISCORD_EPOCH_MS


class SnowflakeClock:
    """Fresh, increasing snowflakes from the wall clock (messages, interactions, attachments)."""

    def __init__(self) -> None:
        self._sequence = itertools.count()
        self._last = 0

    def next(self) -> int:
        """A snowflake for now, larger than every one given before."""
        candidate = snowflake_at(int(time.time() * 1000), next(self._sequence))
        self._last = max(candidate, self._last + 1)
        return self._last


@dataclass
class Role:
    """A guild role; `permissions` is the bit set."""

    id: int
    name: str
    permissions: int
    position: int
    color: int = 0
    managed: bool = False
    mentionable: bool = False

    def payload(self) -> dict[str, Any]:
        """The role as Discord sends it (permissions as a string)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass
class User:
    """A Discord user."""

    id: int
    name: str
    bot: bool = False
    display_name: str | None = None  # the name Discord shows (`global_name`); the username titled by default

    def payload(self) -> dict[str, Any]:
        """The user as Discord sends it."""
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": None if self.bot else self.display_name or self.name.title(),
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class Member:
    """A guild member: a user and the roles they hold (the @everyone role is implied)."""

    user: User
    role_ids: list[int]
    joined_at: str = "2024-01-01T00:00:00+00:00"

    def payload(self, *, permissions: int | None = None) -> dict[str, Any]:
        """The member as Discord sends it; with `permissions` as in an interaction."""
        data: dict[str, Any] = {
            "user": self.user.payload(),
            "roles": [str(role_id) for role_id in self.role_ids],
            "nick": None,
            "avatar": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Channel:
    """A guild text channel."""

    id: int
    name: str
    position: int
    type: int = 0
    topic: str | None = None

    def payload(self, guild_id: int) -> dict[str, Any]:
        """The channel as Discord sends it."""
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": self.topic,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }


def shard_for(guild_id: int, shard_count: int) -> int:
    """The shard a guild's events go to, as Discord assigns it: (guild_id >> 22) % shard_count."""
    return (guild_id >> 22) % shard_count


PUBLIC_THREAD = 11
PRIVATE_THREAD = 12


@dataclass
class Thread:
    """A thread in a text channel: from a message (same id as the message) or on its own."""

    id: int
    name: str
    parent_id: int
    owner_id: int
    type: int = PUBLIC_THREAD
    auto_archive_duration: int = 1440
    created_at: str = "2024-01-01T00:00:00+00:00"
    message_count: int = 0
    member_ids: set[int] = field(default_factory=set)

    def payload(self, guild_id: int, *, newly_created: bool = False) -> dict[str, Any]:
        """The thread as Discord sends it (a channel of type 11 or 12 with thread metadata)."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(guild_id),
            "parent_id": str(self.parent_id),
            "owner_id": str(self.owner_id),
            "name": self.name,
            "last_message_id": None,
            "message_count": self.message_count,
            "member_count": len(self.member_ids),
            "total_message_sent": self.message_count,
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": self.auto_archive_duration,
                "archive_timestamp": self.created_at,
                "locked": False,
                "create_timestamp": self.created_at,
            },
        }
        if newly_created:
            data["newly_created"] = True
        return data


@dataclass
class Guild:
    """One guild: its people, roles and channels (threads too)."""

    id: int
    name: str
    owner_id: int
    members: dict[int, Member] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    threads: dict[int, Thread] = field(default_factory=dict)

    def channel(self, name_or_id: str | int) -> Channel:
        """A channel by name (`study` or `#study`) or id."""
        for channel in self.channels.values():
            if str(name_or_id).lstrip("#") in (channel.name, str(channel.id)):
                return channel
        raise KeyError(f"No channel {name_or_id!r}; there are: {', '.join(c.name for c in self.channels.values())}.")

    def thread(self, name_or_id: str | int) -> Thread:
        """A thread by name or id."""
        for thread in self.threads.values():
            if str(name_or_id).lstrip("#") in (thread.name, str(thread.id)):
                return thread
        raise KeyError(
            f"No thread {name_or_id!r}; there are: {', '.join(t.name for t in self.threads.values()) or 'none'}."
        )

    def role(self, name_or_id: str | int) -> Role:
        """A role by name or id."""
        for role in self.roles.values():
            if str(name_or_id).lstrip("@") in (role.name, str(role.id)):
                return role
        raise KeyError(f"No role {name_or_id!r}; there are: {', '.join(r.name for r in self.roles.values())}.")

    @property
    def default_channel(self) -> Channel:
        """The channel commands are typed in unless a test says otherwise: #study."""
        return self.channel("study")

    @property
    def everyone_role(self) -> Role:
        """The @everyone role, whose id is the guild id."""
        return self.roles[self.id]

    def permissions(self, user_id: int) -> int:
        """The member's computed permissions (no channel overwrites exist in the sandbox)."""
        if user_id == self.owner_id:
            return Permission.ALL
        member = self.members[user_id]
        bits = self.everyone_role.permissions
        for role_id in member.role_ids:
            bits |= self.roles[role_id].permissions
        return Permission.ALL if bits & Permission.ADMINISTRATOR else bits

    def payload(self) -> dict[str, Any]:
        """The GUILD_CREATE payload: the guild with roles, channels and members."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "features": [],
            "roles": [role.payload() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "channels": [channel.payload(self.id) for channel in self.channels.values()],
            "threads": [thread.payload(self.id) for thread in self.threads.values()],
            "members": [member.payload() for member in self.members.values()],
            "member_count": len(self.members),
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "large": False,
            "unavailable": False,
            "lazy": True,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "application_id": None,
            "premium_progress_bar_enabled": False,
        }

    def partial(self) -> dict[str, Any]:
        """The partial guild an interaction carries."""
        return {"id": str(self.id), "locale": "en-US", "features": []}


@dataclass
class World:
    """Everything the emulated Discord knows about: the guilds (the first is home), their people, the bot.

    The home guild's parts are the world's own (`world.guild_id`, `world.members`, `world.channel("study")`…),
    as the sandbox had one guild before it had several; `world.guild(name)` finds any guild.
    """

    application_id: int
    bot_user: User
    users: dict[str, User] = field(default_factory=dict)
    guilds: dict[int, Guild] = field(default_factory=dict)
    next_id_ms: int = WORLD_CREATED_MS  # where the next fixed id comes from (add_guild)

    # -- the home guild ------------------------------------------------------------------------------

    @property
    def home(self) -> Guild:
        """The first guild: where commands go unless a test names another."""
        return next(iter(self.guilds.values()))

    @property
    def guild_id(self) -> int:
        """The home guild's id."""
        return self.home.id

    @property
    def guild_name(self) -> str:
        """The home guild's name."""
        return self.home.name

    @property
    def owner_id(self) -> int:
        """The home guild's owner."""
        return self.home.owner_id

    @property
    def members(self) -> dict[int, Member]:
        """The home guild's members."""
        return self.home.members

    @property
    def roles(self) -> dict[int, Role]:
        """The home guild's roles."""
        return self.home.roles

    @property
    def channels(self) -> dict[int, Channel]:
        """The home guild's channels."""
        return self.home.channels

    @property
    def threads(self) -> dict[int, Thread]:
        """The home guild's threads."""
        return self.home.threads

    # -- lookups -------------------------------------------------------------------------------------

    def user(self, name_or_id: str | int) -> User:
        """A user by name (alice, bob, carol, mod, admin, owner) or id; KeyError names the known ones."""
        if isinstance(name_or_id, int) or (isinstance(name_or_id, str) and name_or_id.isdigit()):
            for user in self.users.values():
                if user.id == int(name_or_id):
                    return user
        elif name_or_id.lstrip("@").lower() in self.users:
            return self.users[name_or_id.lstrip("@").lower()]
        raise KeyError(f"No user {name_or_id!r} in the sandbox; there are: {', '.join(self.users)}.")

    def member(self, name_or_id: str | int) -> Member:
        """The home guild member for a user name or id."""
        return self.members[self.user(name_or_id).id]

    def channel(self, name_or_id: str | int) -> Channel:
        """A channel of the home guild by name (`study` or `#study`) or id."""
        return self.home.channel(name_or_id)

    def thread(self, name_or_id: str | int) -> Thread:
        """A thread of the home guild by name or id."""
        return self.home.thread(name_or_id)

    def role(self, name_or_id: str | int) -> Role:
        """A role of the home guild by name or id."""
        return self.home.role(name_or_id)

    @property
    def default_channel(self) -> Channel:
        """The channel commands are typed in unless a test says otherwise: the home guild's #study."""
        return self.home.default_channel

    @property
    def everyone_role(self) -> Role:
        """The home guild's @everyone role."""
        return self.home.everyone_role

    def permissions(self, user_id: int) -> int:
        """The member's computed permissions in the home guild."""
        return self.home.permissions(user_id)

    def guild(self, name_or_id: str | int | None = None) -> Guild:
        """A guild by name or id (the home guild for None); KeyError names the known ones."""
        if name_or_id is None:
            return self.home
        for guild in self.guilds.values():
            if str(name_or_id) in (guild.name, str(guild.id)):
                return guild
        raise KeyError(f"No guild {name_or_id!r}; there are: {', '.join(g.name for g in self.guilds.values())}.")

    def guild_of_channel(self, channel_id: int) -> Guild | None:
        """The guild a channel or thread belongs to (None: a DM, or no such channel)."""
        return next(
            (guild for guild in self.guilds.values() if channel_id in guild.channels or channel_id in guild.threads),
            None,
        )

    def guilds_of_shard(self, shard_id: int, shard_count: int) -> list[Guild]:
        """The guilds whose events go to this shard."""
        return [guild for guild in self.guilds.values() if shard_for(guild.id, shard_count) == shard_id]

    # -- payloads ------------------------------------------------------------------------------------

    def guild_payload(self) -> dict[str, Any]:
        """The home guild's GUILD_CREATE payload."""
        return self.home.payload()

    def guild_partial(self) -> dict[str, Any]:
        """The partial home guild an interaction carries."""
        return self.home.partial()

    # -- building --------------------------------------------------------------------------------------

    def fixed_id(self) -> int:
        """The next of the world's fixed ids (the same in every run)."""
        self.next_id_ms += 1
        return snowflake_at(self.next_id_ms)

    def add_guild(
        self,
        name: str,
        *,
        people: tuple[str, ...] = ("alice", "bob", "carol", "mod", "admin", "owner"),
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """Another guild with #study and #general, the Moderator, Admin and Pillars roles, `people` and the bot.

        `shard=(id, count)` gives it an id on that shard (`shard_for`). Its owner is the user `owner`, as at home.
        """
        guild_id = self.fixed_id()
        while shard is not None and shard_for(guild_id, shard[1]) != shard[0]:
            guild_id = self.fixed_id()
        guild = Guild(id=guild_id, name=name, owner_id=self.users["owner"].id)
        _furnish(self, guild, people)
        self.guilds[guild.id] = guild
        return guild


def _furnish(world: World, guild: Guild, people: tuple[str, ...]) -> None:
    """Give a guild the sandbox's roles, channels and members (the moderator and admin holding their roles)."""
    everyone = Role(id=guild.id, name="@everyone", permissions=EVERYONE_PERMISSIONS, position=0)
    moderator = Role(
        id=world.fixed_id(), name="Moderator", permissions=MODERATOR_PERMISSIONS, position=1, color=0x3498DB
    )
    admin = Role(id=world.fixed_id(), name="Admin", permissions=ADMIN_PERMISSIONS, position=2, color=0xE74C3C)
    bot_role = Role(
        id=world.fixed_id(),
        name="Pillars",
        permissions=EVERYONE_PERMISSIONS | Permission.MANAGE_MESSAGES,
        position=3,
        managed=True,
    )
    guild.roles = {role.id: role for role in (everyone, moderator, admin, bot_role)}
    study = Channel(id=world.fixed_id(), name="study", position=0, topic="Study together.")
    general = Channel(id=world.fixed_id(), name="general", position=1)
    guild.channels = {channel.id: channel for channel in (study, general)}
    role_ids = {"mod": [moderator.id], "admin": [admin.id]}
    guild.members = {world.users[name].id: Member(world.users[name], role_ids.get(name, [])) for name in people}
    guild.members[world.bot_user.id] = Member(user=world.bot_user, role_ids=[bot_role.id])


def build_world() -> World:
    """The sandbox world: "Pillars Study Hall" with #study, five people, a moderator and an admin role, the bot."""
    application_id = snowflake_at(WORLD_CREATED_MS)
    world = World(application_id=application_id, bot_user=User(id=application_id, name="Pillars", bot=True))
    guild_id = world.fixed_id()
    names = ("alice", "bob", "carol", "mod", "admin", "owner")
    people = {name: User(id=world.fixed_id(), name=name) for name in names}
    world.users = {**people, "pillars": world.bot_user}
    home = Guild(id=guild_id, name="Pillars Study Hall", owner_id=people["owner"].id)
    _furnish(world, home, names)
    world.guilds[home.id] = home
    return world


# The world is the same in every run: these are safe to use in settings and tests.
SANDBOX_WORLD = build_world()
SANDBOX_GUILD_ID = SANDBOX_WORLD.guild_id
SANDBOX_APPLICATION_ID = SANDBOX_WORLD.application_id
