"""/progress log · show · history · stats, and /leaderboard: tracking what members read.

Personal answers are private (ephemeral). Another member's shelf may be looked at, but their notes
never: notes are for the member who wrote them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import InvalidInputError
from bot.interactions.checks import server_only, write_command
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import example
from bot.interactions.options import STATUS_CHOICES, ResourceArg, catalog_of, titles_for
from bot.reading import ReadingStatus
from bot.store.store import MAX_NOTE
from bot.ui import contents, embeds, limits

if TYPE_CHECKING:
    from bot.app import PillarsBot

log = logging.getLogger(__name__)

HISTORY_LIMIT = 15
LEADERBOARD_LIMIT = 10


async def announce_finished(interaction: discord.Interaction[PillarsBot], title: str) -> None:
    """Post in the server's announce channel (`/catalog settings`) that the member finished a resource; no ping.

    The member already has their answer: a channel that is gone or closed to the bot is logged, not their problem.
    """
    if interaction.guild is None:
        return
    settings = await interaction.client.store.guild_settings(interaction.guild.id)
    if settings.announce_channel_id is None:
        return
    channel = interaction.guild.get_channel(settings.announce_channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        log.warning("Announce channel %s of guild %s is gone", settings.announce_channel_id, interaction.guild.id)
        return
    text = f"🎉 {interaction.user.display_name} finished **{title}**."
    try:
        await channel.send(limits.content(text), allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException:
        log.warning("Could not announce in channel %s of guild %s", channel.id, interaction.guild.id, exc_info=True)


class Progress(PillarsCog):
    """Reading progress."""

    group = app_commands.Group(name="progress", description="Track what you read")

    @example("/progress log resource:Linear Algebra Done Right status:reading position:42")
    @group.command(name="log", description="Record where you are in a resource: a status, a position, a note")
    @app_commands.describe(
        resource="Start typing a title or an author",
        status="Want to read, reading, finished or dropped",
        position="How far you are, in the resource's own unit (page, lecture…)",
        note="A private note for yourself (at most 500 characters)",
    )
    @app_commands.choices(status=STATUS_CHOICES)
    @write_command()
    async def log(
        self,
        interaction: discord.Interaction[PillarsBot],
        resource: ResourceArg,
        status: str | None = None,
        position: app_commands.Range[int, 0, 100_000] | None = None,
        note: app_commands.Range[str, 1, MAX_NOTE] | None = None,
    ) -> None:
        """Log the update and show the entry as it now stands."""
        if status is None and position is None and note is None:
            raise InvalidInputError("Tell me a status, a position or a note to record.")
        entry = await interaction.client.store.log_progress(
            interaction.user.id,
            interaction.guild_id,
            resource.id,
            status=ReadingStatus(status) if status else None,
            position=position,
            note=note,
        )
        text = f"Logged. {embeds.entry_line(entry, resource.title)}"
        where = contents.whereabouts(resource, entry.position) if entry.status is ReadingStatus.READING else None
        if where:
            text += f"\n↳ You are {where}."
        if entry.reread_started_by_last_update:
            text += (
                f"\n🔁 You finished it before, so this starts re-read {entry.read_count}. "
                "Your finish stays finished: it still counts in `/progress stats` and `/leaderboard`."
            )
        if entry.status is ReadingStatus.FINISHED:
            text += "\nWell done! `/recommend` has what could come next."
        await interaction.response.send_message(limits.content(text), ephemeral=True)
        if entry.finished_by_last_update:
            await announce_finished(interaction, resource.title)

    @example("/progress show member:@alice")
    @group.command(name="show", description="Your shelves with progress bars, or another member's shelves")
    @app_commands.describe(member="Whose shelves to show (yours by default); notes stay private")
    async def show(self, interaction: discord.Interaction[PillarsBot], member: discord.Member | None = None) -> None:
        """Show the shelves privately; notes only on the member's own."""
        owner = member or interaction.user
        entries = await interaction.client.store.shelf(owner.id)
        titles = await titles_for(interaction, [entry.resource_id for entry in entries])
        own = owner.id == interaction.user.id
        title = "Your shelf" if own else f"{owner.display_name}'s shelf"
        catalog = await catalog_of(interaction)
        whereabouts = {}
        for entry in (e for e in entries if e.status is ReadingStatus.READING):
            resource = catalog.get(entry.resource_id) or interaction.client.store.curated.get(entry.resource_id)
            where = contents.whereabouts(resource, entry.position) if resource is not None else None
            if where:
                whereabouts[entry.resource_id] = where
        someone_else = None if own else owner.display_name
        embed = embeds.shelf_embed(
            title, entries, titles, show_notes=own, whereabouts=whereabouts, someone_else=someone_else
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @example("/progress history")
    @group.command(name="history", description="Your latest reading updates, newest first")
    async def history(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Show the member's recent updates privately."""
        events = await interaction.client.store.history(interaction.user.id, limit=HISTORY_LIMIT)
        titles = await titles_for(interaction, list(dict.fromkeys(event.resource_id for event in events)))
        await interaction.response.send_message(embed=embeds.history_embed(events, titles), ephemeral=True)

    @example("/progress stats")
    @group.command(name="stats", description="Your totals and reading streak")
    async def stats(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Show the member's totals privately."""
        stats = await interaction.client.store.stats(interaction.user.id)
        await interaction.response.send_message(embed=embeds.stats_embed(stats), ephemeral=True)

    @example("/leaderboard")
    @app_commands.command(name="leaderboard", description="This server's readers, by resources finished")
    @server_only()
    async def leaderboard(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Post the server's top readers, by name, pinging nobody."""
        guild = interaction.guild
        if guild is None:  # an app installed for a user, in a server the bot is not in
            raise InvalidInputError("I can only rank a server I'm a member of.")
        members = {member.id: member for member in guild.members if not member.bot}
        rows = await interaction.client.store.leaderboard(members.keys(), limit=LEADERBOARD_LIMIT)
        named = [(members[row.user_id].display_name, row) for row in rows if row.user_id in members]
        await interaction.response.send_message(
            embed=embeds.leaderboard_embed(guild.name, named), allowed_mentions=discord.AllowedMentions.none()
        )


async def setup(bot: PillarsBot) -> None:
    """Load the cog."""
    await bot.add_cog(Progress(bot))
