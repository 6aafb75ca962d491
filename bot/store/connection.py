"""The one SQLite connection: opening it safely, migrating it, and running reads and transactions on it.

Every statement in the store goes through `Database`, with parameters, never formatted into SQL text.
A single asyncio lock serialises access to the connection: a write transaction and the reads of other
members never interleave on it, so nobody reads another update's uncommitted rows, and writes that belong
together commit together or not at all (`async with db.transaction() as tx:`).

Durability: the journal is WAL with `synchronous=FULL`. In WAL mode NORMAL already survives the process
being killed (the WAL is in the OS's page cache), but a power cut or kernel panic can lose the last
transactions; FULL syncs the WAL on every commit so an acknowledged write survives those too. A bot commits
a few times a second at most, so one fsync per commit costs nothing anyone notices.
"""

from __future__ import annotations

import asyncio
import importlib.resources
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import StorageUnavailableError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
MEMORY = ":memory:"

# SQLite primary result codes that mean "the storage cannot take writes now", not "the query is wrong".
_UNAVAILABLE_CODES = {
    5: "The database is busy; please try again in a moment.",  # SQLITE_BUSY
    8: "The database is read-only right now, so changes cannot be saved; reading still works.",  # READONLY
    10: "The disk holding the database failed a read or write; changes were not saved.",  # SQLITE_IOERR
    13: "The disk holding the database is full, so changes cannot be saved; reading still works.",  # FULL
    14: "The database file cannot be opened.",  # SQLITE_CANTOPEN
}
_UNAVAILABLE_WORDS = {
    "readonly database": 8,
    "read-only": 8,
    "disk i/o error": 10,
    "database or disk is full": 13,
    "database is locked": 5,
    "unable to open database": 14,
}


def storage_error(exc: sqlite3.Error) -> StorageUnavailableError | None:
    """The friendly error for a storage failure (read-only, I/O, full disk), or None for any other error."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary not in _UNAVAILABLE_CODES:
        text = str(exc).lower()
        primary = next((c for words, c in _UNAVAILABLE_WORDS.items() if words in text), None)
    if primary is None:
        return None
    return StorageUnavailableError(_UNAVAILABLE_CODES[primary])


# --- times as stored -------------------------------------------------------------------------------


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime:
    """A datetime in UTC (naive ones are taken to be UTC already); now when None."""
    if moment is None:
        return utc_now()
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def time_to_db(moment: datetime) -> str:
    """The stored text of a time: fixed-width ISO 8601 in UTC, so text order is time order."""
    return as_utc(moment).isoformat(timespec="microseconds")


def time_from_db(text: str | None) -> datetime | None:
    """A stored time back as an aware datetime."""
    return None if text is None else datetime.fromisoformat(text)


# --- migrations ------------------------------------------------------------------------------------

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file of bot/store/migrations/."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped with the bot, in order; numbers must run 1, 2, 3… with no gap."""
    folder = importlib.resources.files("bot.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002… with no gap: {[m.name for m in found]}")
    return found


# --- the connection --------------------------------------------------------------------------------


Params = Sequence[Any] | Mapping[str, Any]


class Session:
    """Statements on the connection while the caller holds it (inside `read()` or `transaction()`).

    Each method is one hop to aiosqlite's worker thread; a write's cost is mostly the number of hops.
    """

    __slots__ = ("_conn",)

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the rows it changed."""
        # The cursor is left to the garbage collector, as aiosqlite's own helpers do: closing it is a hop.
        cursor = await self._conn.execute(sql, params)
        return max(cursor.rowcount, 0)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT; return the new row's id."""
        row = await self._conn.execute_insert(sql, params)
        assert row is not None and row[0] is not None
        return int(row[0])

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """All rows of a query."""
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row of a query, or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Database:
    """The store's connection to one SQLite file, with its lock; the only object that touches aiosqlite."""

    def __init__(self, conn: aiosqlite.Connection, path: str, read_only: bool) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path
        self.read_only = read_only

    @classmethod
    async def open(cls, path: Path | str, *, read_only: bool = False, migrate_to: int | None = None) -> Database:
        """Open the file (creating it unless read-only), set it up for durability, and apply pending migrations.

        `migrate_to` stops at that schema version (tests build old databases with it).
        """
        location = str(path)
        try:
            if location == MEMORY:
                conn = await aiosqlite.connect(MEMORY, isolation_level=None)
            elif read_only:
                uri = _read_only_uri(location)
                conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
            else:
                Path(location).parent.mkdir(parents=True, exist_ok=True)
                conn = await aiosqlite.connect(location, isolation_level=None)
        except sqlite3.Error as exc:
            raise storage_error(exc) or StorageUnavailableError(f"The database cannot be opened: {exc}") from exc
        conn.row_factory = sqlite3.Row
        db = cls(conn, location, read_only)
        try:
            await db._configure()
            await db._migrate(migrate_to)
        except BaseException:
            await conn.close()
            raise
        return db

    async def _configure(self) -> None:
        """Pragmas every connection needs; see the module docstring for why synchronous is FULL."""
        conn = self._conn
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            if not self.read_only and self.path != MEMORY:
                await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            raise storage_error(exc) or StorageUnavailableError(f"The database cannot be opened: {exc}") from exc

    async def schema_version(self) -> int:
        """The last migration applied (PRAGMA user_version)."""
        async with self.read() as session:
            return int(await session.scalar("PRAGMA user_version"))

    async def _migrate(self, migrate_to: int | None) -> None:
        """Apply each pending migration in its own transaction, recording its number in user_version."""
        known = migrations()
        latest = known[-1].version if migrate_to is None else migrate_to
        current = await self.schema_version()
        if current > len(known):
            raise StorageUnavailableError(
                f"The database is at schema version {current}, newer than this Pillars knows ({len(known)}); "
                "run a newer version of the bot."
            )
        pending = [m for m in known if current < m.version <= latest]
        if pending and self.read_only:
            raise StorageUnavailableError("The database is read-only and needs an upgrade; open it writable once.")
        for migration in pending:
            log.info("Applying database migration %s", migration.name)
            # executescript commits anything pending first, so the transaction is opened inside the script;
            # user_version lives in the file header and is part of the same transaction.
            script = f"BEGIN IMMEDIATE;\n{migration.sql}\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
            async with self._lock:
                try:
                    await self._conn.executescript(script)
                except BaseException as exc:
                    await self._rollback()
                    if isinstance(exc, sqlite3.Error):
                        unavailable = storage_error(exc)
                        if unavailable is not None:
                            raise unavailable from exc
                        raise RuntimeError(f"migration {migration.name} failed: {exc}") from exc
                    raise

    async def _rollback(self) -> None:
        """Roll back whatever is open; fine when SQLite already rolled back on its own (a full disk does)."""
        with suppress(sqlite3.OperationalError):
            await self._conn.execute("ROLLBACK")

    @asynccontextmanager
    async def _held(self, begin: str, refused: str) -> AsyncIterator[Session]:
        """Hold the connection inside one BEGIN … COMMIT; any failure rolls back, a storage outage is named."""
        async with self._lock:
            try:
                await self._conn.execute(begin)
                yield Session(self._conn)
                await self._conn.execute("COMMIT")
            except BaseException as exc:
                await self._rollback()
                if isinstance(exc, sqlite3.Error) and (unavailable := storage_error(exc)) is not None:
                    log.warning("%s by the database: %s", refused, exc)
                    raise unavailable from exc
                raise

    def transaction(self) -> AbstractAsyncContextManager[Session]:
        """Hold the connection for a write: everything inside commits together, or nothing does."""
        return self._held("BEGIN IMMEDIATE", "Write refused")

    def read(self) -> AbstractAsyncContextManager[Session]:
        """Hold the connection for reads that see one consistent snapshot."""
        return self._held("BEGIN", "Read refused")

    async def backup_to(self, dest: Path | str) -> None:
        """A consistent copy of the database at `dest`, with SQLite's online backup; see `backup_file`."""
        async with self._lock:
            await _backup(self._conn, Path(dest))

    async def table_names(self) -> list[str]:
        """The tables of the schema (for tests and dumps)."""
        async with self.read() as session:
            rows = await session.fetchall(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        return [row[0] for row in rows]

    @property
    def total_changes(self) -> int:
        """Rows changed on this connection since it opened (a refused request must leave it unchanged)."""
        return self._conn.total_changes

    async def close(self) -> None:
        """Close the connection (every acknowledged transaction is already committed)."""
        async with self._lock:
            await self._conn.close()


def _read_only_uri(path: Path | str) -> str:
    """The URI that opens a file read-only: SQLite refuses every write through it."""
    return Path(os.path.abspath(path)).as_uri() + "?mode=ro"


async def _backup(source: aiosqlite.Connection, dest: Path) -> None:
    """Copy `source` into a temporary file next to `dest`, check it, then move it into place atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    target = await aiosqlite.connect(partial)
    try:
        await source.backup(target)
        rows = await target.execute_fetchall("PRAGMA integrity_check")
        verdict = [row[0] for row in rows]
        if verdict != ["ok"]:
            raise RuntimeError(f"the backup failed its integrity check: {verdict[:5]}")
        # The copy carries the WAL flag; fold everything into the one file so it can be moved alone.
        await target.execute("PRAGMA journal_mode = DELETE")
    finally:
        await target.close()
    partial.replace(dest)


async def backup_file(source: Path | str, dest: Path | str) -> None:
    """Back up a database file that another process may be writing to (WAL lets it read a snapshot)."""
    try:
        conn = await aiosqlite.connect(_read_only_uri(source), uri=True)
    except sqlite3.Error as exc:
        raise storage_error(exc) or StorageUnavailableError(f"The database cannot be opened: {exc}") from exc
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await _backup(conn, Path(dest))
    finally:
        await conn.close()


def rows_as_dicts(rows: Iterable[sqlite3.Row]) -> list[dict[str, Any]]:
    """Rows as plain dicts (for exports and dumps)."""
    return [dict(row) for row in rows]
