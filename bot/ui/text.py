"""Small pieces of wording shared by every embed and message: counts with the right noun."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'1 day', '3 days', '1 update': the count with its noun in the number it takes."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
