"""Every Discord limit, in one place, and the helpers that keep text within them.

Discord rejects a whole message (HTTP 400, code 50035) when one part is too long, and discord.py does
not check lengths for us. So everything the bot sends goes through these helpers: text is cut at a word
boundary with an ellipsis, embeds are trimmed field by field until the message fits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import discord
from discord import app_commands

MESSAGE_CONTENT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000  # across every text part of every embed of one message
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100  # options' descriptions too
CHOICES = 25  # static choices and autocomplete results alike
CHOICE_NAME = 100
CHOICE_VALUE = 100
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
BUTTON_LABEL = 80
CUSTOM_ID = 100
SELECT_OPTIONS = 25
SELECT_OPTION_LABEL = 100
SELECT_OPTION_DESCRIPTION = 100
MODAL_TITLE = 45
MODAL_TEXT_INPUTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_VALUE = 4000
TEXT_INPUT_PLACEHOLDER = 100
LABEL_DESCRIPTION = 100  # the line of help under a modal input's label

ELLIPSIS = "…"
EMPTY = "\u200b"  # a zero-width space: Discord refuses empty field names and values
_SPACE = re.compile(r"\s")


def cut(text: str, limit: int) -> str:
    """The text if it fits, else cut at a word boundary (when one is near) and ended with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[: max(limit, 0)]
    room = limit - len(ELLIPSIS)
    head = text[:room]
    boundary = max((m.start() for m in _SPACE.finditer(head)), default=-1)
    # Only back up to a word boundary when it keeps most of the text; a long URL has none.
    if boundary >= room * 2 // 3:
        head = head[:boundary]
    return head.rstrip() + ELLIPSIS


def cut_nonempty(text: str, limit: int) -> str:
    """Like `cut`, for parts Discord refuses empty (field names and values, choice names)."""
    text = cut(text.strip(), limit)
    return text or EMPTY


def content(text: str) -> str:
    """Message content within 2,000 characters."""
    return cut(text, MESSAGE_CONTENT)


def button_label(text: str) -> str:
    """A button label within 80 characters."""
    return cut_nonempty(text, BUTTON_LABEL)


def custom_id(*parts: object) -> str:
    """A colon-joined custom_id; raises ValueError past 100 characters, since a cut id would mean nothing."""
    value = ":".join(str(part) for part in parts)
    if not 1 <= len(value) <= CUSTOM_ID:
        raise ValueError(f"custom_id of {len(value)} characters (1–{CUSTOM_ID} allowed): {value[:40]!r}…")
    return value


def choices(pairs: Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """At most 25 autocomplete choices, names cut to 100; a value too long to send is left out, not cut."""
    result: list[app_commands.Choice[str]] = []
    seen: set[str] = set()
    for name, value in pairs:
        if not 1 <= len(value) <= CHOICE_VALUE or value in seen:
            continue
        seen.add(value)
        result.append(app_commands.Choice(name=cut_nonempty(name, CHOICE_NAME), value=value))
        if len(result) == CHOICES:
            break
    return result


def embed_length(embed: discord.Embed) -> int:
    """The characters of an embed that count toward the 6,000 total."""
    return len(embed)


def fit_embed(embed: discord.Embed, *, budget: int = EMBED_TOTAL) -> discord.Embed:
    """Trim an embed in place so each part and the total fit: fields beyond 25 or the budget go, then text.

    Dropped fields are announced in the footer ("2 more not shown"), so a cut answer never looks whole.
    """
    if embed.title:
        embed.title = cut(embed.title, EMBED_TITLE)
    if embed.description:
        embed.description = cut(embed.description, EMBED_DESCRIPTION)
    if embed.author and embed.author.name:
        author = embed.author
        embed.set_author(name=cut(author.name or "", EMBED_AUTHOR), url=author.url, icon_url=author.icon_url)
    fields = [
        (cut_nonempty(f.name or "", EMBED_FIELD_NAME), cut_nonempty(f.value or "", EMBED_FIELD_VALUE), bool(f.inline))
        for f in embed.fields
    ]
    footer = embed.footer.text or "" if embed.footer else ""
    footer_icon = embed.footer.icon_url if embed.footer else None
    dropped = max(0, len(fields) - EMBED_FIELDS)
    fields = fields[:EMBED_FIELDS]

    def rebuild() -> None:
        embed.clear_fields()
        for name, value, inline in fields:
            embed.add_field(name=name, value=value, inline=inline)
        note = f"{dropped} more not shown" if dropped else ""
        text = " · ".join(part for part in (footer, note) if part)
        if text:
            # The note goes first when the footer must be cut, so it is never the part that is lost.
            if len(text) > EMBED_FOOTER and note:
                text = note + " · " + footer
            embed.set_footer(text=cut(text, EMBED_FOOTER), icon_url=footer_icon)
        elif embed.footer and embed.footer.text:
            embed.remove_footer()

    rebuild()
    while embed_length(embed) > budget and fields:
        fields.pop()
        dropped += 1
        rebuild()
    excess = embed_length(embed) - budget
    for attribute in ("description", "title"):
        if excess <= 0:
            break
        text = getattr(embed, attribute) or ""
        if text:
            shorter = cut(text, max(0, len(text) - excess))
            setattr(embed, attribute, shorter or None)
            excess = embed_length(embed) - budget
    if excess > 0 and embed.footer and embed.footer.text:
        text = embed.footer.text
        embed.set_footer(text=cut(text, max(0, len(text) - excess)) or None, icon_url=footer_icon)
        excess = embed_length(embed) - budget
    if excess > 0 and embed.author and embed.author.name:
        embed.remove_author()
    return embed


def fit_embeds(embeds: list[discord.Embed]) -> list[discord.Embed]:
    """At most 10 embeds whose text together stays within 6,000 characters."""
    kept = embeds[:EMBEDS_PER_MESSAGE]
    used = 0
    result: list[discord.Embed] = []
    for embed in kept:
        remaining = EMBED_TOTAL - used
        if remaining <= 0:
            break
        fit_embed(embed, budget=remaining)
        used += embed_length(embed)
        result.append(embed)
    return result
