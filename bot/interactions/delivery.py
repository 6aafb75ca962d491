"""Messages nobody asked for just now (reminders, nudges, a club's week), sent where the member will see them.

To a member: by direct message, on the DM channel Discord gave the first time (its id is kept, so later
messages cost one request). When Discord refuses the DM (50007: the member closed DMs from this server),
the message goes, mentioning nobody and naming the member in plain text, to the channel their server chose
for reminders; without one, the job fails and says why. Every send carries the job's nonce: Discord
answers a repeated nonce with the message it already created, so a job sent twice after a crash arrives once.

A 429 is honoured by discord.py itself (it waits and retries); one it gives up on, and any 5xx, comes back
as `Retry`, which the scheduler reschedules.
"""

from __future__ import annotations

import logging

import discord

from bot.clock import Clock
from bot.interactions.answers import NO_PINGS
from bot.rhythm.jobs import Failed, Outcome, Retry, Sent
from bot.rhythm.scheduler import Pacer
from bot.store import Store
from bot.ui import limits
from bot.ui.text import plain

log = logging.getLogger(__name__)

CANNOT_DM = 50007  # Discord: "Cannot send messages to this user"
UNKNOWN_CHANNEL = 10003


class Delivery:
    """Sends scheduled messages for the bot's features."""

    def __init__(self, client: discord.Client, store: Store, clock: Clock, pacer: Pacer) -> None:
        self.client = client
        self.store = store
        self.clock = clock
        self.pacer = pacer  # the scheduler's: every request made here waits for a token

    async def open_dm(self, user_id: int) -> int:
        """The DM channel with the member (opened, and remembered, the first time)."""
        known = await self.store.reminders.dm_channel(user_id)
        if known is not None:
            return known
        await self.pacer.take()
        channel = await self.client.create_dm(discord.Object(user_id))
        await self.store.reminders.remember_dm_channel(user_id, channel.id, self.clock.now())
        return channel.id

    async def to_member(
        self,
        user_id: int,
        guild_id: int | None,
        text: str,
        *,
        nonce: str,
        view: discord.ui.View | None = None,
    ) -> Outcome:
        """DM the member, or post in their server's reminder channel when their DMs are closed."""
        try:
            channel_id = await self.open_dm(user_id)
            message = await self._send(channel_id, discord.ChannelType.private, text, nonce, view)
        except discord.Forbidden as error:
            if error.code != CANNOT_DM:
                return Failed(f"Discord refused the DM: {error.code}")
            return await self._fallback(user_id, guild_id, text, nonce, view)
        except discord.NotFound:
            return Failed("Discord does not know this member any more")
        except discord.HTTPException as error:
            return _retry_or_fail(error)
        return Sent("dm", message.id)

    async def _fallback(
        self, user_id: int, guild_id: int | None, text: str, nonce: str, view: discord.ui.View | None
    ) -> Outcome:
        """The same message in the server's reminder channel, naming the member without pinging them."""
        if guild_id is None:
            return Failed("their DMs are closed and they set the reminder outside a server")
        settings = await self.store.guild_settings(guild_id)
        if settings.reminder_channel_id is None:
            return Failed("their DMs are closed and the server has no reminder channel")
        guild = self.client.get_guild(guild_id)
        member = guild.get_member(user_id) if guild is not None else None
        name = plain(member.display_name) if member is not None else "A member"
        public = f"**{name}** (your DMs are closed, so it's here): {text}"
        try:
            message = await self._send(settings.reminder_channel_id, discord.ChannelType.text, public, nonce, view)
        except (discord.Forbidden, discord.NotFound):
            log.warning("The reminder channel %s of guild %s is gone or closed", settings.reminder_channel_id, guild_id)
            return Failed("their DMs are closed and the reminder channel cannot be used")
        except discord.HTTPException as error:
            return _retry_or_fail(error)
        return Sent("channel", message.id)

    async def to_channel(
        self, channel_id: int, text: str, *, nonce: str, view: discord.ui.View | None = None, thread: bool = False
    ) -> Outcome:
        """Post in a channel or thread (a club's week); a channel that is gone fails the job."""
        kind = discord.ChannelType.public_thread if thread else discord.ChannelType.text
        try:
            message = await self._send(channel_id, kind, text, nonce, view)
        except (discord.Forbidden, discord.NotFound) as error:
            return Failed(f"the channel cannot be used: {error.code}")
        except discord.HTTPException as error:
            return _retry_or_fail(error)
        return Sent("thread" if thread else "channel", message.id)

    async def _send(
        self, channel_id: int, kind: discord.ChannelType, text: str, nonce: str, view: discord.ui.View | None
    ) -> discord.Message:
        """One message, pinging nobody, with the job's nonce (Discord's idempotency key)."""
        channel = self.client.get_partial_messageable(channel_id, type=kind)
        await self.pacer.take()
        if view is None:
            return await channel.send(limits.content(text), nonce=nonce, allowed_mentions=NO_PINGS)
        return await channel.send(limits.content(text), nonce=nonce, allowed_mentions=NO_PINGS, view=view)


def _retry_or_fail(error: discord.HTTPException) -> Outcome:
    """A rate limit discord.py gave up on or a server error: later; anything else: not at all."""
    if error.status == 429 or error.status >= 500:
        return Retry(f"Discord answered {error.status}")
    return Failed(f"Discord refused it: {error.status} {error.code}")
