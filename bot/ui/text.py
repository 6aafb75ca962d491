"""Small pieces of wording shared by every embed and message: counts with the right noun, masked links, durations.

Counts and plurals are `bot.words` (the core counts too); they are named here as well, where the embeds look.
"""

from __future__ import annotations

from bot.words import counted, plural_of

__all__ = ["about", "counted", "masked_link", "plural_of"]


def masked_link(text: str, url: str) -> str:
    """`[text](url)` that survives brackets in the text and parentheses in the URL (a title is anyone's input)."""
    label = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({url.replace('(', '%28').replace(')', '%29')})"


def about(days: float) -> str:
    """'under a day', 'about 4 days', 'about 3 weeks', 'about 2 months': a duration as a member would say it."""
    if days < 1:
        return "under a day"
    if days < 13.5:
        return f"about {counted(round(days), 'day')}"
    if days < 59.5:
        return f"about {counted(round(days / 7), 'week')}"
    return f"about {counted(round(days / 30.4), 'month')}"
