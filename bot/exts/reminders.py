"""/reminders set · show · stop · channel, and the scheduled messages: study reminders and streak-at-risk nudges.

Opt-in and personal. A reminder goes by DM at the member's local time on the days they chose; when their
DMs are closed it goes, mentioning nobody, to the channel their server chose (`/reminders channel`). A member
gets at most one nudge a day (reminder, streak or club), and every one carries a button that stops it, which
keeps working after a restart (`pillars:reminders-stop:<member>`, `pillars:streak-stop:<member>`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.errors import InvalidInputError, NotFoundError
from bot.interactions.buttons import MEMBER_ID, Look, OwnerOnlyButton
from bot.interactions.checks import ensure_moderator, write_command
from bot.interactions.cogs import PillarsCog
from bot.interactions.delivery import CANNOT_DM
from bot.interactions.help_text import MODERATOR, example
from bot.interactions.time_options import TimeOfDayArg, TimeZoneArg, WeekdaysArg
from bot.interactions.views import PersistentView
from bot.reading import ReadingStatus
from bot.rhythm.jobs import Job, JobKind, Outcome, Skipped
from bot.rhythm.recurrence import EVERY_DAY
from bot.store.models import Reminder
from bot.ui import rhythm as rhythm_ui

if TYPE_CHECKING:
    from bot.app import PillarsBot

log = logging.getLogger(__name__)

LATE = timedelta(minutes=15)  # a reminder sent later than this after its time says it is late


class StopRemindersButton(OwnerOnlyButton, template=rf"pillars:reminders-stop:(?P<owner_id>{MEMBER_ID})"):
    """Turn the member's study reminders off, from the reminder itself."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(Look("Stop reminders", discord.ButtonStyle.secondary, "🔕"), "reminders-stop", owner_id)
        self.owner_id = owner_id

    def not_yours(self) -> str:
        """What anyone else who presses it is told."""
        return "These reminders belong to someone else; `/reminders stop` stops your own."

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Stop them and say so on the message."""
        stopped = await interaction.client.store.reminders.stop(self.owner_id)
        text = "🔕 Reminders are off." if stopped else "🔕 Reminders were already off."
        await interaction.response.edit_message(content=f"{text} `/reminders set` turns them on again.", view=None)


class StopStreakButton(OwnerOnlyButton, template=rf"pillars:streak-stop:(?P<owner_id>{MEMBER_ID})"):
    """Turn only the streak-at-risk nudge off."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(Look("Stop streak nudges", discord.ButtonStyle.secondary, "🔕"), "streak-stop", owner_id)
        self.owner_id = owner_id

    def not_yours(self) -> str:
        """What anyone else who presses it is told."""
        return "These nudges belong to someone else; `/reminders stop` stops your own."

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Stop the streak nudge; the daily reminder, if any, stays."""
        await interaction.client.store.reminders.stop(self.owner_id, streak_only=True)
        text = "🔕 No more streak nudges. `/reminders set streak:True` brings them back."
        await interaction.response.edit_message(content=text, view=None)


class Reminders(PillarsCog):
    """Study reminders and the messages the scheduler sends for them."""

    group = app_commands.Group(name="reminders", description="Study reminders by direct message, if you want them")

    @example("/reminders set time:19:30 days:weekdays timezone:Europe/Paris streak:True")
    @group.command(name="set", description="Get a study reminder by DM at your time, on the days you choose")
    @app_commands.describe(
        time="Your local time, like 19:30 or 7:30pm",
        days="Every day (the default), weekdays, weekends, or days like 'mon, wed, fri'",
        timezone="Your time zone, like Europe/Paris (remembered after the first time)",
        streak="Also a word at 21:00 on days your reading streak is about to end",
    )
    @write_command()
    async def set_reminder(
        self,
        interaction: discord.Interaction[PillarsBot],
        time: TimeOfDayArg,
        days: WeekdaysArg = EVERY_DAY,
        timezone: TimeZoneArg | None = None,
        streak: bool = False,
    ) -> None:
        """Save and schedule the reminder, check DMs reach the member, and tell them what to expect."""
        user_id = interaction.user.id
        zone = timezone or await self.store.reminders.time_zone(user_id)
        if zone is None:
            raise InvalidInputError("Which time zone are you in? Add `timezone:` (start typing your city).")
        await interaction.response.defer(ephemeral=True, thinking=True)
        reminder = Reminder(user_id, interaction.guild_id, time, days, zone, streak)
        first, streak_first = await self.store.reminders.set(reminder, self.bot.clock.now())
        self.bot.scheduler.poke()
        text = rhythm_ui.reminder_summary(reminder, first, streak_first)
        text += "\n" + await self._check_dms(interaction, reminder)
        await interaction.edit_original_response(content=text)

    async def _check_dms(self, interaction: discord.Interaction[PillarsBot], reminder: Reminder) -> str:
        """DM the member a first word (with the stop button) and say where reminders will arrive."""
        view = PersistentView(StopRemindersButton(reminder.user_id))
        text = f"{rhythm_ui.reminder_summary(reminder, None, None)} This is where they will arrive."
        try:
            channel_id = await self.bot.delivery.open_dm(reminder.user_id)
            dm = self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)
            await dm.send(text, view=view, allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden as error:
            if error.code != CANNOT_DM:
                raise
            settings = await self.store.guild_settings(reminder.guild_id) if reminder.guild_id else None
            if settings is not None and settings.reminder_channel_id is not None:
                return (
                    f"I can't DM you (your DMs are closed to this server), so reminders will go to "
                    f"<#{settings.reminder_channel_id}>, naming you without a ping."
                )
            return (
                "⚠️ I can't DM you: your DMs are closed to this server, and it has no reminder channel. "
                "Allow direct messages from server members (Privacy Settings) and reminders will reach you."
            )
        return "I sent you a DM so you know where they arrive."

    @example("/reminders show")
    @group.command(name="show", description="Your reminder: when it comes, and the next one")
    async def show(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """The member's reminder and when it fires next, privately."""
        reminder = await self.store.reminders.get(interaction.user.id)
        if reminder is None:
            raise NotFoundError("You have no reminder. `/reminders set time:19:30` sets one.")
        first = await self.store.schedule.next_firing(JobKind.REMINDER, reminder.user_id)
        streak = await self.store.schedule.next_firing(JobKind.STREAK, reminder.user_id)
        await interaction.response.send_message(
            rhythm_ui.reminder_summary(reminder, first, streak), ephemeral=True, view=self._stop_view(reminder)
        )

    @staticmethod
    def _stop_view(reminder: Reminder) -> PersistentView:
        """The stop button, as every reminder carries it."""
        return PersistentView(StopRemindersButton(reminder.user_id))

    @example("/reminders stop")
    @group.command(name="stop", description="Stop your reminders and streak nudges")
    async def stop(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Turn them off."""
        stopped = await self.store.reminders.stop(interaction.user.id)
        if not stopped:
            raise NotFoundError("You have no reminder to stop.")
        await interaction.response.send_message("🔕 Reminders are off.", ephemeral=True)

    @example("/reminders channel channel:#study")
    @group.command(
        name="channel",
        description="Where reminders go for members whose DMs are closed",
        extras={MODERATOR: True},
    )
    @app_commands.describe(channel="The channel (leave out to see the current one)", clear="Stop using a channel")
    async def channel(
        self,
        interaction: discord.Interaction[PillarsBot],
        channel: discord.TextChannel | None = None,
        clear: bool = False,
    ) -> None:
        """Set, clear or show the server's reminder channel."""
        guild_id = await ensure_moderator(interaction)
        if channel is not None and clear:
            raise InvalidInputError("Give a channel or clear it, not both.")
        if channel is not None or clear:
            await self.store.update_guild_settings(
                guild_id,
                interaction.user.id,
                reminder_channel_id=None if clear else channel.id,  # type: ignore[union-attr]
            )
        settings = await self.store.guild_settings(guild_id)
        where = f"<#{settings.reminder_channel_id}>" if settings.reminder_channel_id else "none"
        text = f"Reminder channel for members whose DMs are closed: {where}. Messages there name members, never ping."
        await interaction.response.send_message(text, ephemeral=True)

    # --- what the scheduler sends ----------------------------------------------------------------

    async def deliver_reminder(self, job: Job) -> Outcome:
        """A reminder: stale ones (their day is over) are skipped; one nudge a day; late ones say so."""
        reminder = await self.store.reminders.get(job.subject_id)
        if reminder is None:
            return Skipped("reminder stopped")
        now = self.bot.clock.now()
        today = local_day(now, reminder.time_zone)
        if local_day(job.due_at, reminder.time_zone) != today:
            return Skipped("its day ended while I was offline")
        if not await self.store.reminders.take_nudge_day(reminder.user_id, today, job.id):
            return Skipped("already nudged today")
        streak, _ = await self.store.reminders.local_streak(reminder.user_id, reminder.time_zone, now)
        shelf = [e for e in await self.store.shelf(reminder.user_id) if e.status is ReadingStatus.READING]
        titles = await titles_for_member(self.bot, reminder.guild_id, [e.resource_id for e in shelf])
        resources = await self.store.catalog_for(reminder.guild_id)
        standings = await self.store.goals.standings(reminder.user_id, reminder.time_zone, now, resources)
        facts = rhythm_ui.ReminderFacts(
            streak=streak,
            reading=tuple((titles[e.resource_id], e) for e in shelf),
            goals=tuple(current for current, _ in standings),
        )
        late = job.missed > 0 or now - job.due_at > LATE
        text = rhythm_ui.reminder_text(
            facts, late_from=job.due_at if late else None, missed=job.missed, zone=reminder.time_zone
        )
        return await self.bot.delivery.to_member(
            reminder.user_id, reminder.guild_id, text, nonce=job.nonce, view=self._stop_view(reminder)
        )

    async def deliver_streak(self, job: Job) -> Outcome:
        """The streak-at-risk nudge: only when there is a streak, nothing logged today, and no nudge yet today."""
        reminder = await self.store.reminders.get(job.subject_id)
        if reminder is None or not reminder.streak_nudge:
            return Skipped("streak nudges stopped")
        now = self.bot.clock.now()
        today = local_day(now, reminder.time_zone)
        if local_day(job.due_at, reminder.time_zone) != today:
            return Skipped("its day ended while I was offline")
        streak, read_today = await self.store.reminders.local_streak(reminder.user_id, reminder.time_zone, now)
        if read_today:
            return Skipped("already read today")
        if streak == 0:
            return Skipped("no streak to keep")
        if not await self.store.reminders.take_nudge_day(reminder.user_id, today, job.id):
            return Skipped("already nudged today")
        view = PersistentView(StopStreakButton(reminder.user_id))
        return await self.bot.delivery.to_member(
            reminder.user_id, reminder.guild_id, rhythm_ui.streak_text(streak), nonce=job.nonce, view=view
        )


def local_day(moment: datetime, zone: str) -> date:
    """The member's local date at `moment`."""
    return moment.astimezone(ZoneInfo(zone)).date()


async def titles_for_member(bot: PillarsBot, guild_id: int | None, resource_ids: list[str]) -> dict[str, str]:
    """Titles for a member's resources, as their server's catalog names them (outside any interaction)."""
    catalog = await bot.store.catalog_for(guild_id)
    titles = {}
    for resource_id in resource_ids:
        resource = catalog.get(resource_id) or bot.store.curated.get(resource_id)
        titles[resource_id] = resource.title if resource is not None else resource_id
    return titles


async def setup(bot: PillarsBot) -> None:
    """Load the cog, register the stop buttons, and deliver reminder and streak jobs."""
    cog = Reminders(bot)
    bot.add_dynamic_items(StopRemindersButton, StopStreakButton)
    bot.scheduler.handle(JobKind.REMINDER, cog.deliver_reminder)
    bot.scheduler.handle(JobKind.STREAK, cog.deliver_streak)
    await bot.add_cog(cog)
