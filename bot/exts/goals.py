"""/goal set · show · clear: a weekly, monthly or yearly amount of pages, chapters, lectures or resources.

Goals are optional and never punishing: `/goal show` says how far along this period is and how the last
few went, plainly. Weeks start on Monday in the member's time zone (`/goal set timezone:` or the one
their reminders use; UTC until they give one). Every answer is private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.errors import NotFoundError
from bot.interactions.answers import answer
from bot.interactions.checks import write_command
from bot.interactions.cogs import PillarsCog
from bot.interactions.help_text import example
from bot.interactions.time_options import TimeZoneArg
from bot.rhythm.goals import GoalPeriod, GoalUnit
from bot.ui import rhythm as rhythm_ui

if TYPE_CHECKING:
    from bot.app import PillarsBot

HISTORY = 3  # past periods shown by /goal show
UNIT_CHOICES = [app_commands.Choice(name=unit.value, value=unit.value) for unit in GoalUnit]
PERIOD_CHOICES = [app_commands.Choice(name=f"a {period.value}", value=period.value) for period in GoalPeriod]


class Goals(PillarsCog):
    """Reading goals."""

    group = app_commands.Group(name="goal", description="A reading goal: pages, chapters, lectures or resources")

    @example("/goal set amount:50 unit:pages per:a week")
    @group.command(name="set", description="Set a goal: an amount of pages, chapters, lectures or resources")
    @app_commands.describe(
        amount="How much, for example 50",
        unit="What you count",
        per="Each week (from Monday), month or year",
        timezone="Your time zone, so weeks start at your midnight (e.g. Europe/Paris)",
    )
    @app_commands.choices(unit=UNIT_CHOICES, per=PERIOD_CHOICES)
    @write_command()
    async def set_goal(
        self,
        interaction: discord.Interaction[PillarsBot],
        amount: int,
        unit: str,
        per: str = GoalPeriod.WEEK.value,
        timezone: TimeZoneArg | None = None,
    ) -> None:
        """Save the goal (refusing 0 or less) and show where it stands already."""
        now = self.bot.clock.now()
        goal = await self.store.goals.set(interaction.user.id, GoalUnit(unit), amount, GoalPeriod(per), now)
        if timezone is not None:
            await self.store.reminders.set_time_zone(interaction.user.id, timezone, now)
        zone = await self.store.reminders.days_zone(interaction.user.id)
        resources = await self.store.catalog_for(interaction.guild_id)
        standings = await self.store.goals.standings(interaction.user.id, zone, now, resources)
        current = next(s for s, _ in standings if s.goal.unit is goal.unit)
        text = f"🎯 Goal set: {rhythm_ui.goal_heading(current)}.\n{rhythm_ui.goal_now_line(current)}"
        await answer(interaction, text)

    @example("/goal show")
    @group.command(name="show", description="Your goals: how far along this period is, and the last few")
    async def show(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Each goal with its bar and what is left; the periods before, plainly."""
        zone = await self.store.reminders.days_zone(interaction.user.id)
        resources = await self.store.catalog_for(interaction.guild_id)
        standings = await self.store.goals.standings(
            interaction.user.id, zone, self.bot.clock.now(), resources, history=HISTORY
        )
        if not standings:
            await answer(interaction, "You have no goal yet. `/goal set amount:50 unit:pages` sets one; it's optional.")
            return
        embed = rhythm_ui.goals_embed([s for s, _ in standings], [past for _, past in standings], zone)
        await answer(interaction, embed=embed)

    @example("/goal clear unit:pages")
    @group.command(name="clear", description="Remove a goal, or all of them")
    @app_commands.describe(unit="Which goal to remove (all of them when left out)")
    @app_commands.choices(unit=UNIT_CHOICES)
    @write_command()
    async def clear(self, interaction: discord.Interaction[PillarsBot], unit: str | None = None) -> None:
        """Remove the goal(s); say so plainly when there was none."""
        which = GoalUnit(unit) if unit else None
        removed = await self.store.goals.clear(interaction.user.id, which)
        if not removed:
            raise NotFoundError("There was no such goal to remove; `/goal show` lists yours.")
        what = f"your {which.value} goal" if which else f"your {removed} goal{'s' if removed > 1 else ''}"
        await answer(interaction, f"Removed {what}. Set a new one any time with `/goal set`.")


async def setup(bot: PillarsBot) -> None:
    """Load the cog."""
    await bot.add_cog(Goals(bot))
