"""/progress log · show · history · stats · rate · privacy, and /leaderboard: tracking what members read.

Personal answers are private (ephemeral). Another member's shelf may be looked at, but their notes
never: notes are for the member who wrote them. Finishing a resource offers a rating and a review, dropping
one the reason (`bot.ui.ratings`); both go into what the community's reading shows others, which a member
may stay out of (`/progress privacy`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.community import LISTED_REASONS, MAX_RATING, MAX_REASON_DETAIL, MIN_RATING
from bot.errors import InvalidInputError
from bot.interactions.answers import acknowledge, answer
from bot.interactions.checks import server_only, write_command
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import example
from bot.interactions.modals import answer_modal_submit
from bot.interactions.options import STATUS_CHOICES, ResourceArg, catalog_of, titles_for
from bot.reading import Period, ReadingStatus
from bot.store.community import MAX_REVIEW
from bot.store.connection import utc_now
from bot.store.store import MAX_NOTE
from bot.ui import contents, embeds, limits, ratings
from bot.ui.text import literal

if TYPE_CHECKING:
    from bot.app import PillarsBot

log = logging.getLogger(__name__)

HISTORY_LIMIT = 15
LEADERBOARD_LIMIT = 10
PERIOD_CHOICES = [app_commands.Choice(name=period.label, value=period.value) for period in Period]
PRIVACY_CHOICES = [
    app_commands.Choice(name="count me in", value="in"),
    app_commands.Choice(name="leave me out", value="out"),
]
COUNTED_IN = (
    "Your reading counts, anonymously, in what members' reading shows others: outcomes per resource (never "
    "shown unless at least 3 members stand behind a figure), ratings, your reviews (named only if you chose), "
    "the recommendations' community hints, the leaderboard and the server's announcements of what you finish. "
    "`/progress privacy figures:leave me out` stops that."
)
LEFT_OUT = (
    "You are left out: your reading, ratings and reviews count in nothing others see (outcomes, reviews, "
    "community hints, the leaderboard, announcements of what you finished). Your own shelves, history and stats "
    "are unchanged, and so is what the others' reading tells you. `/progress privacy figures:count me in` undoes it."
)


async def reason_autocomplete(
    interaction: discord.Interaction[PillarsBot], value: str
) -> list[app_commands.Choice[str]]:
    """The listed reasons for dropping a resource; anything else may be typed."""
    typed = value.strip().casefold()
    listed = [(reason.label, reason.label) for reason in LISTED_REASONS if typed in reason.label]
    return limits.choices(listed)


async def announce_finished(interaction: discord.Interaction[PillarsBot], title: str) -> None:
    """Post in the server's announce channel (`/catalog settings`) that the member finished a resource; no ping.

    The member already has their answer: a channel that is gone or closed to the bot is logged, not their problem.
    A member who chose to be left out of what others see of members' reading (`/progress privacy`) is not announced.
    """
    if interaction.guild is None or not await interaction.client.store.in_community(interaction.user.id):
        return
    settings = await interaction.client.store.guild_settings(interaction.guild.id)
    if settings.announce_channel_id is None:
        return
    channel = interaction.guild.get_channel(settings.announce_channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        log.warning("Announce channel %s of guild %s is gone", settings.announce_channel_id, interaction.guild.id)
        return
    text = f"🎉 {literal(interaction.user.display_name)} finished **{literal(title)}**."
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
        reason="When you drop it: too hard, too slow, not what you needed, or your own words",
    )
    @app_commands.choices(status=STATUS_CHOICES)
    @app_commands.autocomplete(reason=reason_autocomplete)
    @write_command()
    async def log(
        self,
        interaction: discord.Interaction[PillarsBot],
        resource: ResourceArg,
        status: str | None = None,
        position: app_commands.Range[int, 0, 100_000] | None = None,
        note: app_commands.Range[str, 1, MAX_NOTE] | None = None,
        reason: app_commands.Range[str, 1, MAX_REASON_DETAIL] | None = None,
    ) -> None:
        """Log the update and show the entry as it now stands; offer a rating on a finish, reasons on a drop."""
        if status is None and position is None and note is None:
            raise InvalidInputError("Tell me a status, a position or a note to record.")
        await acknowledge(interaction)  # the write may wait longer than Discord does
        entry = await interaction.client.store.log_progress(
            interaction.user.id,
            interaction.guild_id,
            resource.id,
            status=ReadingStatus(status) if status else None,
            position=position,
            note=note,
            reason=reason,
            now=interaction.client.clock.now(),
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
        view = None
        if entry.status is ReadingStatus.FINISHED:
            text += "\nWell done! `/recommend` has what could come next."
            if entry.finished_by_last_update:
                text += " How was it? Rate it for the others:"
                view = ratings.rating_view(resource.id)
        elif entry.status is ReadingStatus.DROPPED and reason is None:
            text += "\nWhat made you stop? It helps the others choose (optional):"
            view = ratings.reasons_view(resource.id)
        await answer(interaction, text, view=view)
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
        title = "Your shelf" if own else f"{literal(owner.display_name)}'s shelf"
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
        stats = await interaction.client.store.stats(interaction.user.id, now=interaction.client.clock.now())
        pace = await interaction.client.store.pace(interaction.user.id)
        await interaction.response.send_message(embed=embeds.stats_embed(stats, pace), ephemeral=True)

    @example("/progress rate resource:Linear Algebra Done Right rating:5 review:Rigorous and kind")
    @group.command(name="rate", description="Rate a resource you finished (1–5), with an optional short review")
    @app_commands.describe(
        resource="A resource you finished",
        rating="Stars, from 1 to 5",
        review="A short review others see in /resource info (at most 500 characters)",
        named="Show your name with the review (it shows without by default)",
    )
    @write_command()
    async def rate(
        self,
        interaction: discord.Interaction[PillarsBot],
        resource: ResourceArg,
        rating: app_commands.Range[int, MIN_RATING, MAX_RATING],
        review: app_commands.Range[str, 1, MAX_REVIEW] | None = None,
        named: bool | None = None,
    ) -> None:
        """Save the rating (and review), keeping a review given before unless a new one is."""
        await acknowledge(interaction)  # the write may wait longer than Discord does
        saved = await interaction.client.store.rate(
            interaction.user.id, interaction.guild_id, resource.id, rating, review=review, named=named
        )
        await answer(interaction, ratings.rated_text(resource.title, saved), view=ratings.rating_view(resource.id))

    @example("/progress privacy figures:leave me out")
    @group.command(name="privacy", description="Whether your reading counts in what others see of members' reading")
    @app_commands.describe(
        figures="Count your reading in, anonymously (the default), or leave it out; empty shows which"
    )
    @app_commands.choices(figures=PRIVACY_CHOICES)
    async def privacy(self, interaction: discord.Interaction[PillarsBot], figures: str | None = None) -> None:
        """Show the member's choice, or change it."""
        store = interaction.client.store
        if figures is not None:
            await acknowledge(interaction)  # the write may wait longer than Discord does
            await store.set_privacy(interaction.user.id, in_community=figures == "in")
        counted = await store.in_community(interaction.user.id)
        await answer(interaction, COUNTED_IN if counted else LEFT_OUT)

    @example("/leaderboard period:this week")
    @app_commands.command(name="leaderboard", description="This server's readers, by resources finished")
    @app_commands.describe(period="This week, this month or all time (the default)")
    @app_commands.choices(period=PERIOD_CHOICES)
    @server_only()
    async def leaderboard(self, interaction: discord.Interaction[PillarsBot], period: str | None = None) -> None:
        """Post the server's top readers over the period, by name, pinging nobody."""
        guild = interaction.guild
        if guild is None:  # an app installed for a user, in a server the bot is not in
            raise InvalidInputError("I can only rank a server I'm a member of.")
        chosen = Period(period) if period else Period.ALL_TIME
        members = {member.id: member for member in guild.members if not member.bot}
        rows = await interaction.client.store.leaderboard(
            members.keys(), limit=LEADERBOARD_LIMIT, since=chosen.start(utc_now())
        )
        named = [(members[row.user_id].display_name, row) for row in rows if row.user_id in members]
        await interaction.response.send_message(
            embed=embeds.leaderboard_embed(guild.name, named, chosen.label),
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Answer the review and reason forms, even those opened before a restart (`bot.interactions.modals`)."""
        await answer_modal_submit(interaction, ratings.MODALS)


async def setup(bot: PillarsBot) -> None:
    """Load the cog and register the rating and reason buttons."""
    bot.add_dynamic_items(*ratings.BUTTONS)
    await bot.add_cog(Progress(bot))
