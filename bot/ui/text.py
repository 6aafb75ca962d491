"""Small pieces of wording shared by every embed and message: text shown as typed, counts, masked links, durations.

What anyone types (a display name, a server's name, a moderator's title, author or summary, a member's note
or suggestion, the words of a search) goes through `literal` wherever Discord renders markdown: message
content, embed titles, descriptions and fields. Discord would otherwise render `[Free Nitro](https://…)` as
a masked link, `<@…>` as a mention and `**…**` as bold. Footers, author lines, button labels, choices and
form inputs show text plainly, so what goes there is not escaped (a backslash would show).

Counts and plurals are `bot.words` (the core counts too); they are named here as well, where the embeds look.
"""

from __future__ import annotations

import re

from bot.words import counted, plural_of

__all__ = ["about", "code", "counted", "literal", "masked_link", "no_masked_links", "plain", "plural_of"]

# Marks Discord renders anywhere in a line: emphasis, strike, spoilers, code, masked links, mentions,
# timestamps and custom emoji (<…>), quotes (>), and the backslash itself. '@' is escaped so that
# "@everyone" typed into a name is not shown as a mention.
_INLINE_MARK = re.compile(r"([\\*_~|`\[\]<>@])")
# Marks Discord renders only at the start of a line and before a space: headings and subtext (# , -# ), lists
# (- , + , 1. ). Elsewhere ('18.06SC', '-bad-') they are plain text and stay as they are.
_LINE_MARK = re.compile(r"^(\s*)((?:#{1,3}|-#|[+-])(?=\s)|\d+(?=\.\s))", re.MULTILINE)
# A bare link, as Discord finds one: inside it nothing is markdown, and a backslash would break it.
_BARE_LINK = re.compile(r"https?://[^\s<]+")


def literal(text: str) -> str:
    """The text as it was typed, whatever markdown it holds: every mark escaped with a backslash, bare links kept."""
    pieces: list[str] = []
    last = 0
    for link in _BARE_LINK.finditer(text):
        pieces += [_INLINE_MARK.sub(r"\\\1", text[last : link.start()]), link.group()]
        last = link.end()
    pieces.append(_INLINE_MARK.sub(r"\\\1", text[last:]))
    return _LINE_MARK.sub(_escape_line_mark, "".join(pieces))


def _escape_line_mark(match: re.Match[str]) -> str:
    """`# x` → `\\# x`, `1. x` → `1\\. x`: the mark at the start of a line, escaped."""
    indent, mark = match.groups()
    return f"{indent}{mark}\\" if mark.isdigit() else f"{indent}\\{mark}"


def no_masked_links(text: str) -> str:
    """A message written by the core, which may quote what someone typed: its brackets escaped, so nothing in it
    renders as a masked link, while its own bold and code stay."""
    return re.sub(r"(?<!\\)([\[\]])", r"\\\1", text)


def code(text: str) -> str:
    """Text inside `code`, where Discord renders nothing; a backtick in it would end the code, so it goes."""
    return f"`{text.replace('`', 'ˋ')}`"


def masked_link(text: str, url: str) -> str:
    """`[text](url)`, the text shown as typed (a title is anyone's input) and parentheses in the URL encoded."""
    return f"[{literal(text)}]({url.replace('(', '%28').replace(')', '%29')})"


def about(days: float) -> str:
    """'under a day', 'about 4 days', 'about 3 weeks', 'about 2 months': a duration as a member would say it."""
    if days < 1:
        return "under a day"
    if days < 13.5:
        return f"about {counted(round(days), 'day')}"
    if days < 59.5:
        return f"about {counted(round(days / 7), 'week')}"
    return f"about {counted(round(days / 30.4), 'month')}"


def plain(text: str) -> str:
    """Someone's text (a display name) shown as typed, on one line: `literal`, with its line breaks folded."""
    return literal(" ".join(str(text).split()))
