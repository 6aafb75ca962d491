"""A member's own data: everything stored about them, exported, or deleted in one transaction.

Rows that are the member's (read-throughs, progress updates, reasons for dropping, ratings and reviews, their
privacy choice, suggestions and reports they made, their time zone, goals, reminders and what was sent for them,
club memberships) are deleted, and the outcome counts they were part of lose them. Rows that belong to a server
but name the member as the one who acted (the audit log, a decided suggestion, an added or retired resource, a
club they started) keep the server's record and lose the member: their id becomes `DELETED_MEMBER`.
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.changes import MEMBER
from bot.store.connection import Database, rows_as_dicts, time_to_db, utc_now
from bot.store.progress import ProgressLog

DELETED_MEMBER = 0

# (table, column) pairs where a moderator's id stands for who acted.
_ACTED_BY = (
    ("audit_log", "moderator_id"),
    ("suggestions", "decided_by"),
    ("guild_resources", "created_by"),
    ("guild_resources", "updated_by"),
    ("guild_retired", "retired_by"),
    ("clubs", "started_by"),
)

# The member's own rows of the study rhythm; jobs before their schedules, so cascaded rows are counted too.
_RHYTHM_ROWS = (
    "DELETE FROM jobs WHERE user_id = ?",
    "DELETE FROM schedules WHERE user_id = ?",
    "DELETE FROM club_members WHERE user_id = ?",
    "DELETE FROM member_nudges WHERE user_id = ?",
    "DELETE FROM reminders WHERE user_id = ?",
    "DELETE FROM goals WHERE user_id = ?",
    "DELETE FROM member_settings WHERE user_id = ?",
)


class MemberData:
    """Export and erasure of one member's data."""

    def __init__(self, db: Database, progress: ProgressLog) -> None:
        self._db = db
        self._progress = progress

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything about the member as JSON-ready data, read from one snapshot."""
        async with self._db.read() as session:
            shelf = await session.fetchall(
                "SELECT resource_id, number AS read_through, status, position, unit, total, started_at,"
                " finished_at, note, updated_at FROM read_throughs WHERE user_id = ? ORDER BY resource_id, number",
                (user_id,),
            )
            history = await session.fetchall(
                "SELECT resource_id, guild_id, status, position, note, at FROM progress_events"
                " WHERE user_id = ? ORDER BY at, id",
                (user_id,),
            )
            suggestions = await session.fetchall(
                "SELECT id, guild_id, kind, resource_id, problem, title, url, note, status, created_at, decided_at"
                " FROM suggestions"
                " WHERE user_id = ? ORDER BY id",
                (user_id,),
            )
            ratings = await session.fetchall(
                "SELECT resource_id, guild_id, rating, review, named, rated_at, updated_at FROM ratings"
                " WHERE user_id = ? ORDER BY resource_id",
                (user_id,),
            )
            reasons = await session.fetchall(
                "SELECT r.resource_id, r.number AS read_through, d.reason, d.detail, d.given_at"
                " FROM drop_reasons AS d JOIN read_throughs AS r ON r.id = d.read_through_id"
                " WHERE r.user_id = ? ORDER BY r.resource_id, r.number",
                (user_id,),
            )
            privacy = await session.fetchone(
                "SELECT in_community, updated_at FROM member_privacy WHERE user_id = ?", (user_id,)
            )
            actions = await session.fetchall(
                "SELECT guild_id, action, target, before, after, at FROM audit_log WHERE moderator_id = ? ORDER BY id",
                (user_id,),
            )
            settings = await session.fetchone("SELECT time_zone FROM member_settings WHERE user_id = ?", (user_id,))
            goals = await session.fetchall(
                "SELECT unit, amount, period, created_at, updated_at FROM goals WHERE user_id = ? ORDER BY unit",
                (user_id,),
            )
            reminder = await session.fetchone(
                "SELECT guild_id, at, weekdays, time_zone, streak_nudge, created_at, updated_at FROM reminders"
                " WHERE user_id = ?",
                (user_id,),
            )
            clubs = await session.fetchall(
                "SELECT c.guild_id, c.resource_id, c.title, c.starts_on, c.state, m.on_board, m.nudges, m.joined_at"
                " FROM club_members AS m JOIN clubs AS c ON c.id = m.club_id WHERE m.user_id = ? ORDER BY m.id",
                (user_id,),
            )
            sent = await session.fetchall(
                "SELECT kind, due_at, state, outcome, done_at FROM jobs WHERE user_id = ? ORDER BY due_at, id",
                (user_id,),
            )
        moderator_actions = [
            {**row, "before": _json(row["before"]), "after": _json(row["after"])} for row in rows_as_dicts(actions)
        ]
        return {
            "user_id": user_id,
            "exported_at": time_to_db(utc_now()),
            "shelf": rows_as_dicts(shelf),  # every read-through; a re-read is a second row of the same resource
            "history": rows_as_dicts(history),
            "suggestions": rows_as_dicts(suggestions),
            "ratings": [{**row, "named": bool(row["named"])} for row in rows_as_dicts(ratings)],
            "drop_reasons": rows_as_dicts(reasons),
            # Whether their reading counts in what others see (community figures, reviews, the leaderboard).
            "community": {
                "in_community_figures": privacy is None or bool(privacy["in_community"]),
                "chosen_at": None if privacy is None else privacy["updated_at"],
            },
            "moderator_actions": moderator_actions,
            "time_zone": settings["time_zone"] if settings else None,
            "goals": rows_as_dicts(goals),
            "reminder": None if reminder is None else {**dict(reminder), "weekdays": json.loads(reminder["weekdays"])},
            "club_memberships": rows_as_dicts(clubs),
            "reminders_sent": rows_as_dicts(sent),  # every reminder and nudge due for them, and what became of it
        }

    async def delete(self, user_id: int) -> int:
        """Delete the member's rows and anonymise their moderator actions, in one transaction.

        Returns the rows deleted plus the rows that stopped naming them.
        """
        gone = 0
        async with self._db.transaction() as session:
            await session.lock(MEMBER, user_id)
            session.notify(MEMBER, user_id)
            # History and reasons first: rows removed by ON DELETE CASCADE would not be counted. The triggers take
            # the member out of every outcome count as their rows go (migration 0004).
            gone += await session.execute(
                "DELETE FROM drop_reasons WHERE read_through_id IN (SELECT id FROM read_throughs WHERE user_id = ?)",
                (user_id,),
            )
            gone += await session.execute("DELETE FROM progress_events WHERE user_id = ?", (user_id,))
            gone += await session.execute("DELETE FROM read_throughs WHERE user_id = ?", (user_id,))
            self._progress.drop_read_throughs(user_id)  # inside the transaction: before the batch's next writer
            gone += await session.execute("DELETE FROM suggestions WHERE user_id = ?", (user_id,))
            gone += await session.execute("DELETE FROM ratings WHERE user_id = ?", (user_id,))
            gone += await session.execute("DELETE FROM member_privacy WHERE user_id = ?", (user_id,))
            for statement in _RHYTHM_ROWS:
                gone += await session.execute(statement, (user_id,))
            for table, column in _ACTED_BY:
                gone += await session.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {column} = ?",  # names from the constant above
                    (DELETED_MEMBER, user_id),
                )
        return gone


def _json(text: str | None) -> Any:
    """A stored JSON column as data."""
    return None if text is None else json.loads(text)
