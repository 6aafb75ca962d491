"""What members type into the store: notes and titles cleaned and bounded, unknown ids answered helpfully."""

from __future__ import annotations

import unicodedata

from bot.catalog import matching
from bot.catalog.catalog import Catalog
from bot.errors import InvalidInputError

MAX_NOTE = 500  # characters in a progress note or a suggestion note
MAX_SUGGESTION_TITLE = 200

# Characters that change how surrounding text displays (bidi overrides and isolates) are dropped too.
_INVISIBLE = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def _strip_controls(text: str) -> str:
    """Drop control characters (keeping line breaks) and text-direction overrides, then trim."""
    kept = (ch for ch in text if ch == "\n" or (unicodedata.category(ch) != "Cc" and ch not in _INVISIBLE))
    return "".join(kept).strip()


def clean_note(note: str | None, *, what: str = "note") -> str | None:
    """A note as stored: control characters stripped, at most MAX_NOTE characters; blank means no note.

    The length is checked on the raw text first, so a huge paste is refused without being scanned.
    """
    if note is None:
        return None
    if not isinstance(note, str):
        raise InvalidInputError(f"The {what} must be text.")
    if len(note) > MAX_NOTE:
        raise InvalidInputError(f"The {what} is {len(note):,} characters long; keep it to {MAX_NOTE}.")
    return _strip_controls(note) or None


def clean_title(title: str) -> str:
    """A suggestion's title: 1–200 characters of plain text."""
    if not isinstance(title, str) or len(title) > MAX_SUGGESTION_TITLE * 2:
        raise InvalidInputError(f"The title must be text of at most {MAX_SUGGESTION_TITLE} characters.")
    cleaned = " ".join(_strip_controls(title).split())
    if not cleaned:
        raise InvalidInputError("The title cannot be empty.")
    if len(cleaned) > MAX_SUGGESTION_TITLE:
        raise InvalidInputError(f"The title is {len(cleaned)} characters long; keep it to {MAX_SUGGESTION_TITLE}.")
    return cleaned


def did_you_mean(typed: str, catalog: Catalog, *, limit: int = 3) -> str:
    """' (did you mean …?)' naming, by title, the resources closest by id or title; '' when nothing is close."""
    typed = str(typed)[:200]
    ids = matching.closest(typed.lower(), catalog.ids, limit=limit)
    if len(ids) < limit and len(typed.strip()) >= 3:
        ids += [r.id for r in matching.resource_choices(catalog, typed, limit) if r.id not in ids][: limit - len(ids)]
    return matching.did_you_mean(catalog[rid].title for rid in ids)
