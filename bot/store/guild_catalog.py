"""The live catalog of each server: curated, plus its moderators' additions and edits, minus what it retired.

The curated files stay the source of truth for curated entries; a moderator's edit of one is stored as a
row of its own (same id, the server's data) and sits on top of whatever the files say, across restarts and
reloads. Retiring hides a resource from the server but keeps members' progress on it.

Each server's view is cached; every write to a server's catalog invalidates its entry, and a generation
counter stops a read that raced a write from caching what it saw before the write. A view is read once
however many commands find it missing at the same time (after a moderator's edit, every command of a busy
server does): they all wait for the one read in flight (single-flight), unless a write came in since it
started, in which case the next caller starts a fresh one. A change made by another process (PostgreSQL)
drops the server's view when its notification arrives (`bot.store.changes`), and every change locks the
server first (`Session.lock`), so two processes changing one server's catalog take turns.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import find_cycles
from bot.catalog.schema import Resource
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.store.audit import append_entry, resource_json
from bot.store.changes import CATALOG
from bot.store.connection import Database, Session, time_to_db, utc_now
from bot.store.models import ImportSummary
from bot.store.text import did_you_mean

log = logging.getLogger(__name__)


async def _audit(
    session: Session,
    guild_id: int,
    moderator_id: int,
    action: str,
    target: str,
    before: Resource | None,
    after: Resource | None,
    at: datetime,
) -> None:
    """Record a moderator's change to one resource, with the resource as it was and as it is now."""
    await append_entry(
        session,
        guild_id=guild_id,
        moderator_id=moderator_id,
        action=action,
        target=target,
        before=None if before is None else resource_json(before),
        after=None if after is None else resource_json(after),
        at=at,
    )


MAX_IMPORT = 10_000  # resources in one import: so a server's export of up to 10,000 imports back in one file


@dataclass(frozen=True)
class GuildView:
    """One server's catalog as stored: what it overrides or adds, what it retired, and the result."""

    live: Catalog
    overrides: dict[str, Resource]  # added or edited here, in the order they were first stored
    retired_ids: tuple[str, ...]  # in the order they were retired

    def find(self, resource_id: str, curated: Catalog) -> Resource | None:
        """The resource with this id whether live or retired, or None."""
        return self.overrides.get(resource_id) or curated.get(resource_id)


class GuildCatalogs:
    """Serves and changes every server's live catalog."""

    def __init__(self, db: Database, curated: Catalog) -> None:
        self._db = db
        self._curated = curated
        self._cache: dict[int, GuildView] = {}
        self._generation = 0
        self._reading: dict[int, tuple[int, asyncio.Future[GuildView]]] = {}  # guild → (generation, read in flight)
        db.changes.subscribe(CATALOG, lambda key: self._invalidate(None if key is None else int(key)))

    @property
    def curated(self) -> Catalog:
        """The curated catalog as last loaded."""
        return self._curated

    def replace_curated(self, catalog: Catalog) -> None:
        """Serve a newly loaded curated catalog; servers' own rows stay on top of it."""
        self._curated = catalog
        self._invalidate(None)

    def _invalidate(self, guild_id: int | None) -> None:
        """Forget one server's cached view (every server's when None)."""
        self._generation += 1
        if guild_id is None:
            self._cache.clear()
        else:
            self._cache.pop(guild_id, None)

    async def _load(self, session: Session, guild_id: int) -> GuildView:
        """Read one server's rows and build its view."""
        overrides: dict[str, Resource] = {}
        stored_order = session.dialect.insertion_order
        rows = await session.fetchall(
            f"SELECT resource_id, data FROM guild_resources WHERE guild_id = ? ORDER BY {stored_order}", (guild_id,)
        )
        for row in rows:
            try:
                overrides[row["resource_id"]] = Resource.model_validate_json(row["data"])
            except ValidationError as exc:
                # A stored resource the current schema rejects (a topic since renamed) must not take the whole
                # server's catalog down; it is skipped and reported, and the row is kept for a moderator to fix.
                log.warning("Guild %s: stored resource %r no longer validates: %s", guild_id, row["resource_id"], exc)
        retired = await session.fetchall(
            f"SELECT resource_id FROM guild_retired WHERE guild_id = ? ORDER BY retired_at, {stored_order}", (guild_id,)
        )
        retired_ids = tuple(row["resource_id"] for row in retired)
        live = self._curated.merged(overrides.values(), hidden=retired_ids)
        return GuildView(live, overrides, retired_ids)

    async def view(self, guild_id: int) -> GuildView:
        """One server's view: from the cache when it holds it, else from the one read in flight for it."""
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        generation = self._generation
        reading = self._reading.get(guild_id)
        if reading is None or reading[0] != generation:  # none, or one that may not see a write made since
            reading = (generation, asyncio.ensure_future(self._read_view(guild_id, generation)))
            self._reading[guild_id] = reading
        # Shielded: a waiter cancelled (its interaction gone) must not cancel the read the others wait for.
        return await asyncio.shield(reading[1])

    async def _read_view(self, guild_id: int, generation: int) -> GuildView:
        """Read one server's view for everyone waiting on it; cache it unless a write came in meanwhile."""
        try:
            async with self._db.read() as session:
                view = await self._load(session, guild_id)
            if generation == self._generation and self._db.changes.exact:
                self._cache[guild_id] = view
            return view
        finally:
            if self._reading.get(guild_id, (None,))[0] == generation:
                del self._reading[guild_id]

    async def catalog_for(self, guild_id: int | None) -> Catalog:
        """The catalog a server sees; a DM (None) sees the curated catalog."""
        if guild_id is None:
            return self._curated
        return (await self.view(guild_id)).live

    async def resource(self, guild_id: int | None, resource_id: str) -> Resource:
        """The live resource with this id; NotFoundError saying why (unknown, or retired here) otherwise."""
        if guild_id is None:
            found = self._curated.get(resource_id)
            if found is None:
                raise NotFoundError(f"There is no resource '{resource_id}'{did_you_mean(resource_id, self._curated)}.")
            return found
        view = await self.view(guild_id)
        found = view.live.get(resource_id)
        if found is not None:
            return found
        if resource_id in view.retired_ids:
            retired = view.find(resource_id, self._curated)
            name = f"'{retired.title}'" if retired else f"'{resource_id}'"
            raise NotFoundError(
                f"{name} was retired on this server: it takes no new progress, and what was logged on it is kept."
            )
        raise NotFoundError(
            f"There is no resource '{resource_id}' in this server's catalog{did_you_mean(resource_id, view.live)}."
        )

    async def retired(self, guild_id: int) -> list[Resource]:
        """The resources this server retired, oldest retirement first."""
        view = await self.view(guild_id)
        found = (view.find(rid, self._curated) for rid in view.retired_ids)
        return [resource for resource in found if resource is not None]

    async def guild_resources(self, guild_id: int) -> list[Resource]:
        """What this server added or edited: curated edits in curated order, then additions as they came."""
        view = await self.view(guild_id)
        curated_order = {rid: index for index, rid in enumerate(self._curated.ids)}
        stored_order = {rid: index for index, rid in enumerate(view.overrides)}
        ordered = sorted(
            view.overrides.values(),
            key=lambda r: (r.id not in curated_order, curated_order.get(r.id, 0), stored_order[r.id]),
        )
        return ordered

    # --- changes --------------------------------------------------------------------------------

    @asynccontextmanager
    async def _changing(self, guild_id: int) -> AsyncIterator[tuple[Session, GuildView]]:
        """A write transaction with the server's current view read inside it (the server locked against other
        processes' changes, and named to their caches); this process's cache is dropped after."""
        try:
            async with self._db.transaction() as session:
                await session.lock(CATALOG, guild_id)
                session.notify(CATALOG, guild_id)
                yield session, await self._load(session, guild_id)
        finally:
            self._invalidate(guild_id)

    def _check_links(self, changed: list[Resource], view: GuildView) -> None:
        """Prerequisites must name resources this server knows, and never go round in a circle."""
        everything = self._curated.merged(view.overrides.values()).merged(changed)
        changed_ids = {resource.id for resource in changed}
        problems: list[str] = []
        for resource in changed:
            for prerequisite in resource.prerequisites:
                if prerequisite == resource.id:
                    problems.append(f"'{resource.id}' lists itself as a prerequisite.")
                elif prerequisite not in everything:
                    hint = did_you_mean(prerequisite, everything)
                    problems.append(f"'{resource.id}' needs '{prerequisite}', which is not in the catalog{hint}.")
        graph = {
            resource.id: [p for p in resource.prerequisites if p in everything and p != resource.id]
            for resource in everything
        }
        for cycle in find_cycles(graph):
            if changed_ids.intersection(cycle):
                problems.append(f"Prerequisites go round in a circle: {' → '.join([*cycle, cycle[0]])}.")
        if problems:
            raise InvalidInputError("\n".join(problems))

    async def _save(
        self,
        session: Session,
        view: GuildView,
        guild_id: int,
        moderator_id: int,
        action: str,
        before: Resource | None,
        resource: Resource,
        now: datetime,
    ) -> None:
        """Add or edit one resource of the server: check its links, keep it, and record who did it."""
        self._check_links([resource], view)
        await self._store(session, guild_id, moderator_id, resource, time_to_db(now))
        await _audit(session, guild_id, moderator_id, action, resource.id, before, resource, now)

    async def _store(self, session: Session, guild_id: int, moderator_id: int, resource: Resource, now: str) -> None:
        """Keep the server's version of a resource; one equal to the curated entry needs no row of its own."""
        if self._curated.get(resource.id) == resource:
            await session.execute(
                "DELETE FROM guild_resources WHERE guild_id = ? AND resource_id = ?", (guild_id, resource.id)
            )
            return
        await session.execute(
            "INSERT INTO guild_resources (guild_id, resource_id, data, created_by, created_at, updated_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id, resource_id) DO UPDATE SET"
            " data = excluded.data, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (guild_id, resource.id, resource.model_dump_json(), moderator_id, now, moderator_id, now),
        )

    async def add(self, guild_id: int, moderator_id: int, resource: Resource) -> Resource:
        """Add a resource to this server; ConflictError when its id is taken here (live or retired)."""
        now = utc_now()
        async with self._changing(guild_id) as (session, view):
            if resource.id in view.retired_ids:
                raise ConflictError(f"'{resource.id}' was retired on this server; restore it instead of adding it.")
            existing = view.live.get(resource.id)
            if existing is not None:
                raise ConflictError(f"'{resource.id}' is already in the catalog ({existing.title}); edit it instead.")
            await self._save(session, view, guild_id, moderator_id, "add", None, resource, now)
        return resource

    async def edit(self, guild_id: int, moderator_id: int, resource: Resource) -> Resource:
        """Replace the live resource with the same id; return the one before (no change, no audit entry)."""
        now = utc_now()
        async with self._changing(guild_id) as (session, view):
            before = view.live.get(resource.id)
            if before is None:
                if resource.id in view.retired_ids:
                    raise ConflictError(f"'{resource.id}' is retired on this server; restore it before editing it.")
                hint = did_you_mean(resource.id, view.live)
                raise NotFoundError(f"There is no resource '{resource.id}' in this server's catalog to edit{hint}.")
            if before == resource:
                return before
            await self._save(session, view, guild_id, moderator_id, "edit", before, resource, now)
        return before

    async def retire(self, guild_id: int, moderator_id: int, resource_id: str) -> Resource:
        """Hide a live resource from this server; members' progress on it stays."""
        now = utc_now()
        async with self._changing(guild_id) as (session, view):
            resource = view.live.get(resource_id)
            if resource is None:
                if resource_id in view.retired_ids:
                    raise ConflictError(f"'{resource_id}' is already retired on this server.")
                hint = did_you_mean(resource_id, view.live)
                raise NotFoundError(f"There is no resource '{resource_id}' in this server's catalog{hint}.")
            await session.execute(
                "INSERT INTO guild_retired (guild_id, resource_id, retired_by, retired_at) VALUES (?, ?, ?, ?)",
                (guild_id, resource_id, moderator_id, time_to_db(now)),
            )
            await _audit(session, guild_id, moderator_id, "retire", resource_id, resource, None, now)
        return resource

    async def restore(self, guild_id: int, moderator_id: int, resource_id: str) -> Resource:
        """Undo a retire."""
        now = utc_now()
        async with self._changing(guild_id) as (session, view):
            resource = view.find(resource_id, self._curated)
            if resource_id not in view.retired_ids:
                if resource is not None:
                    raise ConflictError(f"'{resource_id}' is not retired on this server.")
                retired = Catalog(r for r in (view.find(i, self._curated) for i in view.retired_ids) if r)
                hint = did_you_mean(resource_id, retired)
                raise NotFoundError(f"No retired resource is called '{resource_id}'{hint}.")
            if resource is None:
                raise NotFoundError(f"'{resource_id}' is no longer in the curated catalog, so it cannot come back.")
            await session.execute(
                "DELETE FROM guild_retired WHERE guild_id = ? AND resource_id = ?", (guild_id, resource_id)
            )
            await _audit(session, guild_id, moderator_id, "restore", resource_id, None, resource, now)
        return resource

    async def import_(
        self, guild_id: int, moderator_id: int, resources: list[Resource], *, dry_run: bool = False
    ) -> ImportSummary:
        """Add or update many resources in one transaction; a retired one is updated and stays retired.

        A dry run checks everything a real import checks and reports what it would do, writing nothing.
        """
        if len(resources) > MAX_IMPORT:
            raise InvalidInputError(f"An import holds at most {MAX_IMPORT} resources; this one has {len(resources)}.")
        repeated = sorted(rid for rid, count in Counter(r.id for r in resources).items() if count > 1)
        if repeated:
            raise InvalidInputError(f"The import lists these ids more than once: {', '.join(repeated)}.")
        summary = ImportSummary()
        now = utc_now()
        async with self._changing(guild_id) as (session, view):
            before: dict[str, dict] = {}
            after: dict[str, dict] = {}
            for resource in resources:
                existing = view.find(resource.id, self._curated)
                if existing is None:
                    summary.added.append(resource.id)
                elif existing == resource:
                    summary.unchanged.append(resource.id)
                    continue
                else:
                    summary.updated.append(resource.id)
                    before[resource.id] = resource_json(existing)
                after[resource.id] = resource_json(resource)
            self._check_links(resources, view)
            if dry_run or not after:
                return summary
            for resource in resources:
                if resource.id in after:
                    await self._store(session, guild_id, moderator_id, resource, time_to_db(now))
            await append_entry(
                session,
                guild_id=guild_id,
                moderator_id=moderator_id,
                action="import",
                target=None,
                before=before or None,
                after=after,
                at=now,
            )
        return summary
