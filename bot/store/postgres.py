"""The PostgreSQL backend (`DATABASE_URL=postgresql://…`): one server, as many bot processes as there are shard sets.

Group commit is `bot.store.connection.Database`'s, on one write connection per process: BEGIN, a SAVEPOINT
per writer that joins, COMMIT. PostgreSQL's COMMIT returns once the WAL is flushed (`synchronous_commit=on`,
set on the connection whatever the server's default), so an acknowledged write is durable. A joining body's
savepoint is never released: COMMIT keeps every savepoint's work anyway, and releasing one costs a round
trip per write without freeing anything (its subtransaction id lives until the commit either way).

Reads run on a small pool of their own connections, each in a REPEATABLE READ, READ ONLY transaction, so a
read sees one committed snapshot and never waits for the writer.

Several processes write at once, so each statement here is uninterrupted: cancelling the task that awaits
it (a member's interaction gone) waits for the statement to finish before the cancellation goes on, as
aiosqlite's thread does, so the connection is never left mid-statement for the ROLLBACK that follows. Writes
that read before they write lock what they read (`Session.lock`: a transaction-scoped advisory lock), and
what a batch changed is announced with NOTIFY in the same transaction (delivered only if it commits) to the
other processes, whose `Changes` drop what their caches hold (`_Listener`).

A lost connection (the server restarted) fails the writes in flight with "cannot be reached"; the next
write reconnects. The listener reconnects on its own, and until it has, caches keep nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

from bot.errors import StorageUnavailableError
from bot.store.connection import (
    POSTGRES,
    Batch,
    Database,
    Params,
    Row,
    Session,
    TableShape,
    migrations,
    newer_schema_error,
    numbered_placeholders,
    shown,
    time_to_db,
    utc_now,
)

log = logging.getLogger(__name__)

CHANNEL = "pillars_changes"  # the NOTIFY channel every process listens on
SCHEMA_TABLE = "pillars_schema"  # which migrations ran: PostgreSQL has no PRAGMA user_version
READERS = 4  # read connections per process
CONNECT_TIMEOUT = 10.0
LOCK_TIMEOUT_MS = 2_000  # a write waiting this long on another process's lock is answered "busy"
RECONNECT_EVERY = 1.0  # seconds between the listener's attempts to reconnect
NOTIFY_ALL = "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload"  # many notices, one round trip

UNREACHABLE = "The database cannot be reached right now, so this could not be done; please try again in a moment."
BUSY = "The database is busy; please try again in a moment."
FULL = "The disk holding the database is full, so changes cannot be saved; reading still works."
READ_ONLY = "The database is read-only right now, so changes cannot be saved; reading still works."

T = TypeVar("T")


def storage_error(exc: BaseException) -> StorageUnavailableError | None:
    """The friendly error for a PostgreSQL outage (unreachable, full, read-only, busy), or None for any other."""
    unreachable = (
        asyncpg.PostgresConnectionError,  # class 08
        asyncpg.CannotConnectNowError,  # 57P03: starting up or shutting down
        asyncpg.AdminShutdownError,
        asyncpg.CrashShutdownError,
        asyncpg.TooManyConnectionsError,
        asyncpg.ConnectionDoesNotExistError,
        ConnectionError,
        OSError,
        TimeoutError,
    )
    if isinstance(exc, asyncpg.DiskFullError):
        return StorageUnavailableError(FULL)
    if isinstance(exc, asyncpg.ReadOnlySQLTransactionError):
        return StorageUnavailableError(READ_ONLY)
    busy = (
        asyncpg.DeadlockDetectedError,
        asyncpg.SerializationError,
        asyncpg.LockNotAvailableError,
        asyncpg.QueryCanceledError,
    )
    if isinstance(exc, busy):
        return StorageUnavailableError(BUSY)
    if isinstance(exc, unreachable) or (isinstance(exc, asyncpg.InterfaceError) and "closed" in str(exc)):
        return StorageUnavailableError(UNREACHABLE)
    return None


async def uninterrupted(awaitable: Awaitable[T]) -> T:
    """Await a statement to its end even if the caller is cancelled meanwhile (the cancellation goes on after)."""
    task = asyncio.ensure_future(awaitable)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        # The statement is on the wire: cancelling it would leave the connection busy, or a COMMIT half-known.
        while not task.done():
            with suppress(asyncio.CancelledError):
                await asyncio.wait({task})
        if not task.cancelled():
            task.exception()  # retrieved: the cancellation is what the caller hears
        raise


@lru_cache(maxsize=1024)
def _numbered(sql: str) -> str:
    """`?` placeholders as `$1, $2…` (the store's statements are few and repeated: translated once each)."""
    return numbered_placeholders(sql, ())[0] if "?" in sql else sql


def _arguments(sql: str, params: Params) -> tuple[str, tuple[Any, ...]]:
    """The statement and arguments as asyncpg takes them."""
    if isinstance(params, Mapping):
        return numbered_placeholders(sql, params)
    return _numbered(sql), tuple(params)


_ROWCOUNT = re.compile(r"(\d+)$")


class PostgresSession(Session):
    """Statements on one asyncpg connection, each one round trip to the server.

    A write session may owe statements (`owed`: the batch's BEGIN, the body's SAVEPOINT) that are sent with its
    first statement instead of on their own: a write that starts with a lock, as most do, then costs one round
    trip for all three (several statements in one simple query, each with its own snapshot, in order).
    """

    __slots__ = ("_conn", "_owed")

    dialect = POSTGRES

    def __init__(self, conn: asyncpg.Connection, batch: Batch | None = None, owed: list[str] | None = None) -> None:
        super().__init__(batch)
        self._conn = conn
        self._owed = owed if owed is not None else []

    def _owed_now(self) -> str:
        """The statements owed, as the start of a simple query ('' when none), no longer owed."""
        owed = "".join(f"{statement}; " for statement in self._owed)
        self._owed.clear()
        return owed

    async def _pay(self) -> None:
        """Send what is owed before a statement that cannot carry it (one with parameters)."""
        if self._owed:
            await uninterrupted(self._conn.execute(self._owed_now()))

    async def lock(self, topic: str, key: int | str) -> None:
        """A transaction-scoped advisory lock on (topic, key): released by the COMMIT or ROLLBACK."""
        name = f"{topic}:{key}".replace("'", "''")  # our own topic and key, quoted: it travels as SQL text
        sql = f"{self._owed_now()}SELECT pg_advisory_xact_lock(hashtextextended('{name}', 0))"
        await uninterrupted(self._conn.execute(sql))

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the rows it changed."""
        await self._pay()
        text, args = _arguments(sql, params)
        status = await uninterrupted(self._conn.execute(text, *args))
        found = _ROWCOUNT.search(status or "")
        return int(found.group(1)) if found and not status.startswith("SELECT") else 0

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT; return the new row's id (RETURNING id: every table the store inserts into has one)."""
        await self._pay()
        text, args = _arguments(sql, params)
        return int(await uninterrupted(self._conn.fetchval(f"{text} RETURNING id", *args)))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query."""
        await self._pay()
        text, args = _arguments(sql, params)
        return list(await uninterrupted(self._conn.fetch(text, *args)))

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters, pipelined."""
        await self._pay()
        await uninterrupted(self._conn.executemany(_numbered(sql), rows))


def _server_settings(read_only: bool) -> dict[str, str]:
    """What every connection sets: durable commits, a bounded wait for locks, a name in pg_stat_activity."""
    settings = {
        "synchronous_commit": "on",
        "lock_timeout": str(LOCK_TIMEOUT_MS),
        "application_name": "pillars",
    }
    if read_only:
        settings["default_transaction_read_only"] = "on"
    return settings


async def read_jsonb_as_values(conn: asyncpg.Connection) -> None:
    """JSONB to and from Python values (an outcome's key: 12 or 'too-hard'), as SQLite's untyped column gives them."""
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def connect(url: str, *, read_only: bool = False) -> asyncpg.Connection:
    """One connection; StorageUnavailableError naming the server (never its password) when it cannot be had."""
    try:
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT, server_settings=_server_settings(read_only))
        await read_jsonb_as_values(conn)
        return conn
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        raise StorageUnavailableError(f"The database {shown(url)} cannot be reached: {_reason(exc)}.") from exc


def _reason(exc: BaseException) -> str:
    """Why a connection failed, in one line without the URL."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.rstrip(".")


class PostgresDatabase(Database):
    """The store's connections to one PostgreSQL database: a writer, a pool of readers, a listener."""

    dialect = POSTGRES

    def __init__(self, url: str, writer: asyncpg.Connection, readers: asyncpg.Pool, read_only: bool) -> None:
        super().__init__(shown(url), read_only)
        self._url = url
        self._conn = writer
        self._readers = readers
        self._listener = _Listener(self)
        self._owed: list[str] = []  # statements the write connection owes: see PostgresSession
        self._published: set[tuple[str, str]] = set()
        self._publishing: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, url: str, *, read_only: bool = False, migrate_to: int | None = None) -> PostgresDatabase:
        """Connect, apply pending migrations (one process at a time), and start listening for other processes."""
        writer = await connect(url, read_only=read_only)
        try:
            readers = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=READERS,
                timeout=CONNECT_TIMEOUT,
                server_settings=_server_settings(True),
                init=read_jsonb_as_values,
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            await writer.close()
            raise StorageUnavailableError(f"The database {shown(url)} cannot be reached: {_reason(exc)}.") from exc
        db = cls(url, writer, readers, read_only)
        try:
            await db._migrate(migrate_to)
            await db._listener.start()
        except BaseException:
            await db._close_connections()
            raise
        return db

    @property
    def single_process(self) -> bool:
        """Never assumed: other processes may share the database."""
        return False

    # --- the schema ----------------------------------------------------------------------------

    async def schema_version(self) -> int:
        """The last migration applied (0 for an empty database)."""
        async with self.read() as session:
            exists = await session.scalar("SELECT to_regclass(?) IS NOT NULL", (SCHEMA_TABLE,))
            if not exists:
                return 0
            return int(await session.scalar(f"SELECT COALESCE(MAX(version), 0) FROM {SCHEMA_TABLE}"))

    async def _migrate(self, migrate_to: int | None) -> None:
        """Apply each pending migration in its own transaction, under a lock so that processes starting together
        migrate once."""
        known = migrations("postgres")
        latest = known[-1].version if migrate_to is None else migrate_to
        current = await self.schema_version()
        if current > len(known):
            raise newer_schema_error(current, len(known))
        if current >= latest:
            return
        if self.read_only:
            raise StorageUnavailableError("The database is read-only and needs an upgrade; open it writable once.")
        conn = self._conn
        for migration in known:
            if not current < migration.version <= latest:
                continue
            try:
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('pillars:migrations', 0))")
                    await conn.execute(
                        f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version BIGINT PRIMARY KEY, name TEXT NOT NULL,"
                        " applied_at TEXT NOT NULL)"
                    )
                    done = await conn.fetchval(f"SELECT COALESCE(MAX(version), 0) FROM {SCHEMA_TABLE}")
                    if done >= migration.version:  # another process got there first
                        continue
                    log.info("Applying database migration %s", migration.name)
                    await conn.execute(migration.sql)
                    await conn.execute(
                        f"INSERT INTO {SCHEMA_TABLE} (version, name, applied_at) VALUES ($1, $2, $3)",
                        migration.version,
                        migration.name,
                        time_to_db(utc_now()),
                    )
            except asyncpg.PostgresError as exc:
                unavailable = storage_error(exc)
                if unavailable is not None:
                    raise unavailable from exc
                raise RuntimeError(f"migration {migration.name} failed: {exc}") from exc

    async def table_names(self) -> list[str]:
        """The tables of the schema (for tests, dumps and `db copy`), without the migrations' own record."""
        async with self.read() as session:
            rows = await session.fetchall(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename != ?"
                " ORDER BY tablename",
                (SCHEMA_TABLE,),
            )
        return [row[0] for row in rows]

    async def shapes(self) -> dict[str, TableShape]:
        """Every table's columns, references and identity columns from the catalog; rows in the order stored
        (`stored_order`, else `id`, else the first column)."""
        async with self.read() as session:
            columns = await session.fetchall(
                "SELECT table_name, column_name, is_identity FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name != ? ORDER BY table_name, ordinal_position",
                (SCHEMA_TABLE,),
            )
            references = await session.fetchall(
                "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint"
                " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
            )
        by_table: dict[str, list[Row]] = {}
        for row in columns:
            by_table.setdefault(row["table_name"], []).append(row)
        found = {}
        for table, rows in by_table.items():
            names = tuple(row["column_name"] for row in rows)
            order = next((name for name in ("stored_order", "id") if name in names), names[0])
            found[table] = TableShape(
                name=table,
                columns=names,
                references=frozenset(r["parent"] for r in references if r["child"] == table and r["parent"] != table),
                order_by=order,
                generated=tuple(row["column_name"] for row in rows if row["is_identity"] == "YES"),
            )
        return found

    async def follow_copied_ids(self, session: Session, shape: TableShape) -> None:
        """Move each identity column's sequence past the largest value copied in."""
        for column in shape.generated:
            await session.execute(
                f"SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX({column}) FROM {shape.name}), 0)"
                " + 1, false)",  # names from the catalog, as `shapes` read them
                (shape.name, column),
            )

    # --- the primitives group commit runs on ---------------------------------------------------

    def _session(self, batch: Batch) -> Session:
        """A session on the write connection, carrying what the write connection owes."""
        return PostgresSession(self._conn, batch, self._owed)

    async def _begin(self) -> None:
        """BEGIN (sent with the body's first statement), reconnecting first if the server dropped the write
        connection since the last batch."""
        if self._conn.is_closed():
            self._conn = await connect(self._url, read_only=self.read_only)
            self._listener.ignore(self._conn)
        self._owed[:] = ["BEGIN"]

    async def _commit_batch(self, batch: Batch) -> None:
        """Announce what the batch changed (delivered only if it commits), then COMMIT."""
        if self._owed and self._owed[0] == "BEGIN":  # no body sent a statement: there is nothing to commit
            self._owed.clear()
            return
        self._owed.clear()
        if batch.notices:
            payloads = sorted({f"{topic}:{key}" for topic, key in batch.notices})
            await uninterrupted(self._conn.execute(NOTIFY_ALL, CHANNEL, payloads))
        await uninterrupted(self._conn.execute("COMMIT"))

    async def _rollback(self) -> None:
        """Roll back whatever is open; nothing to do on a connection the server already dropped."""
        self._owed.clear()
        if self._conn.is_closed() or not self._conn.is_in_transaction():
            return
        with suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            await uninterrupted(self._conn.execute("ROLLBACK"))

    async def _savepoint(self) -> None:
        """SAVEPOINT write (nested in the ones before it: see the module docstring), sent with the body's first
        statement."""
        self._owed.append("SAVEPOINT write")

    async def _release_savepoint(self) -> None:
        """Nothing: the COMMIT keeps it."""
        return None

    async def _rollback_to_savepoint(self) -> bool:
        """ROLLBACK TO the body's savepoint (the newest one of that name), unless the connection is gone."""
        if self._owed and self._owed[-1] == "SAVEPOINT write":  # the body sent nothing: nothing to undo
            self._owed.pop()
            return True
        if self._conn.is_closed() or not self._conn.is_in_transaction():
            return False
        await uninterrupted(self._conn.execute("ROLLBACK TO SAVEPOINT write"))
        return True

    def _storage_error(self, exc: BaseException) -> StorageUnavailableError | None:
        """PostgreSQL's outages in the member's words. A client error means the write connection's protocol is in
        a state nobody can trust (the server ended the session while it sat in a transaction): it is dropped,
        so the next write opens a new one."""
        if isinstance(exc, asyncpg.InternalClientError):
            self._conn.terminate()
            return StorageUnavailableError(UNREACHABLE)
        return storage_error(exc)

    # --- reads ---------------------------------------------------------------------------------

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """A read connection from the pool, in one REPEATABLE READ, READ ONLY transaction."""
        self.reads += 1
        try:
            async with self._readers.acquire() as conn:
                await uninterrupted(conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
                try:
                    yield PostgresSession(conn)
                finally:
                    if not conn.is_closed() and conn.is_in_transaction():
                        await uninterrupted(conn.execute("ROLLBACK"))  # nothing to keep: it only read
        except BaseException as exc:
            if (unavailable := self._unavailable(exc, "Read")) is not None:
                raise unavailable from exc
            raise

    async def read_rows(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of one query on a read connection, outside a transaction (one statement, one snapshot)."""
        self.reads += 1
        try:
            async with self._readers.acquire() as conn:
                return await PostgresSession(conn).fetchall(sql, params)
        except BaseException as exc:
            if (unavailable := self._unavailable(exc, "Read")) is not None:
                raise unavailable from exc
            raise

    # --- other processes -----------------------------------------------------------------------

    def publish(self, topic: str, key: int | str) -> None:
        """NOTIFY the other processes soon, with whatever else is published meanwhile; never waits, never raises."""
        self._published.add((topic, str(key)))
        if self._publishing is None or self._publishing.done():
            self._publishing = asyncio.create_task(self._send_published())

    async def _send_published(self) -> None:
        """Send what was published, on a reader (the writer may be mid-batch); a failure is logged, not raised."""
        await asyncio.sleep(0)  # let the callers of this moment add theirs
        while self._published:
            payloads = sorted(f"{topic}:{key}" for topic, key in self._published)
            self._published.clear()
            try:
                async with self._readers.acquire() as conn:
                    self._listener.ignore(conn)
                    await conn.execute(NOTIFY_ALL, CHANNEL, payloads)
            except Exception as exc:
                log.warning("Could not tell the other processes about %d change(s): %s", len(payloads), exc)

    @property
    def writer(self) -> asyncpg.Connection:
        """The write connection itself, for tests that log its statements or end it from the server's side."""
        return self._conn

    @property
    def listening(self) -> bool:
        """Whether notifications from other processes arrive now."""
        return self._listener.connected

    # --- operations ----------------------------------------------------------------------------

    async def backup_to(self, dest: Path | str) -> None:
        """A copy of everything committed when it starts: pg_dump where it is installed, else an export."""
        await backup_postgres(self._url, Path(dest))

    async def _close_connections(self) -> None:
        """Stop listening, then close the readers and the writer."""
        if self._publishing is not None:
            with suppress(Exception):
                await self._publishing
        await self._listener.stop()
        with suppress(Exception):
            await self._readers.close()
        with suppress(Exception):
            await self._conn.close()


class _Listener:
    """LISTEN on `CHANNEL` on a connection of its own, handing other processes' notices to `Changes`."""

    def __init__(self, db: PostgresDatabase) -> None:
        self._db = db
        self._conn: asyncpg.Connection | None = None
        self._own: set[int] = set()  # server pids of this process's connections: their notices are our own
        self._reconnecting: asyncio.Task[None] | None = None
        self._stopped = False

    @property
    def connected(self) -> bool:
        """Whether the listening connection is up."""
        return self._conn is not None and not self._conn.is_closed()

    def ignore(self, conn: asyncpg.Connection) -> None:
        """Notices sent on `conn` come from this process: its caches already know."""
        self._own.add(conn.get_server_pid())

    async def start(self) -> None:
        """Connect and LISTEN (raising what connecting raises)."""
        self.ignore(self._db._conn)
        conn = await connect(self._db._url)
        await conn.add_listener(CHANNEL, self._received)
        conn.add_termination_listener(self._lost)
        self._conn = conn

    def _received(self, conn: object, pid: int, channel: str, payload: str) -> None:
        """One notice: `topic:key` changed in another process."""
        if pid in self._own:
            return
        topic, _, key = payload.partition(":")
        self._db.changes.deliver(topic, key or None)

    def _lost(self, conn: object) -> None:
        """The listening connection closed: notices may be missed until it is back."""
        self._conn = None
        if self._stopped:
            return
        log.warning("Lost the database connection that hears other processes' changes; caching nothing until back")
        self._db.changes.lost()
        if self._reconnecting is None or self._reconnecting.done():
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        """Try again every RECONNECT_EVERY seconds until listening again."""
        while not self._stopped:
            await asyncio.sleep(RECONNECT_EVERY)
            try:
                await self.start()
            except Exception as exc:
                log.debug("Listening again failed: %s", exc)
                continue
            log.warning("Listening for other processes' changes again")
            self._db.changes.regained()
            return

    async def stop(self) -> None:
        """Stop listening for good."""
        self._stopped = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._reconnecting
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with suppress(Exception):
                await conn.close()


# --- backups ---------------------------------------------------------------------------------------


PG_DUMP_ARCHIVE = "a pg_dump archive (restore it with pg_restore)"
SQLITE_EXPORT = "a SQLite copy, as pg_dump is not installed (bring it back with: python -m bot db copy)"


async def backup_postgres(url: str, dest: Path) -> str:
    """pg_dump's custom-format archive of the database at `dest` when pg_dump is installed; else a consistent
    export of every table into a SQLite file (`bot.store.copy`). Written beside `dest`, then moved into place,
    so a failed backup leaves no half-written file. Returns which of the two it wrote."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    pg_dump = shutil.which("pg_dump")
    try:
        if pg_dump is not None:
            # The password goes in pg_dump's environment, not on its command line, where `ps` would show it.
            address, password = without_password(url)
            environment = {**os.environ, **({"PGPASSWORD": password} if password is not None else {})}
            result = await asyncio.to_thread(
                subprocess.run,
                [pg_dump, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={address}"],
                capture_output=True,
                text=True,
                env=environment,
            )
            if result.returncode != 0:
                problem = " ".join(result.stderr.split())[:300] or f"exit code {result.returncode}"
                raise StorageUnavailableError(f"Could not back up {shown(url)}: pg_dump failed ({problem}).")
        else:
            from bot.store.copy import export_database

            await export_database(url, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(dest)
    return PG_DUMP_ARCHIVE if pg_dump is not None else SQLITE_EXPORT


def without_password(url: str) -> tuple[str, str | None]:
    """The URL with its password taken out, and the password (None when it has none)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}{host}{port}")), unquote(parts.password)
