"""The store: everything Pillars remembers, behind one async interface with no Discord in it.

CONTRACT (the Discord layer codes against these signatures):
- Every write is one transaction: it commits whole or leaves nothing behind.
- Expected failures raise the `bot.errors` family with a message written for the member:
  NotFoundError (unknown resource/suggestion, with "did you mean" where close), InvalidInputError (position
  past the end, negative, note too long, bad field), ConflictError (id taken, already retired),
  StorageUnavailableError (read-only file, disk full). Nothing else escapes for member-caused input.
- Times are timezone-aware UTC datetimes; `now`/`today` parameters exist so tests can fix the clock.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Resource
from bot.community import CommunityFacts, read_drop_reason
from bot.errors import InvalidInputError
from bot.pace import Pace
from bot.reading import ReadingStatus
from bot.store.audit import append_entry, recent_entries
from bot.store.changes import CURATED
from bot.store.clubs import ClubBook
from bot.store.community import CommunityBook
from bot.store.connection import Database, backup_file, open_database, utc_now
from bot.store.goals import GoalBook
from bot.store.guild_catalog import GuildCatalogs
from bot.store.members import MemberData
from bot.store.models import (
    AuditEntry,
    CommunityCard,
    GuildSettings,
    ImportSummary,
    LeaderboardRow,
    Problem,
    ProgressEvent,
    Rating,
    ReadingStats,
    ShelfEntry,
    Suggestion,
    SuggestionKind,
)
from bot.store.progress import ProgressLog, ReadThrough, check_position, check_status
from bot.store.reminders import ReminderBook
from bot.store.schedule import ScheduleBook
from bot.store.settings import SettingsBook
from bot.store.suggestions import SuggestionQueue
from bot.store.text import MAX_NOTE, clean_note

__all__ = ["MAX_NOTE", "Store", "backup_database"]


class Store:
    """Reading progress, the live catalog, suggestions, the audit log and server settings, in SQLite or
    PostgreSQL (the same promises on both: `bot.store.connection`).

    The study rhythm's families are reached as attributes, each with its own contract: `goals`
    (`bot.store.goals`), `reminders` (time zones, reminders, the nudge ledger), `clubs`, and `schedule`
    (the scheduler's schedules and jobs).
    """

    def __init__(self, db: Database, curated: Catalog) -> None:
        self._db = db
        self._catalogs = GuildCatalogs(db, curated)
        self._community = CommunityBook(db)
        self._progress = ProgressLog(db, self._community.changed)
        self._suggestions = SuggestionQueue(db)
        self._settings = SettingsBook(db)
        self._members = MemberData(db, self._progress)
        self.goals = GoalBook(db)
        self.reminders = ReminderBook(db)
        self.clubs = ClubBook(db)
        self.schedule = ScheduleBook(db)

    @classmethod
    async def open(cls, location: Path | str, curated: Catalog, *, read_only: bool = False) -> Store:
        """Open (creating if needed) the database at `location`, apply pending migrations, and serve `curated`.

        `location` is a SQLite file, `":memory:"` (a private database that vanishes on close), or a
        `postgresql://` URL. `read_only` opens an existing database without ever writing to it: reads work,
        writes raise StorageUnavailableError.
        """
        return cls(await open_database(location, read_only=read_only), curated)

    @property
    def database(self) -> Database:
        """The connection layer under the store, for tools and tests about the connection itself."""
        return self._db

    def cached_read_throughs(self, user_id: int) -> dict[str, ReadThrough] | None:
        """The member's current read-throughs as the writers keep them in memory (None: not loaded yet)."""
        return self._progress.cached(user_id)

    async def close(self) -> None:
        """Close the connections, committing an open batch first; acknowledged writes are already durable."""
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # --- the live catalog -------------------------------------------------------------------------

    @property
    def curated(self) -> Catalog:
        """The curated catalog from data/, as last loaded."""
        return self._catalogs.curated

    def replace_curated(self, catalog: Catalog, *, by_guild: int | None = None) -> None:
        """Serve a newly loaded curated catalog (after /catalog reload); moderators' changes stay on top.

        `by_guild`: a moderator of that server reloaded the files, so every other process sharing the database
        is told to reload its own (`bot.store.changes.CURATED`)."""
        self._catalogs.replace_curated(catalog)
        if by_guild is not None:
            self._db.publish(CURATED, by_guild)

    async def catalog_for(self, guild_id: int | None) -> Catalog:
        """The catalog a server sees: curated, plus its moderators' additions and edits, minus what it retired.

        `None` (a DM) sees the curated catalog minus nothing. Cached per guild; writes invalidate the cache.
        """
        return await self._catalogs.catalog_for(guild_id)

    async def resource(self, guild_id: int | None, resource_id: str) -> Resource:
        """The live resource with this id; NotFoundError (with "did you mean") when unknown or retired."""
        return await self._catalogs.resource(guild_id, resource_id)

    async def retired(self, guild_id: int) -> list[Resource]:
        """The resources this server retired (hidden from recommendations, progress on them kept)."""
        return await self._catalogs.retired(guild_id)

    async def guild_resources(self, guild_id: int) -> list[Resource]:
        """What this server's moderators added or edited (for /catalog export), in catalog order."""
        return await self._catalogs.guild_resources(guild_id)

    async def add_resource(self, guild_id: int, moderator_id: int, resource: Resource) -> Resource:
        """Add a resource to this server's catalog; ConflictError if the id is already live there. Audited."""
        return await self._catalogs.add(guild_id, moderator_id, resource)

    async def edit_resource(self, guild_id: int, moderator_id: int, resource: Resource) -> Resource:
        """Replace the live resource with the same id (curated or added); return the one before. Audited."""
        return await self._catalogs.edit(guild_id, moderator_id, resource)

    async def retire_resource(self, guild_id: int, moderator_id: int, resource_id: str) -> Resource:
        """Hide a resource from this server; members' progress on it is kept. Audited. Returns it."""
        return await self._catalogs.retire(guild_id, moderator_id, resource_id)

    async def restore_resource(self, guild_id: int, moderator_id: int, resource_id: str) -> Resource:
        """Undo a retire. Audited."""
        return await self._catalogs.restore(guild_id, moderator_id, resource_id)

    async def import_resources(
        self, guild_id: int, moderator_id: int, resources: list[Resource], *, dry_run: bool = False
    ) -> ImportSummary:
        """Add or update many resources in one transaction (all or nothing); a dry run changes nothing."""
        return await self._catalogs.import_(guild_id, moderator_id, resources, dry_run=dry_run)

    # --- reading progress (per member, across servers) -------------------------------------------

    async def log_progress(
        self,
        user_id: int,
        guild_id: int | None,
        resource_id: str,
        *,
        status: ReadingStatus | None = None,
        position: int | None = None,
        note: str | None = None,
        now: datetime | None = None,
        reason: str | None = None,
    ) -> ShelfEntry:
        """Record an update: status and/or position (in the resource's own unit) and/or a note.

        Rules: the resource must be live in that guild (not unknown, not retired); 0 ≤ position ≤ length;
        note ≤ MAX_NOTE. A position with no status means reading (starting if need be); reaching the end
        means finished. Logging reading/want-to-read on a finished resource starts a new read-through
        (read_count + 1), keeping the first. Every update is also appended to the history. A `reason` (one of
        `bot.community.DropReason`, or the member's own words) goes only with status dropped.
        """
        # Everything that can be checked without the database is checked first, the note before all else,
        # so a huge paste costs nothing.
        note = clean_note(note)
        status = check_status(status)
        position = check_position(position)
        why = None
        if reason is not None:
            why = read_drop_reason(reason)
            if status is not ReadingStatus.DROPPED:
                raise InvalidInputError("A reason goes with dropping a resource: log it with status dropped.")
        resource = await self._catalogs.resource(guild_id, resource_id)
        return await self._progress.log(
            user_id, guild_id, resource, status=status, position=position, note=note, now=now, reason=why
        )

    async def shelf(self, user_id: int) -> list[ShelfEntry]:
        """The member's resources, current read-through each, most recently updated first."""
        return await self._progress.shelf(user_id)

    async def statuses(self, user_id: int) -> dict[str, ReadingStatus]:
        """resource id → status, the history the recommender takes."""
        return await self._progress.statuses(user_id)

    async def history(self, user_id: int, *, limit: int = 25, resource_id: str | None = None) -> list[ProgressEvent]:
        """The member's updates, newest first."""
        return await self._progress.history(user_id, limit=limit, resource_id=resource_id)

    async def stats(self, user_id: int, *, now: datetime | None = None) -> ReadingStats:
        """The member's totals and streaks, in their own days: in the time zone they set (`/goal set`,
        `/reminders set`), else in UTC."""
        zone = await self.reminders.days_zone(user_id)
        return await self._progress.stats(user_id, now=now or utc_now(), zone=zone)

    async def leaderboard(
        self, user_ids: Collection[int] | None = None, *, limit: int = 10, since: datetime | None = None
    ) -> list[LeaderboardRow]:
        """Members ranked by finished resources, then updates; limited to `user_ids` (a server's members).

        A resource finished twice (a re-read) counts once; a member with no update at all (from `since` on, when
        given) is not listed, nor one who chose to be left out of community figures.
        """
        return await self._progress.leaderboard(user_ids, limit=limit, since=since)

    async def pace(self, user_id: int) -> Pace:
        """The member's reading pace in each unit, from their own history (the usual pace where it has none)."""
        return await self._progress.pace(user_id)

    # --- what the community's reading says (ratings, reasons, outcomes; privacy first) ------------

    async def rate(
        self,
        user_id: int,
        guild_id: int | None,
        resource_id: str,
        rating: int,
        *,
        review: str | None = None,
        named: bool | None = None,
        now: datetime | None = None,
    ) -> Rating:
        """Rate a resource the member finished (1–5 stars), with an optional review ('' removes it, None keeps it).

        `named` signs the review with the member's name where it is shown; by default it shows only its text
        and rating. InvalidInputError, changing nothing, for anything out of bounds or a resource not finished.
        """
        resource = await self._catalogs.resource(guild_id, resource_id)
        return await self._community.rate(user_id, guild_id, resource, rating, review=review, named=named, now=now)

    async def rating(self, user_id: int, resource_id: str) -> Rating | None:
        """The member's own rating of a resource, or None."""
        return await self._community.rating_of(user_id, resource_id)

    async def give_drop_reason(
        self, user_id: int, guild_id: int | None, resource_id: str, reason: str, *, now: datetime | None = None
    ) -> None:
        """Say why the member dropped a resource: a listed reason or their own words (kept for them alone)."""
        why, detail = read_drop_reason(reason)
        resource = await self._catalogs.resource(guild_id, resource_id)
        await self._community.give_drop_reason(user_id, resource, why, detail, now=now)

    async def in_community(self, user_id: int) -> bool:
        """Whether the member counts in community figures (the default) or chose to be left out."""
        return await self._community.in_community(user_id)

    async def set_privacy(self, user_id: int, *, in_community: bool, now: datetime | None = None) -> None:
        """Count the member in, or leave them out of, every community figure, review shown and leaderboard."""
        await self._community.set_privacy(user_id, in_community, now=now)

    async def community_card(self, guild_id: int | None, resource: Resource) -> CommunityCard:
        """What a resource's readers show: outcomes here and everywhere and the latest reviews, privacy first."""
        return await self._community.card(resource, guild_id)

    async def community_facts(self, guild_id: int | None) -> CommunityFacts:
        """A server's facts for the ranking (every server's in a DM), past the threshold, without opted-out members."""
        return await self._community.facts(guild_id)

    # --- suggestions and the audit log ------------------------------------------------------------

    async def add_suggestion(
        self, guild_id: int, user_id: int, title: str, url: str, note: str | None = None
    ) -> Suggestion:
        """Queue a member's suggestion; the URL must be http(s), title 1–200, note ≤ MAX_NOTE.

        A resource the server already has (live or retired) or already waiting in its queue is refused,
        naming it (ConflictError).
        """
        known, retired = await self._catalogs.catalog_for(guild_id), await self._catalogs.retired(guild_id)
        return await self._suggestions.add(guild_id, user_id, title, url, note, known=known, retired=retired)

    async def suggestions(self, guild_id: int, *, pending_only: bool = True) -> list[Suggestion]:
        """The server's suggestions, oldest first."""
        return await self._suggestions.listed(guild_id, pending_only=pending_only)

    async def decide_suggestion(
        self, guild_id: int, moderator_id: int, suggestion_id: int, approve: bool
    ) -> Suggestion:
        """Approve or reject a pending suggestion; ConflictError if already decided. Audited."""
        return await self._suggestions.decide(
            guild_id, moderator_id, suggestion_id, approve, kind=SuggestionKind.RESOURCE
        )

    async def report_problem(
        self, guild_id: int, user_id: int, resource: Resource, problem: Problem, note: str | None
    ) -> Suggestion:
        """Queue a member's report of a problem with a resource (wrong facts need a note; no pending repeat)."""
        return await self._suggestions.report(guild_id, user_id, resource, problem, note)

    async def resolve_report(self, guild_id: int, moderator_id: int, report_id: int, fixed: bool) -> Suggestion:
        """Resolve (fixed) or dismiss a pending report; ConflictError if already decided. Audited."""
        return await self._suggestions.decide(guild_id, moderator_id, report_id, fixed, kind=SuggestionKind.REPORT)

    async def audit_log(self, guild_id: int, *, limit: int = 20) -> list[AuditEntry]:
        """The server's moderator actions, newest first."""
        return await recent_entries(self._db, guild_id, limit)

    async def record_action(
        self,
        guild_id: int,
        moderator_id: int,
        action: str,
        target: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Audit an action the store does not perform itself (a catalog reload)."""
        if not isinstance(action, str) or not action.strip() or len(action) > 40:
            raise InvalidInputError("An audited action needs a short name.")
        async with self._db.transaction() as session:
            await append_entry(
                session,
                guild_id=guild_id,
                moderator_id=moderator_id,
                action=action.strip(),
                target=target,
                before=before,
                after=after,
                at=utc_now(),
            )

    # --- server settings --------------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's settings, defaults when it set none."""
        return await self._settings.get(guild_id)

    async def update_guild_settings(self, guild_id: int, moderator_id: int, **changes: int | None) -> GuildSettings:
        """Change some settings (moderator_role_id, announce_channel_id). Audited."""
        return await self._settings.update(guild_id, moderator_id, changes)

    # --- a member's own data ----------------------------------------------------------------------

    async def export_member(self, user_id: int) -> dict[str, Any]:
        """Everything stored about a member, as JSON-ready data (shelf, history, suggestions)."""
        return await self._members.export(user_id)

    async def delete_member(self, user_id: int) -> int:
        """Delete everything stored about a member in one transaction; return how many rows went.

        Their own rows are deleted; a server's records of what they did as a moderator are kept without their id
        (see `bot.store.members`), and those rows count too.
        """
        try:
            return await self._members.delete(user_id)
        finally:
            self._progress.forget(user_id)
            self._community.changed()

    # --- operations -------------------------------------------------------------------------------

    async def backup(self, dest: Path | str) -> None:
        """A consistent copy of this store's database at `dest`: everything committed when it starts."""
        await self._db.backup_to(dest)


async def backup_database(source: Path | str, dest: Path | str) -> str:
    """A consistent copy of a (possibly live) database: SQLite's online backup, or PostgreSQL's pg_dump; what it
    wrote, in words."""
    return await backup_file(source, dest)
