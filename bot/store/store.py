"""The store: everything Pillars remembers, behind one async interface with no Discord in it.

CONTRACT (the Discord layer codes against these signatures; bodies are being implemented):
- Every write is one transaction: it commits whole or leaves nothing behind.
- Expected failures raise the `bot.errors` family with a message written for the member:
  NotFoundError (unknown resource/suggestion, with "did you mean" where close), InvalidInputError (position
  past the end, negative, note too long, bad field), ConflictError (id taken, already retired),
  StorageUnavailableError (read-only file, disk full). Nothing else escapes for member-caused input.
- Times are timezone-aware UTC datetimes; `now`/`today` parameters exist so tests can fix the clock.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Resource
from bot.reading import ReadingStatus
from bot.store.models import (
    AuditEntry,
    GuildSettings,
    ImportSummary,
    LeaderboardRow,
    ProgressEvent,
    ReadingStats,
    ShelfEntry,
    Suggestion,
)

MAX_NOTE = 500  # characters in a progress note or a suggestion note


class Store:
    """Reading progress, the live catalog, suggestions, the audit log and server settings, in SQLite."""

    @classmethod
    async def open(cls, path: Path | str, curated: Catalog) -> Store:
        """Open (creating if needed) the database at `path`, apply pending migrations, and serve `curated`."""
        raise NotImplementedError

    async def close(self) -> None:
        """Close the connection; acknowledged writes are already durable."""
        raise NotImplementedError

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # --- the live catalog -------------------------------------------------------------------------

    @property
    def curated(self) -> Catalog:
        """The curated catalog from data/, as last loaded."""
        raise NotImplementedError

    def replace_curated(self, catalog: Catalog) -> None:
        """Serve a newly loaded curated catalog (after /catalog reload); moderators' changes stay on top."""
        raise NotImplementedError

    async def catalog_for(self, guild_id: int | None) -> Catalog:
        """The catalog a server sees: curated, plus its moderators' additions and edits, minus what it retired.

        `None` (a DM) sees the curated catalog minus nothing. Cached per guild; writes invalidate the cache.
        """
        raise NotImplementedError

    async def resource(self, guild_id: int | None, resource_id: str) -> Resource:
        """The live resource with this id; NotFoundError (with "did you mean") when unknown or retired."""
        raise NotImplementedError

    async def retired(self, guild_id: int) -> list[Resource]:
        """The resources this server retired (hidden from recommendations, progress on them kept)."""
        raise NotImplementedError

    async def guild_resources(self, guild_id: int) -> list[Resource]:
        """What this server's moderators added or edited (for /catalog export), in catalog order."""
        raise NotImplementedError

    async def add_resource(self, guild_id: int, moderator_id: int, resource: Resource) -> Resource:
        """Add a resource to this server's catalog; ConflictError if the id is already live there. Audited."""
        raise NotImplementedError

    async def edit_resource(self, guild_id: int, moderator_id: int, resource: Resource) -> Resource:
        """Replace the live resource with the same id (curated or added); return the one before. Audited."""
        raise NotImplementedError

    async def retire_resource(self, guild_id: int, moderator_id: int, resource_id: str) -> Resource:
        """Hide a resource from this server; members' progress on it is kept. Audited. Returns it."""
        raise NotImplementedError

    async def restore_resource(self, guild_id: int, moderator_id: int, resource_id: str) -> Resource:
        """Undo a retire. Audited."""
        raise NotImplementedError

    async def import_resources(
        self, guild_id: int, moderator_id: int, resources: list[Resource], *, dry_run: bool = False
    ) -> ImportSummary:
        """Add or update many resources in one transaction (all or nothing); a dry run changes nothing."""
        raise NotImplementedError

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
    ) -> ShelfEntry:
        """Record an update: status and/or position (in the resource's own unit) and/or a note.

        Rules: the resource must be live in that guild (not unknown, not retired); 0 ≤ position ≤ length;
        note ≤ MAX_NOTE. A position with no status means reading (starting if need be); reaching the end
        means finished. Logging reading/want-to-read on a finished resource starts a new read-through
        (read_count + 1), keeping the first. Every update is also appended to the history.
        """
        raise NotImplementedError

    async def shelf(self, user_id: int) -> list[ShelfEntry]:
        """The member's resources, current read-through each, most recently updated first."""
        raise NotImplementedError

    async def statuses(self, user_id: int) -> dict[str, ReadingStatus]:
        """resource id → status, the history the recommender takes."""
        raise NotImplementedError

    async def history(self, user_id: int, *, limit: int = 25, resource_id: str | None = None) -> list[ProgressEvent]:
        """The member's updates, newest first."""
        raise NotImplementedError

    async def stats(self, user_id: int, *, today: date | None = None) -> ReadingStats:
        """The member's totals and streaks (days in UTC)."""
        raise NotImplementedError

    async def leaderboard(self, user_ids: Collection[int] | None = None, *, limit: int = 10) -> list[LeaderboardRow]:
        """Members ranked by finished resources, then updates; limited to `user_ids` (a server's members)."""
        raise NotImplementedError

    # --- suggestions and the audit log ------------------------------------------------------------

    async def add_suggestion(
        self, guild_id: int, user_id: int, title: str, url: str, note: str | None = None
    ) -> Suggestion:
        """Queue a member's suggestion; the URL must be http(s), title 1–200, note ≤ MAX_NOTE."""
        raise NotImplementedError

    async def suggestions(self, guild_id: int, *, pending_only: bool = True) -> list[Suggestion]:
        """The server's suggestions, oldest first."""
        raise NotImplementedError

    async def decide_suggestion(
        self, guild_id: int, moderator_id: int, suggestion_id: int, approve: bool
    ) -> Suggestion:
        """Approve or reject a pending suggestion; ConflictError if already decided. Audited."""
        raise NotImplementedError

    async def audit_log(self, guild_id: int, *, limit: int = 20) -> list[AuditEntry]:
        """The server's moderator actions, newest first."""
        raise NotImplementedError

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
        raise NotImplementedError

    # --- server settings --------------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's settings, defaults when it set none."""
        raise NotImplementedError

    async def update_guild_settings(self, guild_id: int, moderator_id: int, **changes: int | None) -> GuildSettings:
        """Change some settings (moderator_role_id, announce_channel_id). Audited."""
        raise NotImplementedError

    # --- a member's own data ----------------------------------------------------------------------

    async def export_member(self, user_id: int) -> dict[str, Any]:
        """Everything stored about a member, as JSON-ready data (shelf, history, suggestions)."""
        raise NotImplementedError

    async def delete_member(self, user_id: int) -> int:
        """Delete everything stored about a member in one transaction; return how many rows went."""
        raise NotImplementedError


async def backup_database(source: Path | str, dest: Path | str) -> None:
    """A consistent copy of a (possibly live) database, with SQLite's online backup."""
    raise NotImplementedError
