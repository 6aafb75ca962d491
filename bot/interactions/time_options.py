"""Options for *when*: a time zone (autocomplete over IANA names, "did you mean"), a time of day, weekdays, a date.

Each reads what the member typed with `bot.rhythm.when`, so a wrong value fails with a sentence for them
(through the one error handler) before the command changes anything.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import discord
from discord import app_commands

from bot.rhythm.when import DAY_CHOICES, parse_date, parse_days, parse_time_of_day, parse_zone, zone_choices
from bot.ui import limits
from bot.ui.rhythm import day_label


class TimeZoneOption(app_commands.Transformer):
    """An IANA time zone: autocomplete by region or city; typed names read forgivingly."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> str:
        """The zone's IANA name; NotFoundError with the closest names otherwise."""
        return parse_zone(str(value))

    async def autocomplete(  # type: ignore[override]  # discord.py's stub says Choice[int | float | str]
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> list[app_commands.Choice[str]]:
        """Zone names matching what was typed."""
        return limits.choices((name, name) for name in zone_choices(str(value)))


class TimeOfDayOption(app_commands.Transformer):
    """A time of day: 19:30, 7:30pm, 7pm."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> time:
        """The time; InvalidInputError for 25:00 and the like."""
        return parse_time_of_day(str(value))


class WeekdaysOption(app_commands.Transformer):
    """Days of the week: every day, weekdays, weekends, or names ('mon, wed, fri')."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> frozenset[int]:
        """The weekdays, Monday = 0."""
        return parse_days(str(value))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> list[app_commands.Choice[str]]:
        """The common choices, those matching what was typed first."""
        typed = str(value).strip().lower()
        ordered = sorted(DAY_CHOICES, key=lambda choice: not choice.startswith(typed))
        return limits.choices((choice, choice) for choice in ordered)


class DateOption(app_commands.Transformer):
    """A date: the next days offered by autocomplete; 2025-03-10, 'today', 'monday' read too."""

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> date:
        """The date, read against today on the bot's clock."""
        return parse_date(str(value), today=interaction.client.clock.now().date())

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: Any, /
    ) -> list[app_commands.Choice[str]]:
        """The next two weeks, labelled with their weekday."""
        today = interaction.client.clock.now().date()
        days = [today + timedelta(days=n) for n in range(14)]
        typed = str(value).strip().lower()
        shown = [d for d in days if typed in day_label(d, today).lower() or typed in d.isoformat()] or days
        return limits.choices((day_label(d, today), d.isoformat()) for d in shown)


TimeZoneArg = app_commands.Transform[str, TimeZoneOption]
TimeOfDayArg = app_commands.Transform[time, TimeOfDayOption]
WeekdaysArg = app_commands.Transform[frozenset[int], WeekdaysOption]
DateArg = app_commands.Transform[date, DateOption]
