"""Small pieces of wording shared by every embed and message: counts with the right noun."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'1 day', '3 days', '1 update': the count with its noun in the number it takes."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def masked_link(text: str, url: str) -> str:
    """`[text](url)` that survives brackets in the text and parentheses in the URL (a title is anyone's input)."""
    label = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({url.replace('(', '%28').replace(')', '%29')})"
