"""Embeds for resources, recommendations and progress, every one passed through `limits.fit_embed`."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.catalog.schema import Resource
from bot.reading import ReadingStatus
from bot.recommend import Pick
from bot.store.models import ShelfEntry
from bot.ui import limits

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
    """'book · beginner · free · 390 pages': the resource at a glance."""
    return " · ".join([resource.kind.label, resource.level.value, resource.cost.label, str(resource.length)])


def entry_line(entry: ShelfEntry, title: str) -> str:
    """One shelf entry: icon, title, bar and position ('📖 Title — ▰▰▱… 20% (40/200 pages)')."""
    icon = STATUS_ICONS[entry.status]
    if entry.status is ReadingStatus.READING:
        where = f" ({entry.position or 0}/{entry.total} {entry.unit.value})" if entry.total else ""
        return f"{icon} **{title}** — {progress_bar(entry.fraction)}{where}"
    if entry.status is ReadingStatus.FINISHED and entry.read_count > 1:
        return f"{icon} **{title}** (read {entry.read_count}×)"
    return f"{icon} **{title}**"


def resource_embed(resource: Resource, *, entry: ShelfEntry | None = None) -> discord.Embed:
    """Everything about one resource, and where the member stands with it when `entry` is given."""
    embed = discord.Embed(title=resource.title, url=resource.url, description=resource.summary, colour=COLOUR)
    embed.add_field(name="By", value=", ".join(resource.authors), inline=True)
    embed.add_field(name="What", value=facts(resource), inline=True)
    embed.add_field(name="Topics", value=", ".join(t.label for t in resource.topics), inline=False)
    if resource.backgrounds:
        embed.add_field(name="Suits", value=", ".join(b.label for b in resource.backgrounds), inline=False)
    embed.add_field(name="Why it's here", value=resource.why, inline=False)
    if resource.prerequisites:
        embed.add_field(name="Builds on", value=", ".join(resource.prerequisites), inline=False)
    if resource.not_covered:
        embed.add_field(name="Not covered", value="\n".join(f"• {x}" for x in resource.not_covered), inline=False)
    if entry is not None:
        embed.add_field(name="Your progress", value=entry_line(entry, resource.title), inline=False)
    embed.set_footer(text=f"id: {resource.id}" + (f" · {resource.year}" if resource.year else ""))
    return limits.fit_embed(embed)


def pick_field(rank: int, pick: Pick) -> tuple[str, str]:
    """A pick as an embed field: '1. Title' and its byline, facts, reasons and link."""
    resource = pick.resource
    name = f"{rank}. {resource.title}"
    reasons = " · ".join(pick.reasons) or "a good fit"
    # The link goes first after the byline so a cut value never loses it.
    value = f"by {', '.join(resource.authors)}\n{resource.url}\n{facts(resource)}\n**Why:** {reasons}"
    return limits.cut_nonempty(name, limits.EMBED_FIELD_NAME), limits.cut_nonempty(value, limits.EMBED_FIELD_VALUE)


def picks_embed(
    picks: Sequence[Pick],
    *,
    title: str,
    offset: int = 0,
    total: int | None = None,
    description: str | None = None,
) -> discord.Embed:
    """Ranked picks, each with its reasons and link; the footer says which of how many are shown."""
    embed = discord.Embed(title=title, description=description, colour=COLOUR)
    for rank, pick in enumerate(picks, start=offset + 1):
        name, value = pick_field(rank, pick)
        embed.add_field(name=name, value=value, inline=False)
    if total is not None and picks:
        embed.set_footer(text=f"{offset + 1}–{offset + len(picks)} of {total}")
    return limits.fit_embed(embed)


def notice_embed(title: str, text: str, *, warning: bool = False) -> discord.Embed:
    """A short titled message (nothing found, did you mean…)."""
    embed = discord.Embed(title=title, description=text, colour=WARNING_COLOUR if warning else COLOUR)
    return limits.fit_embed(embed)
