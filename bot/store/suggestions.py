"""Members' suggestions of resources, queued for the server's moderators to approve or reject."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.catalog.schema import check_web_url
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.store.audit import append_entry
from bot.store.connection import Database, as_utc, time_from_db, time_to_db, utc_now
from bot.store.models import Suggestion, SuggestionStatus
from bot.store.text import clean_note, clean_title

MAX_LISTED = 200


def check_url(url: str) -> str:
    """An http(s) link with a host, or InvalidInputError saying what a link must look like."""
    if not isinstance(url, str) or any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise InvalidInputError("The link must be a web address starting with http:// or https://.")
    try:
        return check_web_url(url)
    except ValueError as exc:
        raise InvalidInputError(f"The link {exc}.") from None


def suggestion_from_row(row: sqlite3.Row) -> Suggestion:
    """A suggestions row as its record."""
    return Suggestion(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        title=row["title"],
        url=row["url"],
        note=row["note"],
        status=SuggestionStatus(row["status"]),
        created_at=time_from_db(row["created_at"]),  # type: ignore[arg-type]
        decided_by=row["decided_by"],
        decided_at=time_from_db(row["decided_at"]),
    )


def _audited(suggestion: Suggestion) -> dict[str, Any]:
    """What the audit log keeps of a suggestion: its content and status, not who suggested it."""
    return {"id": suggestion.id, "title": suggestion.title, "url": suggestion.url, "status": suggestion.status.value}


class SuggestionQueue:
    """The suggestions of every server."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, guild_id: int, user_id: int, title: str, url: str, note: str | None, now: datetime | None = None
    ) -> Suggestion:
        """Queue a suggestion after checking the link, the title and the note."""
        note = clean_note(note)
        title = clean_title(title)
        url = check_url(url)
        at = as_utc(now)
        async with self._db.transaction() as session:
            suggestion_id = await session.insert(
                "INSERT INTO suggestions (guild_id, user_id, title, url, note, status, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, user_id, title, url, note, SuggestionStatus.PENDING.value, time_to_db(at)),
            )
        return Suggestion(suggestion_id, guild_id, user_id, title, url, note, SuggestionStatus.PENDING, at)

    async def listed(self, guild_id: int, *, pending_only: bool) -> list[Suggestion]:
        """The server's suggestions, oldest first."""
        async with self._db.read() as session:
            if pending_only:
                rows = await session.fetchall(
                    "SELECT * FROM suggestions WHERE guild_id = ? AND status = ? ORDER BY id LIMIT ?",
                    (guild_id, SuggestionStatus.PENDING.value, MAX_LISTED),
                )
            else:
                rows = await session.fetchall(
                    "SELECT * FROM suggestions WHERE guild_id = ? ORDER BY id LIMIT ?", (guild_id, MAX_LISTED)
                )
        return [suggestion_from_row(row) for row in rows]

    async def decide(self, guild_id: int, moderator_id: int, suggestion_id: int, approve: bool) -> Suggestion:
        """Approve or reject a pending suggestion of this server, audited in the same transaction."""
        if isinstance(suggestion_id, bool) or not isinstance(suggestion_id, int):
            raise InvalidInputError("A suggestion is named by its number.")
        now = utc_now()
        status = SuggestionStatus.APPROVED if approve else SuggestionStatus.REJECTED
        async with self._db.transaction() as session:
            row = await session.fetchone(
                "SELECT * FROM suggestions WHERE id = ? AND guild_id = ?", (suggestion_id, guild_id)
            )
            if row is None:
                raise NotFoundError(f"There is no suggestion #{suggestion_id} on this server.")
            before = suggestion_from_row(row)
            if before.status is not SuggestionStatus.PENDING:
                raise ConflictError(f"Suggestion #{suggestion_id} was already {before.status.value}.")
            await session.execute(
                "UPDATE suggestions SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                (status.value, moderator_id, time_to_db(now), suggestion_id),
            )
            after = Suggestion(
                before.id,
                before.guild_id,
                before.user_id,
                before.title,
                before.url,
                before.note,
                status,
                before.created_at,
                moderator_id,
                now,
            )
            await append_entry(
                session,
                guild_id=guild_id,
                moderator_id=moderator_id,
                action="approve" if approve else "reject",
                target=str(suggestion_id),
                before=_audited(before),
                after=_audited(after),
                at=now,
            )
        return after
