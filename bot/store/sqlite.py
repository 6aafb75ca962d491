"""The SQLite backend (the default): one file, one process, opened safely, migrated, and read beside the writer.

Group commit is `bot.store.connection.Database`'s; here are SQLite's statements for it (BEGIN IMMEDIATE,
SAVEPOINT write, COMMIT) and what SQLite needs around them.

Reads go through a second, read-only connection with its own lock. WAL lets it read the last committed
state while a batch is open, so reads never queue behind writes and never see a batch's uncommitted rows.
(An in-memory database cannot be shared between connections: there reads use the write connection, and
every write commits on its own before the lock is released.)

Durability: the journal is WAL with `synchronous=FULL`. In WAL mode NORMAL already survives the process
being killed (the WAL is in the OS's page cache), but a power cut or kernel panic can lose the last
transactions; FULL syncs the WAL on every commit so an acknowledged write survives those too.

Guards (`bot.store.guard`): a store holds the database's lock while it is open (one store per file, so
what the store caches stays exact), checks the file's pages when it opens, and after every commit checks
that the database and its WAL are still the files it opened; when they are not, no write is acknowledged
any more. A busy database (another program holding SQLite's write lock) is waited for at most
BUSY_TIMEOUT_MS, and writers that queued during a wait that failed fail with it, so a member hears
"busy" well inside Discord's three seconds instead of waiting out the queue.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import PillarsError, StorageUnavailableError
from bot.store.connection import (
    MEMORY,
    SQLITE,
    Batch,
    Database,
    Params,
    Row,
    Session,
    TableShape,
    migrations,
    newer_schema_error,
)
from bot.store.guard import (
    DatabaseDamagedError,
    DatabaseLock,
    FileIdentity,
    claim_reserved,
    damage_message,
    damaged_message,
    is_damage,
)

log = logging.getLogger(__name__)

# How long a statement waits for another program's lock before failing with "busy": short enough that the
# member's answer still beats Discord's 3 s deadline (a backup or a migration holds it for milliseconds).
BUSY_TIMEOUT_MS = 1_000
BACKUP_BUSY_TIMEOUT_MS = 5_000  # `db backup` answers nobody in a hurry

DAMAGED = "The bot's database is damaged, so this could not be done; the bot's operators have been told."
FILES_CHANGED = (
    "The bot's database file was changed behind its back, so changes cannot be saved until it is restarted; "
    "reading still works."
)

# SQLite primary result codes that mean "the storage cannot take writes now", not "the query is wrong".
_UNAVAILABLE_CODES = {
    5: "The database is busy; please try again in a moment.",  # SQLITE_BUSY
    8: "The database is read-only right now, so changes cannot be saved; reading still works.",  # READONLY
    10: "The disk holding the database failed a read or write; changes were not saved.",  # SQLITE_IOERR
    11: DAMAGED,  # SQLITE_CORRUPT
    13: "The disk holding the database is full, so changes cannot be saved; reading still works.",  # FULL
    14: "The database file cannot be opened.",  # SQLITE_CANTOPEN
    26: DAMAGED,  # SQLITE_NOTADB
}
_UNAVAILABLE_WORDS = {
    "readonly database": 8,
    "read-only": 8,
    "disk i/o error": 10,
    "database or disk is full": 13,
    "database is locked": 5,
    "unable to open database": 14,
    "database disk image is malformed": 11,
    "file is not a database": 26,
}


def storage_error(exc: BaseException) -> StorageUnavailableError | None:
    """The friendly error for a storage failure (read-only, I/O, full disk), or None for any other error."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary not in _UNAVAILABLE_CODES:
        text = str(exc).lower()
        primary = next((c for words, c in _UNAVAILABLE_WORDS.items() if words in text), None)
    if primary is None:
        return None
    return StorageUnavailableError(_UNAVAILABLE_CODES[primary])


class SqliteSession(Session):
    """Statements on a SQLite connection. Each method is one hop to aiosqlite's worker thread; a write's cost is
    mostly the number of hops."""

    __slots__ = ("_conn",)

    dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection, batch: Batch | None = None) -> None:
        super().__init__(batch)
        self._conn = conn

    async def lock(self, topic: str, key: int | str) -> None:
        """Nothing to take: one process per file (`bot.store.guard`), and BEGIN IMMEDIATE serialises its writes."""
        return None

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

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query."""
        return list(await self._conn.execute_fetchall(sql, params))

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters, in one hop."""
        await self._conn.executemany(sql, rows)


class SqliteDatabase(Database):
    """The store's connections to one SQLite file, with their locks; the only object that touches aiosqlite."""

    dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection, path: str, read_only: bool) -> None:
        super().__init__(path, read_only)
        self._conn = conn  # the write connection
        # Until `_open_reader` (and for good with an in-memory database) reads share the write connection.
        self._reader = conn
        self._reader_lock = self._lock
        self._busy_failed_at = -1.0  # loop time of the last BEGIN that gave up waiting on a busy database
        self._file_lock: DatabaseLock | None = None
        self._files: FileIdentity | None = None
        self._files_changed = False  # once set, no write is acknowledged again
        self.path = path

    @classmethod
    async def open(cls, path: Path | str, *, read_only: bool = False, migrate_to: int | None = None) -> SqliteDatabase:
        """Open the file (creating it unless read-only), set it up for durability, and apply pending migrations.

        `migrate_to` stops at that schema version (tests build old databases with it).
        """
        location = str(path)
        file_lock, checked = None, True
        if location != MEMORY:
            if not read_only:
                Path(location).parent.mkdir(parents=True, exist_ok=True)
            reserved = claim_reserved(location)  # `python -m bot` took it before connecting, and checked the file
            file_lock, checked = reserved or (DatabaseLock.acquire(location, read_only=read_only), False)
        try:
            try:
                if location == MEMORY:
                    conn = await aiosqlite.connect(MEMORY, isolation_level=None)
                elif read_only:
                    uri = _read_only_uri(location)
                    conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
                else:
                    conn = await aiosqlite.connect(location, isolation_level=None)
            except sqlite3.Error as exc:
                raise _open_error(location, exc) from exc
            conn.row_factory = sqlite3.Row
            db = cls(conn, location, read_only)
            db._file_lock = file_lock
        except BaseException:
            if file_lock is not None:
                file_lock.release()
            raise
        try:
            await db._configure(conn)
            if not checked:
                await db._check_pages()
            await db._migrate(migrate_to)
            if location != MEMORY:
                await db._open_reader()
                db._files = FileIdentity.of(location)  # the WAL exists from the first read
        except BaseException:
            await db._close_connections()
            raise
        return db

    async def _check_pages(self) -> None:
        """Refuse a damaged file (PRAGMA quick_check): DatabaseDamagedError saying how to recover."""
        try:
            rows = await self._conn.execute_fetchall("PRAGMA quick_check")
        except sqlite3.Error as exc:
            raise _open_error(self.path, exc) from exc
        problem = damage_message(self.path, [row[0] for row in rows])
        if problem is not None:
            raise DatabaseDamagedError(problem)

    async def _configure(self, conn: aiosqlite.Connection) -> None:
        """Pragmas every connection needs; see the module docstring for why synchronous is FULL."""
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            if conn is self._conn and not self.read_only and self.path != MEMORY:
                await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            raise _open_error(self.path, exc) from exc

    async def _open_reader(self) -> None:
        """The second connection, for reads: opened read-only, so SQLite itself keeps it from writing."""
        try:
            reader = await aiosqlite.connect(_read_only_uri(self.path), uri=True, isolation_level=None)
        except sqlite3.Error as exc:
            raise _open_error(self.path, exc) from exc
        reader.row_factory = sqlite3.Row
        self._reader, self._reader_lock = reader, asyncio.Lock()
        await self._configure(reader)

    @property
    def _shares_commits(self) -> bool:
        """Whether writes may share a commit: only when reads cannot see the open transaction."""
        return self._reader is not self._conn

    async def schema_version(self) -> int:
        """The last migration applied (PRAGMA user_version)."""
        async with self.read() as session:
            return int(await session.scalar("PRAGMA user_version"))

    async def _migrate(self, migrate_to: int | None) -> None:
        """Apply each pending migration in its own transaction, recording its number in user_version."""
        known = migrations("sqlite")
        latest = known[-1].version if migrate_to is None else migrate_to
        current = await self.schema_version()
        if current > len(known):
            raise newer_schema_error(current, len(known))
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

    # --- the primitives group commit runs on ---------------------------------------------------

    def _session(self, batch: Batch) -> Session:
        """A session on the write connection."""
        return SqliteSession(self._conn, batch)

    def _refuse_writes(self) -> None:
        """Once the files changed under the store, no write is acknowledged again."""
        if self._files_changed:
            raise StorageUnavailableError(FILES_CHANGED)

    def _before_leading(self, arrived: float) -> None:
        """Fail fast when another program held the database while this writer queued."""
        if self._busy_failed_at >= arrived:
            # The writer ahead of it already waited out the busy timeout: waiting again would take the member
            # past Discord's deadline, one timeout per writer in the queue.
            raise StorageUnavailableError(_UNAVAILABLE_CODES[5])

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE: take SQLite's write lock now, not at the first write."""
        try:
            await self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            unavailable = storage_error(exc)
            if unavailable is not None and unavailable.message == _UNAVAILABLE_CODES[5]:
                self._busy_failed_at = asyncio.get_running_loop().time()
            raise

    async def _commit_batch(self, batch: Batch) -> None:
        """COMMIT (one process: the batch's notices have nobody to go to)."""
        await self._conn.execute("COMMIT")

    async def _rollback(self) -> None:
        """Roll back whatever is open; fine when SQLite already rolled back on its own (a full disk does)."""
        with suppress(sqlite3.OperationalError):
            await self._conn.execute("ROLLBACK")

    async def _savepoint(self) -> None:
        """SAVEPOINT write."""
        await self._conn.execute("SAVEPOINT write")

    async def _release_savepoint(self) -> None:
        """RELEASE write."""
        await self._conn.execute("RELEASE write")

    async def _rollback_to_savepoint(self) -> bool:
        """ROLLBACK TO write, unless SQLite already abandoned the whole transaction."""
        if not self._conn.in_transaction:
            return False
        await self._conn.execute("ROLLBACK TO write")
        await self._conn.execute("RELEASE write")
        return True

    def _storage_error(self, exc: BaseException) -> StorageUnavailableError | None:
        """SQLite's outages in the member's words."""
        return storage_error(exc)

    def _unavailable(self, exc: BaseException, doing: str = "Write") -> StorageUnavailableError | None:
        """The member's error when `exc` is a storage outage (and one log line saying so); None for anything else."""
        if (unavailable := storage_error(exc)) is None:
            return None
        assert isinstance(exc, sqlite3.Error)
        if is_damage(exc):
            log.error(
                "%s refused: the database %s is damaged (%s). Stop the bot, move the file aside and restore your "
                "last 'python -m bot db backup' copy, or salvage it with: sqlite3 %s .recover",
                doing,
                self.path,
                exc,
                self.path,
            )
        else:
            log.warning("%s refused by the database: %s", doing, exc)
        return unavailable

    async def _after_commit_check(self) -> StorageUnavailableError | None:
        """After a commit: the error every writer gets once the database or its WAL is no longer the file the
        store opened (deleted, replaced); None while they are. Said loudly, once, with what was saved.

        What was committed is still in the files the store holds open, so it is saved where it can be: a
        deleted WAL is checkpointed into the database file (which the next start reads), and a database file
        deleted or replaced is copied, from the store's own connection, to `<database>.rescued`.
        """
        if self._files_changed:
            return StorageUnavailableError(FILES_CHANGED)
        change = self._files.change() if self._files is not None else None
        if change is None:
            return None
        self._files_changed = True
        database_changed = change.path == Path(self.path)
        try:
            if database_changed:
                rescued = Path(f"{self.path}.rescued")
                async with self._reader_lock:
                    await _backup(self._reader, rescued)
                saved = f"everything committed was copied to {rescued}"
            else:
                await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                saved = f"everything committed was checkpointed into {self.path}"
        except (sqlite3.Error, OSError, PillarsError) as exc:
            saved = f"saving what was committed failed too ({exc})"
        log.critical(
            "%s while the bot was running, so no write is acknowledged any more; %s. Stop the bot, put the "
            "database back (or restore a backup) and start it again.",
            change.description,
            saved,
        )
        return StorageUnavailableError(FILES_CHANGED)

    # --- reads: the last committed state, on their own connection ----------------------------------

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """Hold the read connection for reads that see one consistent, committed snapshot."""
        self.reads += 1
        async with self._reader_lock:
            try:
                await self._reader.execute("BEGIN")
                yield SqliteSession(self._reader)
                await self._reader.execute("COMMIT")
            except BaseException as exc:
                with suppress(sqlite3.OperationalError):
                    await self._reader.execute("ROLLBACK")
                if (unavailable := self._unavailable(exc, "Read")) is not None:
                    raise unavailable from exc
                raise

    async def read_rows(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of one query, in one hop to the worker thread: a single statement reads one committed
        snapshot by itself, so it needs none of the BEGIN and COMMIT `read` wraps around several."""
        self.reads += 1
        async with self._reader_lock:
            try:
                return list(await self._reader.execute_fetchall(sql, params))
            except BaseException as exc:
                if (unavailable := self._unavailable(exc, "Read")) is not None:
                    raise unavailable from exc
                raise

    async def backup_to(self, dest: Path | str) -> None:
        """A consistent copy of the committed database at `dest`, with SQLite's online backup."""
        async with self._reader_lock:
            await _backup(self._reader, Path(dest))

    async def table_names(self) -> list[str]:
        """The tables of the schema (for tests and dumps)."""
        async with self.read() as session:
            rows = await session.fetchall(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        return [row[0] for row in rows]

    async def shapes(self) -> dict[str, TableShape]:
        """Every table's columns and references from SQLite's pragmas; rows in rowid order (primary key order
        for a WITHOUT ROWID table)."""
        found: dict[str, TableShape] = {}
        async with self.read() as session:
            for table in await self.table_names_in(session):
                info = await session.fetchall(f"PRAGMA table_info({table})")  # a name from sqlite_schema
                keys = await session.fetchall(f"PRAGMA foreign_key_list({table})")
                sql = await session.scalar("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", (table,))
                primary = [row["name"] for row in sorted(info, key=lambda r: r["pk"]) if row["pk"]]
                without_rowid = "WITHOUT ROWID" in str(sql).upper()
                found[table] = TableShape(
                    name=table,
                    columns=tuple(row["name"] for row in info),
                    references=frozenset(row["table"] for row in keys if row["table"] != table),
                    order_by=", ".join(primary) if without_rowid else "rowid",
                )
        return found

    async def follow_copied_ids(self, session: Session, shape: TableShape) -> None:
        """Nothing: SQLite gives a new row the largest id so far plus one."""
        return None

    @staticmethod
    async def table_names_in(session: Session) -> list[str]:
        """The tables of the schema, read in the caller's session."""
        rows = await session.fetchall(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [row[0] for row in rows]

    @property
    def writer(self) -> aiosqlite.Connection:
        """The write connection itself, for tests that trace its statements or inject a fault into it."""
        return self._conn

    @property
    def reader(self) -> aiosqlite.Connection:
        """The read connection (the write one for an in-memory database), for tests that trace it."""
        return self._reader

    async def run_between_transactions(self, sql: str) -> Any:
        """Run one statement on the write connection while no transaction is open; its first value, if any.

        For tests that change the connection under the store (`PRAGMA query_only`, `max_page_count`).
        """
        async with self._lock, self._conn.execute(sql) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else None

    @property
    def total_changes(self) -> int:
        """Rows changed on this connection since it opened (a refused request must leave it unchanged)."""
        return self._conn.total_changes

    async def _close_connections(self) -> None:
        """Close the reader first: the writer, closing last, checkpoints the WAL into the file; then let
        another store open the file."""
        try:
            if self._shares_commits:
                await self._reader.close()
            await self._conn.close()
        finally:
            if self._file_lock is not None:
                self._file_lock.release()


def _open_error(path: str, exc: sqlite3.Error) -> StorageUnavailableError:
    """What opening the database failed on, for the person starting the bot."""
    if is_damage(exc):
        return DatabaseDamagedError(damaged_message(path, str(exc)))
    return storage_error(exc) or StorageUnavailableError(f"The database cannot be opened: {exc}")


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
            raise DatabaseDamagedError(f"the copy failed its integrity check ({'; '.join(verdict[:3])})")
        # The copy carries the WAL flag; fold everything into the one file so it can be moved alone.
        await target.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        await target.close()
        partial.unlink(missing_ok=True)
        raise
    await target.close()
    partial.replace(dest)


async def backup_sqlite_file(source: Path | str, dest: Path | str) -> None:
    """Back up a database file that another process may be writing to (WAL lets it read a snapshot).

    StorageUnavailableError, in one sentence, when it cannot: the file is damaged, its WAL is gone, the disk
    failed. No lock is taken: a backup holds no cache and writes nothing to the database, so it runs beside
    the bot.
    """
    try:
        conn = await aiosqlite.connect(_read_only_uri(source), uri=True)
    except sqlite3.Error as exc:
        raise _backup_error(source, exc) from exc
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BACKUP_BUSY_TIMEOUT_MS}")
        await _backup(conn, Path(dest))
    except (sqlite3.Error, DatabaseDamagedError) as exc:
        raise _backup_error(source, exc) from exc
    finally:
        await conn.close()


def _backup_error(source: Path | str, exc: BaseException) -> StorageUnavailableError:
    """Why a backup of `source` failed, and what may help, in one sentence."""
    wal = Path(f"{source}-wal")
    if not wal.exists() and Path(f"{source}-shm").exists():
        hint = (
            f"its write-ahead log {wal} is missing, deleted while a bot had it open: if that bot is still "
            "running, stop it cleanly (it writes what it holds back into the database) and back up again"
        )
    elif isinstance(exc, DatabaseDamagedError) or (isinstance(exc, sqlite3.Error) and is_damage(exc)):
        hint = f"the database is damaged ({exc}); salvage what is readable with: sqlite3 {source} .recover"
    else:
        friendly = storage_error(exc)
        hint = f"{friendly.message if friendly else exc} ({exc})"
    return StorageUnavailableError(f"Could not back up {source}: {hint}.")
