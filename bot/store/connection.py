"""What every database backend promises the store, and the one implementation of group commit they share.

Every statement in the store goes through a `Database`, with parameters, never formatted into SQL text.
Store modules write portable SQL with `?` placeholders (or `:name` with a mapping); a backend translates
the placeholders in one place. Where a statement must differ between backends, the difference is one named
property of `session.dialect` (`insertion_order`, `one_of`), never an `if backend ==` in a store module.

The backends: SQLite (`bot.store.sqlite`, the default: a file, one process) and PostgreSQL
(`bot.store.postgres`, `DATABASE_URL=postgresql://…`: one server, many processes). `open_database` picks one.

Writes go through one connection, serialised by one asyncio lock, and concurrent writes share a commit
(group commit): the first writer to find no open transaction opens one; writers that queued on the lock
meanwhile run their bodies inside it, each in its own SAVEPOINT, so a refused update rolls back only itself;
then a single COMMIT makes all of them durable at once, and only then is any of them acknowledged. One
durable commit (an fsync) per batch instead of one per update is most of what a write costs. If the shared
commit fails, every write in the batch fails and none of it is left; if the database abandons the whole
transaction mid-batch (SQLite does on a full disk), the same.

Reads go through their own connection(s) and see the last committed state: never a batch's uncommitted rows,
and never waiting behind writes.

Several processes (PostgreSQL only): what a process keeps in memory about rows (a member's statuses, a
server's live catalog) is dropped when another process changes them. A write names what it changed with
`session.notify(topic, key)`; the names travel with the commit (PostgreSQL's NOTIFY is delivered only if the
transaction commits) and `Database.changes` hands them to the caches of every other process. Writes that read
before they write take `session.lock(topic, key)` first, so two processes changing the same member or server
take turns instead of both acting on what they read before the other committed.
"""

from __future__ import annotations

import asyncio
import importlib.resources
import itertools
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from bot.errors import StorageUnavailableError
from bot.store.changes import Changes

log = logging.getLogger(__name__)

MEMORY = ":memory:"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


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
    """The stored text of a time: fixed-width ISO 8601 in UTC, so text order is time order (in both backends)."""
    return as_utc(moment).isoformat(timespec="microseconds")


def time_from_db(text: str | None) -> datetime | None:
    """A stored time back as an aware datetime."""
    return None if text is None else datetime.fromisoformat(text)


# --- migrations ------------------------------------------------------------------------------------

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file: bot/store/migrations/ for SQLite, bot/store/migrations/postgres/ for PostgreSQL."""

    version: int
    name: str
    sql: str


def migrations(backend: str = "sqlite") -> list[Migration]:
    """Every migration shipped with the bot for a backend, in order; numbers must run 1, 2, 3… with no gap.

    Both backends have the same numbered set (a test checks): a schema change is written once for each.
    """
    folder = importlib.resources.files("bot.store") / "migrations"
    if backend == "postgres":
        folder = folder / "postgres"
    elif backend != "sqlite":
        raise ValueError(f"unknown backend {backend!r}; known: {', '.join(BACKENDS)}")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002… with no gap: {[m.name for m in found]}")
    return found


def newer_schema_error(current: int, known: int) -> StorageUnavailableError:
    """The refusal for a database migrated by a newer Pillars than this one."""
    return StorageUnavailableError(
        f"The database is at schema version {current}, newer than this Pillars knows ({known}); "
        "run a newer version of the bot."
    )


# --- what statements look like to the store --------------------------------------------------------


class Row(Protocol):
    """A result row, by column name or position (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


Params = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True)
class Dialect:
    """Where the backends' SQL must differ: each difference named once, here, for the store modules to use."""

    name: str
    # The column that orders a table's rows as they were first inserted (SQLite's rowid; PostgreSQL's tables
    # that need it have a `stored_order` identity column).
    insertion_order: str
    # One parameter holding many ids: SQLite gets them as a JSON array, PostgreSQL as a bigint[].
    _one_of: str
    # Whole days between two stored times, truncated (SQLite's julianday; PostgreSQL's pillars_days, migration 0004).
    _days_between: str
    # An outcome's key as stored ('', 12, 'too-hard'): SQLite's untyped column takes any value; PostgreSQL's JSONB
    # column needs the value as JSONB.
    _as_key: str

    def one_of(self, column: str, placeholder: str = "?") -> str:
        """The condition "`column` is one of the ids in the parameter `placeholder` (the next `?`, or `:name`)";
        pass `ids(...)` as that parameter."""
        return self._one_of.format(column=column, placeholder=placeholder)

    def days_between(self, started: str, finished: str) -> str:
        """Whole days from the time `started` to the time `finished` (two SQL expressions), truncated."""
        return self._days_between.format(started=started, finished=finished)

    def as_key(self, expression: str) -> str:
        """An SQL expression as an outcome key (`outcome_counts.key`), to compare with or stand beside one."""
        return self._as_key.format(expression=expression)

    def ids(self, values: Iterable[int]) -> Any:
        """The parameter `one_of` takes: the ids, sorted and unique."""
        unique = sorted({int(value) for value in values})
        if self.name == "sqlite":
            import json

            return json.dumps(unique)
        return unique


SQLITE = Dialect(
    "sqlite",
    "rowid",
    "{column} IN (SELECT value FROM json_each({placeholder}))",
    "CAST(julianday({finished}) - julianday({started}) AS INTEGER)",
    "{expression}",
)
POSTGRES = Dialect(
    "postgres",
    "stored_order",
    "{column} = ANY({placeholder}::bigint[])",
    "pillars_days({started}, {finished})",
    "to_jsonb({expression})",
)


class Session(ABC):
    """Statements on a connection while the caller holds it (inside `read()` or `transaction()`)."""

    __slots__ = ("_batch", "_notices")

    dialect: Dialect

    def __init__(self, batch: Batch | None = None) -> None:
        self._batch = batch
        self._notices: list[tuple[str, str]] = []

    @property
    def batch(self) -> object | None:
        """The write transaction this session is part of (the same object for every writer sharing it); None
        for a read."""
        return self._batch

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the transaction's COMMIT succeeded, before any later writer runs; never if it fails."""
        assert self._batch is not None, "only a write transaction commits"
        self._batch.after_commit.append(callback)

    def notify(self, topic: str, key: int | str) -> None:
        """Tell the other processes, once this write commits, that rows about `key` of `topic` changed, so they drop
        what they cached (see `bot.store.changes` for the topics). Sent only if this body is kept and commits."""
        assert self._batch is not None, "only a write transaction changes rows"
        self._notices.append((topic, str(key)))

    def _kept(self) -> None:
        """The body succeeded: its notices go with the batch's commit."""
        if self._batch is not None:
            self._batch.notices.extend(self._notices)
        self._notices = []

    @abstractmethod
    async def lock(self, topic: str, key: int | str) -> None:
        """Until this transaction ends, make writers in other processes that lock the same (topic, key) wait.

        Take it before reading what the write depends on."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the rows it changed."""

    @abstractmethod
    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT into a table whose key is `id`; return the new row's id."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query."""

    @abstractmethod
    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters (a bulk insert)."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


@dataclass(frozen=True)
class TableShape:
    """What moving a table's rows needs to know (`bot.store.copy`): its columns, the tables it references, the
    order its rows were stored in, and the columns the database generates (moved past the copied values)."""

    name: str
    columns: tuple[str, ...]
    references: frozenset[str]
    order_by: str
    generated: tuple[str, ...] = ()


@dataclass(eq=False)
class Batch:
    """The open write transaction that concurrent writers share.

    `outcome` settles once, for every writer in it: None when the COMMIT succeeded, else what failed.
    """

    outcome: asyncio.Future[BaseException | None]
    committer: asyncio.Task[None] | None = None
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)


# --- the database ----------------------------------------------------------------------------------


class Database(ABC):
    """The store's connections to one database, with group commit; a backend supplies the statements.

    A backend implements the primitives (`_begin`, `_commit_batch`, `_rollback`, the savepoint trio, `read`,
    `_unavailable`) and may refuse writes before they queue (`_refuse_writes`) or before one opens a batch
    (`_before_leading`).
    """

    dialect: Dialect

    def __init__(self, location: str, read_only: bool) -> None:
        self._lock = asyncio.Lock()
        self._batch: Batch | None = None
        self._writers_waiting = 0
        self.location = location
        self.read_only = read_only
        self.changes = Changes()
        self.reads = 0  # read transactions begun: how a test sees a read served from memory
        self.commits = 0  # batches committed: how a test (or a benchmark) sees writes sharing a commit

    # --- what a backend provides ----------------------------------------------------------------

    @property
    def single_process(self) -> bool:
        """Whether this process is the database's only writer (so caches of what it wrote stay exact)."""
        return True

    @property
    def _shares_commits(self) -> bool:
        """Whether writes may share a commit: only when reads cannot see the open transaction."""
        return True

    @abstractmethod
    def _session(self, batch: Batch) -> Session:
        """A session on the write connection, inside `batch`."""

    @abstractmethod
    async def _begin(self) -> None:
        """Open the write transaction (raise the backend's error when it cannot)."""

    @abstractmethod
    async def _commit_batch(self, batch: Batch) -> None:
        """Make the batch durable: its notices, then COMMIT."""

    @abstractmethod
    async def _rollback(self) -> None:
        """Roll back whatever is open on the write connection; fine when nothing is."""

    @abstractmethod
    async def _savepoint(self) -> None:
        """Mark where a joining writer's body starts."""

    @abstractmethod
    async def _release_savepoint(self) -> None:
        """The joining body succeeded: keep its work in the batch."""

    @abstractmethod
    async def _rollback_to_savepoint(self) -> bool:
        """Undo a joining body's work; False when the backend lost the whole transaction instead."""

    @abstractmethod
    def _storage_error(self, exc: BaseException) -> StorageUnavailableError | None:
        """The member's error when `exc` says the storage cannot serve now (down, full, read-only); None for any
        other error (a bug, a refused statement)."""

    def _unavailable(self, exc: BaseException, doing: str = "Write") -> StorageUnavailableError | None:
        """`_storage_error`, logged once where it happens."""
        unavailable = self._storage_error(exc)
        if unavailable is not None:
            log.warning("%s refused by the database: %s", doing, exc)
        return unavailable

    def _refuse_writes(self) -> None:
        """Raise StorageUnavailableError before a writer queues, when no write can be acknowledged now (by
        default every write may try)."""
        return None

    def _before_leading(self, arrived: float) -> None:
        """Raise StorageUnavailableError instead of opening a batch, when waiting again would be pointless (by
        default it never is)."""
        return None

    async def _after_commit_check(self) -> StorageUnavailableError | None:
        """After a COMMIT: the error every writer of the batch gets when it is not durable where it should be."""
        return None

    def _shared_failure(self, failure: BaseException) -> BaseException:
        """The error each writer of a failed batch raises (the failure itself was logged once)."""
        return self._storage_error(failure) or RuntimeError(f"the shared commit failed: {failure!r}")

    @abstractmethod
    def read(self) -> Any:
        """`async with db.read() as session`: reads that see one consistent, committed snapshot."""

    @abstractmethod
    async def read_rows(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of one query, with none of the BEGIN and COMMIT `read` wraps around several: a single statement
        reads one committed snapshot by itself."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The last migration applied."""

    @abstractmethod
    async def table_names(self) -> list[str]:
        """The tables of the schema (for tests, dumps and `db copy`)."""

    @abstractmethod
    async def shapes(self) -> dict[str, TableShape]:
        """Every table's shape, by name (for `db copy`)."""

    @abstractmethod
    async def follow_copied_ids(self, session: Session, shape: TableShape) -> None:
        """After rows were copied in with their ids: make the ids the database generates next come after them."""

    @abstractmethod
    async def backup_to(self, dest: Path | str) -> None:
        """A consistent copy of everything committed when it starts, at `dest`."""

    @abstractmethod
    async def _close_connections(self) -> None:
        """Close every connection."""

    def publish(self, topic: str, key: int | str) -> None:
        """Tell the other processes, soon and outside any transaction, about something that is not a row (a
        member's write cooldown, a reload of the curated files); never waits, never raises. Alone on the
        database (SQLite), there is nobody to tell."""
        return None

    # --- writes: one transaction shared by whoever is writing at the time --------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """Hold the write connection: everything inside commits together, or nothing does.

        Returns only once the commit carrying the body is durable, and raises StorageUnavailableError when
        that commit failed even though the body itself succeeded (see the module docstring).
        """
        self._refuse_writes()
        arrived = asyncio.get_running_loop().time()
        self._writers_waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self._writers_waiting -= 1
        try:
            batch = self._batch
            if batch is None:
                self._before_leading(arrived)
                batch = await self._lead()
                session = self._session(batch)
                try:
                    yield session
                except BaseException as exc:
                    # Nobody has joined yet (they wait for the lock), so the whole transaction is this body's.
                    self._batch = None
                    await self._rollback()
                    if (unavailable := self._unavailable(exc)) is None:
                        raise
                    raise unavailable from exc
                session._kept()
                if self._writers_waiting and self._shares_commits:
                    # Let the writers already queued run their bodies first, then commit them all at once.
                    batch.committer = asyncio.create_task(self._commit_when_queue_ran(batch))
                else:
                    await self._commit(batch)
            else:
                session = self._session(batch)
                try:
                    await self._savepoint()
                    yield session
                except BaseException as exc:
                    await self._undo_savepoint(batch, exc)
                    if (unavailable := self._unavailable(exc)) is None:
                        raise
                    raise unavailable from exc
                # Outside the try: once queued, the RELEASE runs even if this await is cancelled, so the body
                # is part of the batch by then; rolling back to a released savepoint would be wrong.
                session._kept()
                await self._release_savepoint()
        finally:
            self._lock.release()
        await self._settled(batch)

    async def _lead(self) -> Batch:
        """Open the write transaction that the writers queued behind this one will join."""
        try:
            await self._begin()
        except BaseException as exc:
            await self._rollback()  # a cancelled await does not stop the BEGIN from running
            if (unavailable := self._unavailable(exc)) is None:
                raise
            raise unavailable from exc
        self._batch = Batch(asyncio.get_running_loop().create_future())
        return self._batch

    async def _undo_savepoint(self, batch: Batch, failure: BaseException) -> None:
        """Undo a failed body that joined a batch, keeping the others' work, unless the batch is lost."""
        try:
            if await self._rollback_to_savepoint():
                return
        except Exception as exc:
            failure = exc
        # The backend gave up the whole transaction (SQLite does on a full disk or an I/O error; a lost
        # connection does): every body in the batch is gone, so every writer in it fails, and the next writer
        # starts a new one.
        self._batch = None
        await self._rollback()
        log.warning("Write refused by the database, the whole batch with it: %r", failure)
        batch.outcome.set_result(failure)

    async def _commit_when_queue_ran(self, batch: Batch) -> None:
        """Queue behind the writers waiting when the leader finished, then commit the batch they joined."""
        async with self._lock:
            if self._batch is batch:  # not already failed, nor committed by `close`
                await self._commit(batch)

    async def _commit(self, batch: Batch) -> None:
        """COMMIT the batch (holding the lock) and settle it for every writer in it."""
        self._batch = None
        try:
            await self._commit_batch(batch)
        except BaseException as exc:
            await self._rollback()
            log.warning("Write refused by the database, the whole batch with it: %r", exc)
            batch.outcome.set_result(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            if (changed := await self._after_commit_check()) is not None:
                batch.outcome.set_result(changed)  # durable only where nobody will read it: not acknowledged
                return
            self.commits += 1
            # Still holding the lock: what the callbacks publish is in place before the next writer starts.
            for callback in batch.after_commit:
                callback()
            batch.outcome.set_result(None)

    async def _settled(self, batch: Batch) -> None:
        """Wait for the batch's commit (shielded: cancelling one writer must not abandon the others)."""
        failure = await asyncio.shield(batch.outcome)
        if failure is None:
            return
        if isinstance(failure, StorageUnavailableError):
            raise StorageUnavailableError(failure.message)
        # One failure is shared by the batch's writers (and already logged), so each raises its own error.
        raise self._shared_failure(failure) from failure

    async def close(self) -> None:
        """Commit the open batch if there is one, then close every connection."""
        async with self._lock:
            if self._batch is not None:
                await self._commit(self._batch)
            await self._close_connections()


# --- placeholders ----------------------------------------------------------------------------------

# A string literal, a quoted identifier, a cast (::), a positional `?` or a named `:name`.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|\?|:([A-Za-z_][A-Za-z0-9_]*)")


def numbered_placeholders(sql: str, params: Params) -> tuple[str, tuple[Any, ...]]:
    """The statement with `?` or `:name` placeholders as PostgreSQL's `$1, $2…`, and its arguments in order."""
    if isinstance(params, Mapping):
        order: list[str] = []

        def named(match: re.Match[str]) -> str:
            if match.group(1) is None:
                return match.group(0)
            if match.group(1) not in order:
                order.append(match.group(1))
            return f"${order.index(match.group(1)) + 1}"

        text = _TOKENS.sub(named, sql)
        return text, tuple(params[name] for name in order)
    counter = itertools.count(1)

    def positional(match: re.Match[str]) -> str:
        return f"${next(counter)}" if match.group(0) == "?" else match.group(0)

    return _TOKENS.sub(positional, sql), tuple(params)


# --- opening a database ----------------------------------------------------------------------------


def is_postgres(location: Path | str) -> bool:
    """Whether a database location is a PostgreSQL URL (else it is a SQLite file, or ":memory:")."""
    return str(location).startswith(POSTGRES_SCHEMES)


def shown(location: Path | str) -> str:
    """A location safe to print or log: a URL's password replaced by ***."""
    text = str(location)
    if not is_postgres(text):
        return text
    return re.sub(r"^(\w+://[^:/@]*):[^@]*@", r"\1:***@", text)


async def open_database(location: Path | str, *, read_only: bool = False, migrate_to: int | None = None) -> Database:
    """Open the database at `location` (a SQLite path or a postgresql:// URL) and apply pending migrations."""
    if is_postgres(location):
        from bot.store.postgres import PostgresDatabase

        return await PostgresDatabase.open(str(location), read_only=read_only, migrate_to=migrate_to)
    from bot.store.sqlite import SqliteDatabase

    return await SqliteDatabase.open(location, read_only=read_only, migrate_to=migrate_to)


async def backup_file(source: Path | str, dest: Path | str) -> str:
    """Back up a (possibly live) database: SQLite's online backup of a file; pg_dump (or a consistent export)
    of a PostgreSQL database. Returns what was written; StorageUnavailableError, in one sentence, when it cannot."""
    if is_postgres(source):
        from bot.store.postgres import backup_postgres

        return await backup_postgres(str(source), Path(dest))
    from bot.store.sqlite import backup_sqlite_file

    await backup_sqlite_file(source, dest)
    return "a SQLite copy"


def rows_as_dicts(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Rows as plain dicts (for exports and dumps)."""
    # keys(): iterating a sqlite3.Row gives its values, not its column names.
    return [{key: row[key] for key in row.keys()} for row in rows]  # noqa: SIM118


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """`items` in slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
