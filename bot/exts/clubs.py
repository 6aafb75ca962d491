"""/club start · join · leave · show · end · settings, and the club's scheduled posts: weekly targets, summary, nudges.

A club reads one resource at a pace of sections a week (`bot.rhythm.clubs`). Starting one posts a public
message in the channel and opens a thread from it, where each week's target is posted (by the scheduler,
so a restart or downtime never loses or doubles a week). Joining puts the book on the member's shelf;
each member chooses whether they appear on the board (`/club show`), which never shows anyone who chose
not to, and whether they want one gentle word a week when they fall behind. The last post is a summary.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.catalog.schema import Resource
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.interactions.buttons import MEMBER_ID, Look, OwnerOnlyButton
from bot.interactions.checks import ensure_moderator, is_moderator_here, server_id, write_command
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import MODERATOR, example
from bot.interactions.options import ResourceArg
from bot.interactions.refusals import MemberFacingCheckFailure
from bot.interactions.time_options import DateArg
from bot.interactions.views import PersistentView
from bot.reading import ReadingStatus
from bot.rhythm.clubs import MAX_PACE, ClubWeek, Pace, plan_weeks, standing, week_on
from bot.rhythm.jobs import Failed, Job, JobKind, Outcome, Skipped
from bot.store.models import Club, ClubMember, ClubState
from bot.ui import limits
from bot.ui import rhythm as rhythm_ui

if TYPE_CHECKING:
    from bot.app import PillarsBot

log = logging.getLogger(__name__)

MAX_DAYS_AHEAD = 90
LATE = timedelta(hours=1)
THREAD_ARCHIVE_MINUTES: Literal[10080] = (
    10080  # a week: the longest Discord offers, so a quiet week keeps the thread in view
)


class StopClubNudgesButton(
    OwnerOnlyButton, template=rf"pillars:club-nudges-stop:(?P<owner_id>{MEMBER_ID}):(?P<membership_id>\d{{1,12}})"
):
    """Turn off one member's weekly nudges for one club."""

    def __init__(self, owner_id: int, membership_id: int) -> None:
        super().__init__(Look("Stop club nudges", emoji="🔕"), "club-nudges-stop", owner_id, membership_id)
        self.owner_id = owner_id
        self.membership_id = membership_id

    def not_yours(self) -> str:
        """What anyone else who presses it is told."""
        return "These nudges belong to someone else."

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Stop them; the membership stays."""
        await interaction.client.store.clubs.stop_nudges(self.membership_id)
        text = "🔕 No more club nudges; you're still in the club. `/club join nudges:True` brings them back."
        await interaction.response.edit_message(content=text, view=None)


class NotClubStarter(MemberFacingCheckFailure):
    """Only moderators (or, where the server allows it, members) may start a club."""

    def __init__(self) -> None:
        super().__init__(
            "Only moderators can start a reading club here. A moderator can let members start them with "
            "`/club settings members_can_start:True`."
        )


async def club_resource(bot: PillarsBot, club: Club) -> Resource | None:
    """The club's resource as its server sees it, even when retired there since."""
    catalog = await bot.store.catalog_for(club.guild_id)
    found = catalog.get(club.resource_id)
    if found is None:
        found = next((r for r in await bot.store.retired(club.guild_id) if r.id == club.resource_id), None)
    return found or bot.store.curated.get(club.resource_id)


def club_weeks(club: Club, resource: Resource) -> list[ClubWeek]:
    """The club's weeks, from its resource's contents as they are now (the count stays the club's)."""
    return plan_weeks(resource, club.pace, club.starts_on)[: club.weeks]


def today_in(club: Club, bot: PillarsBot) -> date:
    """The date it is in the club's time zone."""
    return bot.clock.now().astimezone(ZoneInfo(club.time_zone)).date()


class ClubOption(app_commands.Transformer):
    """An open club of this server: autocomplete by title; a title typed in full works too."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Club:
        """The club; NotFoundError naming the open clubs otherwise."""
        clubs = await interaction.client.store.clubs.in_guild(server_id(interaction))
        typed = str(value).strip()
        for club in clubs:
            if typed == str(club.id) or typed.lower() in (club.title.lower(), club.resource_id):
                return club
        names = ", ".join(f"**{c.title}**" for c in clubs[:5]) or "none yet (`/club start` opens one)"
        raise NotFoundError(f"No open club called '{limits.cut(typed, 80)}' here. Open clubs: {names}.")

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> list[app_commands.Choice[str]]:
        """Open clubs whose title holds what was typed."""
        if interaction.guild_id is None:
            return []
        typed = str(value).strip().lower()
        clubs = await interaction.client.store.clubs.in_guild(interaction.guild_id)
        return limits.choices((c.title, str(c.id)) for c in clubs if typed in c.title.lower())


ClubArg = app_commands.Transform[Club, ClubOption]


class Clubs(PillarsCog):
    """Reading clubs."""

    group = app_commands.Group(name="club", description="Read a book together: a chapter a week, a thread to talk")

    @example("/club start resource:Linear Algebra Done Right pace:1 start:monday")
    @group.command(name="start", description="Start a reading club on a resource: weekly targets in a thread")
    @app_commands.describe(
        resource="What the club reads (it needs a table of contents)",
        pace=f"Sections (chapters, lectures…) a week, 1 to {MAX_PACE}",
        start="The first day (today by default)",
    )
    @write_command()
    async def start(
        self,
        interaction: discord.Interaction[PillarsBot],
        resource: ResourceArg,
        pace: int = 1,
        start: DateArg | None = None,
    ) -> None:
        """Check everything, then post the club's message, open its thread and schedule its weeks."""
        guild_id = server_id(interaction)
        settings = await self.store.guild_settings(guild_id)
        if not settings.members_start_clubs and not await is_moderator_here(interaction):
            raise NotClubStarter()
        if not isinstance(interaction.channel, discord.TextChannel):
            raise InvalidInputError("Start a club in a text channel of the server: its thread opens there.")
        zone = await self.store.reminders.days_zone(interaction.user.id)
        today = self.bot.clock.now().astimezone(ZoneInfo(zone)).date()
        first_day = start or today
        if first_day < today:
            raise InvalidInputError("A club cannot start in the past; pick today or a later day.")
        if first_day > today + timedelta(days=MAX_DAYS_AHEAD):
            raise InvalidInputError(f"Start within {MAX_DAYS_AHEAD} days, so people remember they joined.")
        weeks = plan_weeks(resource, pace, first_day)
        if any(c.resource_id == resource.id for c in await self.store.clubs.in_guild(guild_id)):
            raise ConflictError(f"This server already has a club reading **{resource.title}**: `/club join` it.")
        opening = Club(
            id=0, guild_id=guild_id, resource_id=resource.id, title=resource.title, channel_id=interaction.channel.id,
            thread_id=None, starts_on=first_day, pace=pace, weeks=len(weeks), time_zone=zone,
            started_by=interaction.user.id, state=ClubState.OPEN, created_at=self.bot.clock.now(), ended_at=None,
        )  # fmt: skip
        text = rhythm_ui.club_opening_text(opening, resource, weeks[0], interaction.user.display_name)
        await interaction.response.send_message(limits.content(text), allowed_mentions=discord.AllowedMentions.none())
        message = await interaction.original_response()
        try:
            thread = await message.create_thread(
                name=limits.cut(f"Club: {resource.title}", 100), auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.HTTPException:
            log.warning("Could not open a club thread in channel %s", interaction.channel.id, exc_info=True)
            await interaction.edit_original_response(content="I could not open a thread here, so no club started.")
            return
        await self.store.clubs.start(
            guild_id=guild_id, resource=resource, channel_id=interaction.channel.id, thread_id=thread.id,
            starts_on=first_day, pace=pace, weeks=len(weeks), time_zone=zone, started_by=interaction.user.id,
            now=self.bot.clock.now(),
        )  # fmt: skip
        self.bot.scheduler.poke()

    @example("/club join club:Linear Algebra Done Right nudges:True")
    @group.command(name="join", description="Join a reading club: the book goes on your shelf")
    @app_commands.describe(
        club="Which club",
        show_on_board="Appear on the club's board with your progress (yes by default)",
        nudges="One gentle word a week if you fall behind",
    )
    @write_command()
    async def join(
        self,
        interaction: discord.Interaction[PillarsBot],
        club: ClubArg,
        show_on_board: bool = True,
        nudges: bool = False,
    ) -> None:
        """Join (or change how you take part), shelve the book, and add the member to the thread."""
        user_id = interaction.user.id
        zone = await self.store.reminders.time_zone(user_id)
        member, new = await self.store.clubs.join(
            club, user_id, on_board=show_on_board, nudges=nudges, zone=zone, now=self.bot.clock.now()
        )
        statuses = await self.store.statuses(user_id)
        if club.resource_id not in statuses:
            await self.store.log_progress(user_id, club.guild_id, club.resource_id, status=ReadingStatus.WANT_TO_READ)
        if new and club.thread_id is not None:
            try:
                await self.bot.http.add_user_to_thread(club.thread_id, user_id)
            except discord.HTTPException:
                log.info("Could not add member %s to club thread %s", user_id, club.thread_id)
        board = "you appear on the board" if member.on_board else "you stay off the board"
        nudge = "a word a week if you fall behind" if member.nudges else "no nudges"
        head = f"📖 You joined the **{club.title}** club" if new else f"📖 Updated: the **{club.title}** club"
        where = f" Talk in <#{club.thread_id}>." if club.thread_id else ""
        await interaction.response.send_message(f"{head}: {board}, {nudge}.{where}", ephemeral=True)

    @example("/club leave club:Linear Algebra Done Right")
    @group.command(name="leave", description="Leave a reading club (the book stays on your shelf)")
    async def leave(self, interaction: discord.Interaction[PillarsBot], club: ClubArg) -> None:
        """Leave the club."""
        if not await self.store.clubs.leave(club.id, interaction.user.id):
            raise NotFoundError(f"You're not in the **{club.title}** club.")
        await interaction.response.send_message(
            f"You left the **{club.title}** club; the book stays on your shelf.", ephemeral=True
        )

    @example("/club show club:Linear Algebra Done Right")
    @group.command(name="show", description="A club's board: this week's target and its readers' progress")
    async def show(self, interaction: discord.Interaction[PillarsBot], club: ClubArg) -> None:
        """The board, privately: only members who chose to appear."""
        embed = await self._board(club)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @example("/club end club:Linear Algebra Done Right")
    @group.command(name="end", description="End a club now: its summary goes to the thread")
    async def end(self, interaction: discord.Interaction[PillarsBot], club: ClubArg) -> None:
        """Moderators and whoever started the club may end it."""
        if interaction.user.id != club.started_by and not await is_moderator_here(interaction):
            raise MemberFacingCheckFailure("Only whoever started the club, or a moderator, can end it.")
        await self._finish(club, nonce=None)
        await interaction.response.send_message(f"🏁 The **{club.title}** club has ended.", ephemeral=True)

    @example("/club settings members_can_start:True")
    @group.command(
        name="settings", description="Whether members, not only moderators, may start clubs", extras={MODERATOR: True}
    )
    @app_commands.describe(members_can_start="Let any member start a club (only moderators otherwise)")
    async def settings(
        self, interaction: discord.Interaction[PillarsBot], members_can_start: bool | None = None
    ) -> None:
        """Change or show who may start clubs."""
        guild_id = await ensure_moderator(interaction)
        if members_can_start is not None:
            await self.store.update_guild_settings(guild_id, interaction.user.id, members_start_clubs=members_can_start)
        settings = await self.store.guild_settings(guild_id)
        who = "any member" if settings.members_start_clubs else "moderators only"
        await interaction.response.send_message(f"Who may start reading clubs here: {who}.", ephemeral=True)

    # --- the board and the summary ---------------------------------------------------------------

    async def _readers(self, club: Club) -> list[tuple[ClubMember, int | None, bool]]:
        """Each member with their position in the book and whether they finished it."""
        found = []
        for member in await self.store.clubs.members(club.id):
            entry = next((e for e in await self.store.shelf(member.user_id) if e.resource_id == club.resource_id), None)
            finished = entry is not None and entry.status is ReadingStatus.FINISHED
            found.append((member, entry.position if entry else None, finished))
        return found

    def _name(self, club: Club, user_id: int) -> str | None:
        """The member's display name in the club's server, or None when they left it."""
        guild = self.bot.get_guild(club.guild_id)
        member = guild.get_member(user_id) if guild is not None else None
        return member.display_name if member is not None else None

    async def _board(self, club: Club) -> discord.Embed:
        """The club's board: visible members only; the others counted, never named."""
        resource = await club_resource(self.bot, club)
        if resource is None:
            raise NotFoundError("This club's resource is no longer in the catalog.")
        weeks = club_weeks(club, resource)
        week = week_on(weeks, today_in(club, self.bot))
        lines, hidden = [], 0
        for member, position, finished in await self._readers(club):
            name = self._name(club, member.user_id)
            if not member.on_board or name is None:
                hidden += 1
                continue
            place = rhythm_ui.position_text(position, resource.length.unit, resource.length.amount)
            pace = standing(position, finished, weeks, week or weeks[0])
            lines.append(rhythm_ui.BoardLine(name, place, pace))
        return rhythm_ui.board_embed(club, resource, week, lines, hidden)

    async def _finish(self, club: Club, *, nonce: str | None) -> Outcome:
        """Post the summary in the thread and end the club (once: a second end changes nothing)."""
        readers = await self._readers(club)
        named = [self._name(club, m.user_id) for m, _, done in readers if done and m.on_board]
        text = rhythm_ui.club_summary_text(
            club, [n for n in named if n], sum(done for *_, done in readers), len(readers)
        )
        outcome: Outcome = Skipped("no thread")
        if club.thread_id is not None and club.state is ClubState.OPEN:
            outcome = await self.bot.delivery.to_channel(
                club.thread_id, text, nonce=nonce or f"pillars-end-{club.id}", thread=True
            )
        await self.store.clubs.end(club.id, self.bot.clock.now())
        return outcome

    # --- what the scheduler sends ----------------------------------------------------------------

    async def deliver_week(self, job: Job) -> Outcome:
        """The week's target in the thread; after the last week, the summary (and the club ends)."""
        try:
            club = await self.store.clubs.get(job.subject_id)
        except NotFoundError:
            return Skipped("club gone")
        if club.state is not ClubState.OPEN:
            return Skipped("club ended")
        resource = await club_resource(self.bot, club)
        if resource is None or club.thread_id is None:
            return Failed("the club's resource or thread is gone")
        weeks = club_weeks(club, resource)
        day = job.due_at.astimezone(ZoneInfo(club.time_zone)).date()
        week = week_on(weeks, day)
        if week is None:
            return await self._finish(club, nonce=job.nonce)
        # A week that began before the club existed (started today, after the posting hour) is not late.
        late = job.missed > 0 or (job.due_at >= club.created_at and self.bot.clock.now() - job.due_at > LATE)
        text = rhythm_ui.club_week_text(club, week, resource, late=late)
        return await self.bot.delivery.to_channel(club.thread_id, text, nonce=job.nonce, thread=True)

    async def deliver_nudge(self, job: Job) -> Outcome:
        """A word to a member who fell behind, once a week, if they asked for it and are behind."""
        found = await self.store.clubs.membership(job.subject_id)
        if found is None:
            return Skipped("membership gone")
        club, member = found
        if club.state is not ClubState.OPEN or not member.nudges:
            return Skipped("club ended or nudges off")
        resource = await club_resource(self.bot, club)
        if resource is None:
            return Skipped("resource gone")
        weeks = club_weeks(club, resource)
        week = week_on(weeks, today_in(club, self.bot))
        if week is None:
            return Skipped("outside the club's weeks")
        entry = next((e for e in await self.store.shelf(member.user_id) if e.resource_id == club.resource_id), None)
        finished = entry is not None and entry.status is ReadingStatus.FINISHED
        position = entry.position if entry else None
        if standing(position, finished, weeks, week).pace is not Pace.BEHIND:
            return Skipped("not behind")
        zone = await self.store.reminders.time_zone(member.user_id) or club.time_zone
        today = self.bot.clock.now().astimezone(ZoneInfo(zone)).date()
        if not await self.store.reminders.take_nudge_day(member.user_id, today, job.id):
            return Skipped("already nudged today")
        place = rhythm_ui.position_text(position, resource.length.unit, resource.length.amount)
        text = rhythm_ui.club_nudge_text(club, week, resource, place)
        view = PersistentView(StopClubNudgesButton(member.user_id, member.id))
        return await self.bot.delivery.to_member(member.user_id, club.guild_id, text, nonce=job.nonce, view=view)


async def setup(bot: PillarsBot) -> None:
    """Load the cog, register the nudge button, and deliver club jobs."""
    cog = Clubs(bot)
    bot.add_dynamic_items(StopClubNudgesButton)
    bot.scheduler.handle(JobKind.CLUB_WEEK, cog.deliver_week)
    bot.scheduler.handle(JobKind.CLUB_NUDGE, cog.deliver_nudge)
    await bot.add_cog(cog)
