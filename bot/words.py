"""Counts with the noun in the number it takes: one helper for every plural the bot writes.

The core (the catalog loader, the form) and the Discord layer (embeds, messages) both count things, so the
rule lives here, outside both, with nothing imported.
"""

from __future__ import annotations

# Nouns whose plural no rule gives: the same word ("2 video series"), or another one.
_IRREGULAR = {"series": "series", "percent": "percent", "person": "people", "child": "children"}
_VOWELS = "aeiou"


def plural_of(noun: str) -> str:
    """'books', 'video series', 'entries', 'matches': the plural of a noun, or of a phrase's last word."""
    head, space, last = noun.rpartition(" ")
    if last in _IRREGULAR:
        return f"{head}{space}{_IRREGULAR[last]}"
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if last.endswith("y") and len(last) > 1 and last[-2] not in _VOWELS:
        return noun[:-1] + "ies"
    return noun + "s"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'1 day', '3 days', '2 video series': the count with its noun in the number it takes."""
    return f"{count:,} {singular if count == 1 else (plural or plural_of(singular))}"
