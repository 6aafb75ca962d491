"""What the study rhythm looks like: goals with their bars, reminders and nudges, a club's weeks, board and summary.

Plain words, no scolding: a week that fell short reads "30 of 50 pages", nothing more. Members' names are
escaped (`bot.ui.text.plain`), and nothing here mentions anyone: every message goes out with no pings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import discord

from bot.catalog.schema import Resource
from bot.catalog.vocabulary import LengthUnit
from bot.rhythm.clubs import ClubWeek, Pace, Standing
from bot.rhythm.goals import GoalPeriod, GoalStanding, GoalUnit
from bot.rhythm.recurrence import weekdays_label
from bot.store.models import Club, Reminder, ShelfEntry
from bot.ui import limits
from bot.ui.embeds import COLOUR, progress_bar
from bot.ui.text import counted, plain

UNIT_ICONS = {GoalUnit.PAGES: "📄", GoalUnit.CHAPTERS: "📑", GoalUnit.LECTURES: "🎬", GoalUnit.RESOURCES: "📚"}
PERIOD_WORDS = {GoalPeriod.WEEK: "this week", GoalPeriod.MONTH: "this month", GoalPeriod.YEAR: "this year"}


def goal_heading(standing: GoalStanding) -> str:
    """'📄 50 pages a week'."""
    goal = standing.goal
    return f"{UNIT_ICONS[goal.unit]} {goal.unit.counted(goal.amount)} a {goal.period.value}"


def goal_now_line(standing: GoalStanding) -> str:
    """'This week: ▰▰▰▱… 60% — 30 of 50 pages, 20 to go, 4 days left' (or 'reached')."""
    goal = standing.goal
    head = f"{PERIOD_WORDS[goal.period].capitalize()}: {progress_bar(standing.fraction)} — {standing.done:,} of "
    head += goal.unit.counted(goal.amount)
    if standing.met:
        return head + " ✓ reached"
    days = "" if standing.days_left is None else f", {counted(standing.days_left, 'day')} left"
    return f"{head}, {standing.left:,} to go{days}"


def goal_past_line(standings: Sequence[GoalStanding]) -> str:
    """The periods before this one, plainly: 'week of 3 Mar: 50/50 ✓ · week of 24 Feb: 30/50'."""
    parts = [f"{s.period.label(s.goal.period)}: {s.done:,}/{s.goal.amount:,}{' ✓' if s.met else ''}" for s in standings]
    return " · ".join(parts)


def goals_embed(current: Sequence[GoalStanding], past: Sequence[Sequence[GoalStanding]], zone: str) -> discord.Embed:
    """Each goal: where it stands now and how the last periods went."""
    embed = discord.Embed(title="Your goals", colour=COLOUR)
    for standing, before in zip(current, past, strict=True):
        value = goal_now_line(standing)
        if before:
            value += f"\nBefore: {goal_past_line(before)}"
        embed.add_field(name=goal_heading(standing), value=limits.cut(value, limits.EMBED_FIELD_VALUE), inline=False)
    embed.set_footer(text=f"Weeks start on Monday, in {zone}. A goal is a nudge, not a test: nothing carries over.")
    return limits.fit_embed(embed)


def position_text(position: int | None, unit: LengthUnit, total: int) -> str:
    """'page 120 of 390', '3 of 12 lectures', '40%'."""
    at = position or 0
    if unit is LengthUnit.PERCENT:
        return f"{at}%"
    if unit.counts_parts:
        return f"{at} of {total} {unit.value}"
    return f"{unit.singular} {at} of {total}"


def local_time(moment: datetime, zone: str) -> str:
    """'Mon 3 Mar, 19:00' in the zone."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def reminder_summary(reminder: Reminder, first: datetime | None, streak_first: datetime | None) -> str:
    """What a member set, in their words: '19:30, weekdays, Europe/Paris; next: Mon 3 Mar, 19:30'."""
    text = f"⏰ Reminders at **{reminder.at:%H:%M}**, {weekdays_label(reminder.weekdays)} ({reminder.time_zone})."
    if first is not None:
        text += f" Next: {local_time(first, reminder.time_zone)}."
    if reminder.streak_nudge and streak_first is not None:
        text += " And a word at 21:00 on days your streak is at risk."
    return text


@dataclass(frozen=True)
class ReminderFacts:
    """What a reminder tells the member: their streak, what they are reading, their goals this period."""

    streak: int
    reading: tuple[tuple[str, ShelfEntry], ...]  # (title, entry), most recent first
    goals: tuple[GoalStanding, ...]


def reminder_text(facts: ReminderFacts, *, late_from: datetime | None, missed: int, zone: str) -> str:
    """The reminder: a line to start, then the streak, what is next, and goals; a late one says so once."""
    lines = ["⏰ Time for some study."]
    if late_from is not None:
        extra = f" (and {counted(missed, 'earlier reminder')} while I was away)" if missed else ""
        lines.append(f"_I was offline at {local_time(late_from, zone)}, so this one comes late{extra}._")
    if facts.streak:
        lines.append(f"🔥 You're on a {counted(facts.streak, 'day')} streak.")
    for title, entry in facts.reading[:2]:
        lines.append(f"📖 Next: **{title}**, {position_text(entry.position, entry.unit, entry.total)}.")
    if not facts.reading:
        lines.append("📖 Nothing on your reading shelf yet: `/recommend` has ideas.")
    for standing in facts.goals:
        goal = standing.goal
        done = f"{standing.done:,} of {goal.unit.counted(goal.amount)}"
        lines.append(f"🎯 {PERIOD_WORDS[goal.period].capitalize()}: {done}" + (" ✓" if standing.met else ""))
    lines.append("Log it with `/progress log`.")
    return "\n".join(lines)


def streak_text(streak: int) -> str:
    """The streak-at-risk nudge."""
    return (
        f"🔥 Your {counted(streak, 'day')} reading streak ends at midnight unless you log something today. "
        "A page counts: `/progress log`."
    )


def week_label(week: ClubWeek, resource: Resource) -> str:
    """'chapter 3 Linear Maps, chapter 4 Polynomials' (cut to fit)."""
    unit = resource.length.unit
    names = [f"{s.label_in(unit)} *{s.title}*" for s in week.sections]
    return limits.cut(", ".join(names), 700)


def reach_text(week: ClubWeek, resource: Resource) -> str:
    """'to page 140' / 'to 6 of 12 lectures' (approximate reaches say 'about')."""
    unit = resource.length.unit
    if unit.counts_parts:
        where = f"{week.reach} of {resource.length.amount} {unit.value}"
    elif unit is LengthUnit.PERCENT:
        where = f"{week.reach}%"
    else:
        where = f"{unit.singular} {week.reach}"
    return f"to {'' if week.exact else 'about '}{where}"


def span(week: ClubWeek) -> str:
    """'10–16 Mar'."""
    start, end = week.starts_on, week.ends_on
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%b}"
    return f"{start.day} {start:%b} – {end.day} {end:%b}"


def week_line(club: Club, week: ClubWeek, resource: Resource) -> str:
    """'Week 2 of 5 (10–16 Mar): chapter 3 *Linear Maps*, to page 140'."""
    return (
        f"Week {week.number} of {club.weeks} ({span(week)}): {week_label(week, resource)}, {reach_text(week, resource)}"
    )


def club_week_text(club: Club, week: ClubWeek, resource: Resource, *, late: bool) -> str:
    """The week's post in the club's thread."""
    lines = [f"📚 {week_line(club, week, resource)}."]
    if late:
        lines.append("_I was offline when this week began, so it comes late._")
    lines.append("Log your place with `/progress log`; `/club show` has the board.")
    return "\n".join(lines)


def club_opening_text(club: Club, resource: Resource, first: ClubWeek, started_by: str) -> str:
    """The public message a club's thread hangs from."""
    when = (
        "today"
        if first.starts_on == club.created_at.date()
        else f"on {first.starts_on:%a} {first.starts_on.day} {first.starts_on:%b}"
    )
    return (
        f"📖 **Reading club: {resource.title}**, {counted(club.pace, 'section')} a week for "
        f"{counted(club.weeks, 'week')}, starting {when}. Started by {plain(started_by)}.\n"
        "`/club join` to read along: the book goes on your shelf, and the thread below has each week's target."
    )


@dataclass(frozen=True)
class BoardLine:
    """One visible member on a club's board."""

    name: str
    place: str
    standing: Standing


def standing_text(standing: Standing) -> str:
    """'on track', 'done this week', 'behind by 2 weeks'."""
    if standing.pace is Pace.BEHIND:
        return f"{counted(standing.weeks_behind, 'week')} behind"
    return standing.pace.value


def board_embed(
    club: Club, resource: Resource, week: ClubWeek | None, lines: Sequence[BoardLine], hidden: int
) -> discord.Embed:
    """The club's board: the members who chose to appear, and how many others read along privately."""
    if week is None:
        heading = "Not started yet." if club.state.value == "open" else "The club has ended."
    else:
        heading = week_line(club, week, resource) + "."
    embed = discord.Embed(
        title=limits.cut(f"Reading club: {club.title}", limits.EMBED_TITLE), description=heading, colour=COLOUR
    )
    rows = [f"**{plain(line.name)}** — {line.place} · {standing_text(line.standing)}" for line in lines]
    if not rows:
        rows = ["Nobody on the board yet."]
    embed.add_field(name="Readers", value=limits.cut("\n".join(rows), limits.EMBED_FIELD_VALUE), inline=False)
    if hidden:
        verb = "keeps their" if hidden == 1 else "keep their"
        embed.set_footer(text=f"And {counted(hidden, 'reader')} who {verb} progress private.")
    return limits.fit_embed(embed)


def club_summary_text(club: Club, names_finished: Sequence[str], finished: int, readers: int) -> str:
    """The club's last post: who finished, plainly, without naming anyone who chose not to appear."""
    text = f"🏁 **The {club.title} club is over** after {counted(club.weeks, 'week')}."
    if readers == 0:
        return text + " Nobody joined this time; the book stays in the catalog for another go."
    text += f" {finished} of {counted(readers, 'reader')} finished the book"
    shown = ", ".join(plain(n) for n in names_finished)
    text += f" ({shown})." if shown else "."
    return text + " Thanks for reading together."


def club_nudge_text(club: Club, week: ClubWeek, resource: Resource, place: str) -> str:
    """The weekly word to a member who fell behind: where the club is, where they are, no pressure."""
    return (
        f"📚 The **{club.title}** club is on week {week.number}: {week_label(week, resource)}. "
        f"You're at {place}. No rush: any page counts, and `/progress log` keeps your place."
    )


def day_label(day: date, today: date) -> str:
    """'Mon 3 Mar 2025 (today)' for a date choice."""
    suffix = " (today)" if day == today else " (tomorrow)" if (day - today).days == 1 else ""
    return f"{day:%a} {day.day} {day:%b} {day.year}{suffix}"
