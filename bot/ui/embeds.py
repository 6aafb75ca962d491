"""Embeds for resources, recommendations and progress, every one passed through `limits.fit_embed`.

Every text someone typed (titles, authors, summaries, notes, names) is shown through `text.literal`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.catalog.concepts import ConceptGraph
from bot.catalog.schema import Resource
from bot.catalog.vocabulary import LengthUnit
from bot.pace import Pace
from bot.reading import ReadingStatus
from bot.recommend import Pick
from bot.store.models import CommunityCard, LeaderboardRow, ProgressEvent, ReadingStats, ShelfEntry
from bot.ui import contents, limits
from bot.ui.community import community_fields, estimate, pace_text
from bot.ui.text import counted, literal

COLOUR = discord.Colour(0x3B82F6)
WARNING_COLOUR = discord.Colour(0xF59E0B)

STATUS_ICONS: dict[ReadingStatus, str] = {
    ReadingStatus.WANT_TO_READ: "🔖",
    ReadingStatus.READING: "📖",
    ReadingStatus.FINISHED: "✅",
    ReadingStatus.DROPPED: "⏸️",
}


def progress_bar(fraction: float, width: int = 10) -> str:
    """'▰▰▰▰▱▱▱▱▱▱ 40%': a fraction as a bar of `width` cells and a percentage."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    return f"{'▰' * filled}{'▱' * (width - filled)} {round(fraction * 100)}%"


def facts(resource: Resource) -> str:
    """'book · beginner · free · 390 pages': the resource at a glance (no length for one read in percent)."""
    parts = [resource.kind.label, resource.level.value, resource.cost.label]
    if resource.length.unit is not LengthUnit.PERCENT:
        parts.append(str(resource.length))
    return " · ".join(parts)


def entry_line(entry: ShelfEntry, title: str, *, icon: bool = True) -> str:
    """One shelf entry: icon, title, bar and position ('📖 Title — ▰▰▱… 20% (40/200 pages)').

    Without `icon` on a shelf whose heading already has it. In percent the bar says it all.
    """
    mark = f"{STATUS_ICONS[entry.status]} " if icon else ""
    title = literal(title)
    if entry.status is ReadingStatus.READING:
        shown = entry.total and entry.unit is not LengthUnit.PERCENT
        where = f" ({entry.position or 0}/{entry.total} {entry.unit.value})" if shown else ""
        again = f" · re-read {entry.read_count}" if entry.read_count > 1 else ""
        return f"{mark}**{title}** — {progress_bar(entry.fraction)}{where}{again}"
    if entry.status is ReadingStatus.FINISHED and entry.read_count > 1:
        return f"{mark}**{title}** (read {entry.read_count}×)"
    return f"{mark}**{title}**"


def resource_embed(
    resource: Resource,
    *,
    entry: ShelfEntry | None = None,
    builds_on: Sequence[str] = (),
    concepts: ConceptGraph | None = None,
    community: CommunityCard | None = None,
    titles: Mapping[str, str] | None = None,
    names: Mapping[int, str] | None = None,
) -> discord.Embed:
    """Everything about one resource, and where the member stands with it when `entry` is given.

    `builds_on` are the titles of what it builds on (never ids); `community` is what the members' reading
    shows (`titles` of what they went on to, `names` of reviewers who signed); with `concepts`, the vocabulary,
    the card lists the concepts it teaches and its sections, last, so a long table of contents is what gets cut.
    """
    embed = discord.Embed(
        title=literal(resource.title), url=resource.url, description=literal(resource.summary), colour=COLOUR
    )
    embed.add_field(name="By", value=literal(", ".join(resource.authors)), inline=True)
    embed.add_field(name="What", value=facts(resource), inline=True)
    embed.add_field(name="Topics", value=", ".join(t.label for t in resource.topics), inline=False)
    if resource.suits:
        embed.add_field(name="Suits", value=", ".join(b.label for b in resource.suits), inline=False)
    embed.add_field(name="Why it's here", value=literal(resource.why), inline=False)
    if builds_on:
        embed.add_field(name="Builds on", value=literal(", ".join(builds_on)), inline=False)
    if resource.not_covered:
        embed.add_field(
            name="Not covered", value="\n".join(f"• {literal(x)}" for x in resource.not_covered), inline=False
        )
    if entry is not None:
        progress = entry_line(entry, resource.title)
        where = contents.whereabouts(resource, entry.position) if entry.status is ReadingStatus.READING else None
        embed.add_field(name="Your progress", value=progress + (f"\n↳ {where}" if where else ""), inline=False)
    if community is not None:
        for name, value in community_fields(community, resource, titles or {}, names or {}):
            embed.add_field(name=name, value=value, inline=False)
    if concepts is not None and resource.taught_concepts:
        embed.add_field(name="Concepts it teaches", value=contents.concepts_text(resource, concepts), inline=False)
    if concepts is not None:
        for name, value in contents.contents_fields(resource, concepts):
            embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=f"id: {resource.id}" + (f" · {resource.year}" if resource.year else ""))
    return limits.fit_embed(embed)


def pick_field(rank: int, pick: Pick, pace: Pace | None = None) -> tuple[str, str]:
    """A pick as an embed field: '1. Title' and its byline, facts, time at the member's pace, reasons and link."""
    resource = pick.resource
    name = f"{rank}. {literal(resource.title)}"
    reasons = literal(" · ".join(pick.reasons)) or "a good fit"
    time = f" · {estimate(pace, resource).removeprefix('⏱ ')}" if pace is not None and not pick.continuing else ""
    # The link goes first after the byline so a cut value never loses it.
    value = f"by {literal(', '.join(resource.authors))}\n{resource.url}\n{facts(resource)}{time}\n**Why:** {reasons}"
    return limits.cut_nonempty(name, limits.EMBED_FIELD_NAME), limits.cut_nonempty(value, limits.EMBED_FIELD_VALUE)


def shown_range(offset: int, count: int) -> str:
    """'4–6' for the picks a page shows, '7' for a page of one."""
    return f"{offset + 1}" if count == 1 else f"{offset + 1}–{offset + count}"


def picks_embed(
    picks: Sequence[Pick],
    *,
    title: str,
    offset: int = 0,
    total: int | None = None,
    description: str | None = None,
    asked: str | None = None,
    pace: Pace | None = None,
) -> discord.Embed:
    """Ranked picks, each with its reasons, link and (given a `pace`) how long it takes; the footer says which of
    how many are shown.

    `asked` is the question in the member's own words: the footer keeps it (plain text, never rendered as
    markdown), so the More and Share buttons can ask it again from the message they are on.
    """
    embed = discord.Embed(title=title, description=literal(description) if description else None, colour=COLOUR)
    for rank, pick in enumerate(picks, start=offset + 1):
        name, value = pick_field(rank, pick, pace)
        embed.add_field(name=name, value=value, inline=False)
    footer = [f"{shown_range(offset, len(picks))} of {total}"] if total is not None and picks else []
    if asked:
        footer.append(ASKED + limits.cut(" ".join(asked.split()), MAX_ASKED))
    if footer:
        embed.set_footer(text="\n".join(footer))
    return limits.fit_embed(embed)


ASKED = "Asked: "
MAX_ASKED = 1000


def asked_in(message: discord.Message | None) -> str | None:
    """The question a picks message was asked in (what `picks_embed` put in its footer), or None."""
    if message is None or not message.embeds:
        return None
    footer = message.embeds[0].footer.text or ""
    for line in footer.split("\n"):
        if line.startswith(ASKED):
            return line.removeprefix(ASKED)
    return None


def notice_embed(title: str, text: str, *, warning: bool = False) -> discord.Embed:
    """A short titled message (nothing found, did you mean…)."""
    embed = discord.Embed(title=title, description=text, colour=WARNING_COLOUR if warning else COLOUR)
    return limits.fit_embed(embed)


# Reasons the recommender words for the member asking; for someone else they read in the third person.
_THIRD_PERSON = {
    "continue: you are reading it": "continue: they are reading it",
    "on your want-to-read shelf": "on their want-to-read shelf",
    "you finished what it builds on": "they finished what it builds on",
}


def for_someone_else(pick: Pick) -> Pick:
    """The pick with its reasons worded for a member who is not the one asking."""
    reasons = tuple(_THIRD_PERSON.get(reason, reason) for reason in pick.reasons)
    return Pick(pick.resource, pick.score, reasons, pick.continuing)


def shelf_embed(
    title: str,
    entries: Sequence[ShelfEntry],
    titles: Mapping[str, str],
    *,
    show_notes: bool,
    whereabouts: Mapping[str, str] | None = None,
    someone_else: str | None = None,
) -> discord.Embed:
    """A member's shelves, reading first, each with its progress (and the section it is in, from `whereabouts`);
    notes only for the member themself.

    `someone_else` is the name of the member whose shelf it is, when another member is looking at it.
    """
    embed = discord.Embed(title=title, colour=COLOUR)
    order = (ReadingStatus.READING, ReadingStatus.WANT_TO_READ, ReadingStatus.FINISHED, ReadingStatus.DROPPED)
    for status in order:
        # Finished is what the member ever finished, as /progress stats and /leaderboard count it: a resource
        # being re-read sits on its current shelf too.
        if status is ReadingStatus.FINISHED:
            on_shelf = [entry for entry in entries if entry.ever_finished]
        else:
            on_shelf = [entry for entry in entries if entry.status is status]
        if not on_shelf:
            continue
        lines = []
        for entry in on_shelf:
            title_shown = titles.get(entry.resource_id, entry.resource_id)
            if entry.status is status:
                line = entry_line(entry, title_shown, icon=False)
                where = (whereabouts or {}).get(entry.resource_id)
                if where and entry.status is ReadingStatus.READING:
                    line += f"\n  ↳ {where}"
                if show_notes and entry.note:
                    line += f"\n  ✎ {literal(limits.cut(entry.note, 200))}"
            else:
                line = f"**{literal(title_shown)}** ({_finished_then(entry)})"
            lines.append(line)
        value = limits.cut("\n".join(lines), limits.EMBED_FIELD_VALUE)
        embed.add_field(name=f"{STATUS_ICONS[status]} {status.label.capitalize()} ({len(on_shelf)})", value=value)
    if not entries and someone_else:
        embed.description = f"{literal(limits.cut(someone_else, 64))} has nothing on their shelf yet."
    elif not entries:
        embed.description = "Nothing on the shelf yet. `/recommend` finds something, `/progress log` records it."
    return limits.fit_embed(embed)


def _finished_then(entry: ShelfEntry) -> str:
    """How a resource finished before stands now: 're-reading now', 'finished 2×, re-read dropped'."""
    times = "finished" if entry.times_finished == 1 else f"finished {entry.times_finished}×"
    now = {
        ReadingStatus.READING: "re-reading now",
        ReadingStatus.WANT_TO_READ: "wanted again",
        ReadingStatus.DROPPED: "re-read dropped",
    }.get(entry.status, "")
    return f"{times}, {now}" if now else times


def history_embed(events: Sequence[ProgressEvent], titles: Mapping[str, str]) -> discord.Embed:
    """The member's recent updates, newest first, with their notes."""
    lines = []
    for event in events:
        when = discord.utils.format_dt(event.at, "R")
        where = f" at {event.position}" if event.position is not None else ""
        line = f"{when} {STATUS_ICONS[event.status]} **{literal(titles.get(event.resource_id, event.resource_id))}**"
        line += f" — {event.status.label}{where}"
        if event.note:
            line += f"\n  ✎ {literal(limits.cut(event.note, 150))}"
        lines.append(line)
    description = "\n".join(lines) or "No updates yet. `/progress log` records one."
    return limits.fit_embed(discord.Embed(title="Your reading history", description=description, colour=COLOUR))


def stats_embed(stats: ReadingStats, pace: Pace | None = None) -> discord.Embed:
    """The member's totals and streaks, and their reading pace when given."""
    embed = discord.Embed(title="Your reading stats", colour=COLOUR)
    embed.add_field(name="✅ Finished", value=f"{stats.finished} ({stats.finished_this_year} this year)")
    embed.add_field(name="📖 Reading", value=str(stats.reading))
    embed.add_field(name="🔖 Want to read", value=str(stats.want_to_read))
    embed.add_field(name="⏸️ Dropped", value=str(stats.dropped))
    embed.add_field(name="🔁 Re-reads", value=str(stats.rereads))
    embed.add_field(name="✎ Updates", value=f"{stats.updates} on {counted(stats.active_days, 'day')}")
    embed.add_field(
        name="🔥 Streak",
        value=f"{counted(stats.current_streak, 'day')} now · longest {stats.longest_streak}",
        inline=False,
    )
    if pace is not None:
        embed.add_field(name="📏 Pace", value=pace_text(pace), inline=False)
    if stats.time_zone == "UTC":
        embed.set_footer(text="Days are counted in UTC: give /goal set or /reminders set your timezone to count yours.")
    else:
        embed.set_footer(text=f"Days are counted in your time zone, {stats.time_zone}.")
    return limits.fit_embed(embed)


def leaderboard_embed(
    server_name: str, rows: Sequence[tuple[str, LeaderboardRow]], period: str | None = None
) -> discord.Embed:
    """The server's most diligent readers by finished resources, then updates (over `period`, e.g. 'this week');
    names, never pings."""
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = [
        f"{medals.get(rank, f'{rank}.')} **{literal(limits.cut(name, 64))}** — {row.finished} finished · "
        f"{counted(row.updates, 'update')}"
        for rank, (name, row) in enumerate(rows, start=1)
    ]
    description = "\n".join(lines) or "Nobody has logged any reading here yet. `/progress log` starts it."
    title = f"Leaderboard · {literal(server_name)}" + (f" · {period}" if period else "")
    return limits.fit_embed(discord.Embed(title=title, description=description, colour=COLOUR))
