"""Small pieces of wording shared by every embed and message: counts with the right noun, masked links.

Counts and plurals are `bot.words` (the core counts too); they are named here as well, where the embeds look.
"""

from __future__ import annotations

from bot.words import counted, plural_of

__all__ = ["counted", "masked_link", "plural_of"]


def masked_link(text: str, url: str) -> str:
    """`[text](url)` that survives brackets in the text and parentheses in the URL (a title is anyone's input)."""
    label = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({url.replace('(', '%28').replace(')', '%29')})"
