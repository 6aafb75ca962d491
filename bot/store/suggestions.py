"""Members' suggestions of resources, and their reports of problems with one, queued for the moderators.

A suggestion is approved or rejected; a report (a dead link, wrong facts) is resolved or dismissed. Both are
rows of one table, so a member's data (export, deletion) and the queue hold them alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.catalog.matching import names_the_same, same_resource
from bot.catalog.schema import Resource, check_web_url
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.store.audit import append_entry
from bot.store.connection import Database, Row, as_utc, time_from_db, time_to_db, utc_now
from bot.store.models import Problem, Suggestion, SuggestionKind, SuggestionStatus
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


def suggestion_from_row(row: Row) -> Suggestion:
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
        kind=SuggestionKind(row["kind"]),
        resource_id=row["resource_id"],
        problem=Problem(row["problem"]) if row["problem"] else None,
    )


def _audited(suggestion: Suggestion) -> dict[str, Any]:
    """What the audit log keeps of a suggestion or report: its content and status, not who made it."""
    kept = {"id": suggestion.id, "title": suggestion.title, "url": suggestion.url, "status": suggestion.status.value}
    if suggestion.is_report:
        kept |= {
            "resource_id": suggestion.resource_id,
            "problem": suggestion.problem.value if suggestion.problem else None,
        }
    return kept


# What a moderator's verdict makes of each kind: the status, and the audit log's action.
_VERDICTS: dict[tuple[SuggestionKind, bool], tuple[SuggestionStatus, str]] = {
    (SuggestionKind.RESOURCE, True): (SuggestionStatus.APPROVED, "approve"),
    (SuggestionKind.RESOURCE, False): (SuggestionStatus.REJECTED, "reject"),
    (SuggestionKind.REPORT, True): (SuggestionStatus.RESOLVED, "resolve"),
    (SuggestionKind.REPORT, False): (SuggestionStatus.DISMISSED, "dismiss"),
}


class SuggestionQueue:
    """The suggestions of every server."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        guild_id: int,
        user_id: int,
        title: str,
        url: str,
        note: str | None,
        *,
        known: Iterable[Resource] = (),
        retired: Iterable[Resource] = (),
        now: datetime | None = None,
    ) -> Suggestion:
        """Queue a suggestion after checking the link, the title and the note.

        ConflictError, naming what is already there, for a resource the server has (`known`, or `retired` by
        it) or one already waiting in its queue: by the same title or the same address (`names_the_same`).
        """
        note = clean_note(note)
        title = clean_title(title)
        url = check_url(url)
        at = as_utc(now)
        there = same_resource(known, title, url)
        if there is not None:
            raise ConflictError(
                f"**{there.title}** is already in this server's catalog: `/resource info resource:{there.id}` shows it."
            )
        gone = same_resource(retired, title, url)
        if gone is not None:
            raise ConflictError(
                f"**{gone.title}** was in this server's catalog and a moderator retired it; "
                "a moderator can bring it back with `/catalog restore`."
            )
        async with self._db.transaction() as session:
            waiting = await session.fetchall(
                "SELECT id, title, url FROM suggestions WHERE guild_id = ? AND status = ? ORDER BY id",
                (guild_id, SuggestionStatus.PENDING.value),
            )
            for row in waiting:
                if names_the_same(title, url, row["title"], row["url"]):
                    raise ConflictError(
                        f"**{row['title']}** is already suggestion #{row['id']}, waiting for a moderator: "
                        "no need to suggest it again."
                    )
            suggestion_id = await session.insert(
                "INSERT INTO suggestions (guild_id, user_id, title, url, note, status, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, user_id, title, url, note, SuggestionStatus.PENDING.value, time_to_db(at)),
            )
        return Suggestion(suggestion_id, guild_id, user_id, title, url, note, SuggestionStatus.PENDING, at)

    async def report(
        self,
        guild_id: int,
        user_id: int,
        resource: Resource,
        problem: Problem,
        note: str | None,
        now: datetime | None = None,
    ) -> Suggestion:
        """Queue a member's report of a problem with a resource, naming it by id, title and link.

        Wrong facts need a note saying which; a member's second pending report of the same problem is refused.
        """
        note = clean_note(note)
        if problem is Problem.WRONG_FACTS and not note:
            raise InvalidInputError("Say which fact is wrong, so a moderator can put it right.")
        at = as_utc(now)
        async with self._db.transaction() as session:
            earlier = await session.scalar(
                "SELECT id FROM suggestions WHERE guild_id = ? AND user_id = ? AND kind = 'report'"
                " AND resource_id = ? AND problem = ? AND status = 'pending'",
                (guild_id, user_id, resource.id, problem.value),
            )
            if earlier is not None:
                raise ConflictError(
                    f"You already reported a {problem.label} on **{resource.title}** (#{earlier}); "
                    "it is waiting for a moderator."
                )
            report_id = await session.insert(
                "INSERT INTO suggestions (guild_id, user_id, title, url, note, status, created_at, kind, resource_id,"
                " problem) VALUES (?, ?, ?, ?, ?, ?, ?, 'report', ?, ?)",
                (
                    guild_id,
                    user_id,
                    resource.title,
                    resource.url,
                    note,
                    SuggestionStatus.PENDING.value,
                    time_to_db(at),
                    resource.id,
                    problem.value,
                ),
            )
        return Suggestion(
            report_id,
            guild_id,
            user_id,
            resource.title,
            resource.url,
            note,
            SuggestionStatus.PENDING,
            at,
            kind=SuggestionKind.REPORT,
            resource_id=resource.id,
            problem=problem,
        )

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

    async def decide(
        self, guild_id: int, moderator_id: int, suggestion_id: int, approve: bool, *, kind: SuggestionKind
    ) -> Suggestion:
        """Approve or reject a pending suggestion (resolve or dismiss a report), audited in the same transaction.

        `kind` is what the moderator meant to decide: a button under a report never approves a suggestion.
        """
        if isinstance(suggestion_id, bool) or not isinstance(suggestion_id, int):
            raise InvalidInputError("A suggestion is named by its number.")
        now = utc_now()
        status, action = _VERDICTS[(kind, approve)]
        async with self._db.transaction() as session:
            await session.lock("suggestion", suggestion_id)  # two moderators deciding at once: one decides
            row = await session.fetchone(
                "SELECT * FROM suggestions WHERE id = ? AND guild_id = ?", (suggestion_id, guild_id)
            )
            if row is None:
                raise NotFoundError(f"There is no suggestion #{suggestion_id} on this server.")
            before = suggestion_from_row(row)
            if before.kind is not kind:
                what = "a report of a problem" if before.is_report else "a suggested resource"
                raise ConflictError(f"#{suggestion_id} is {what}; decide it with the buttons under it in the queue.")
            if before.status is not SuggestionStatus.PENDING:
                raise ConflictError(f"Suggestion #{suggestion_id} was already {before.status.value}.")
            await session.execute(
                "UPDATE suggestions SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                (status.value, moderator_id, time_to_db(now), suggestion_id),
            )
            after = replace(before, status=status, decided_by=moderator_id, decided_at=now)
            await append_entry(
                session,
                guild_id=guild_id,
                moderator_id=moderator_id,
                action=action,
                target=str(suggestion_id),
                before=_audited(before),
                after=_audited(after),
                at=now,
            )
        return after
