"""The audit log: who did what to the server's catalog, suggestions and settings, with the before and after.

An entry is written inside the same transaction as the action it records, so the log never claims an
action that did not happen, nor misses one that did.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.catalog.schema import Resource
from bot.store.connection import Database, Row, Session, time_from_db, time_to_db
from bot.store.models import AuditEntry

MAX_AUDIT_LIMIT = 500


def resource_json(resource: Resource) -> dict[str, Any]:
    """A resource as the JSON-ready dict the audit log keeps."""
    return resource.model_dump(mode="json")


def _to_json(value: dict[str, Any] | None) -> str | None:
    """A before/after as stored: compact JSON with sorted keys, or NULL."""
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


async def append_entry(
    session: Session,
    *,
    guild_id: int,
    moderator_id: int,
    action: str,
    target: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: datetime,
) -> int:
    """Write one entry inside the caller's transaction; return its id."""
    return await session.insert(
        "INSERT INTO audit_log (guild_id, moderator_id, action, target, before, after, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (guild_id, moderator_id, action, target, _to_json(before), _to_json(after), time_to_db(at)),
    )


def entry_from_row(row: Row) -> AuditEntry:
    """An audit row as its record."""
    return AuditEntry(
        id=row["id"],
        guild_id=row["guild_id"],
        moderator_id=row["moderator_id"],
        action=row["action"],
        target=row["target"],
        before=None if row["before"] is None else json.loads(row["before"]),
        after=None if row["after"] is None else json.loads(row["after"]),
        at=time_from_db(row["at"]),  # type: ignore[arg-type]
    )


async def recent_entries(db: Database, guild_id: int, limit: int) -> list[AuditEntry]:
    """The server's entries, newest first."""
    limit = max(0, min(limit, MAX_AUDIT_LIMIT))
    async with db.read() as session:
        rows = await session.fetchall(
            "SELECT * FROM audit_log WHERE guild_id = ? ORDER BY id DESC LIMIT ?", (guild_id, limit)
        )
    return [entry_from_row(row) for row in rows]
