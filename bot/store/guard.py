"""What stands between the database and harm: one store per file, its pages intact, its files still ours.

**One store per file.** The store keeps members' read-throughs and statuses and each server's live catalog
in memory, exact only because it is the file's only writer. A second bot on the same file would serve
what it cached while the first changed the rows under it (one member's update landing on another's
shelf after a deletion, a retired resource still served), so `DatabaseLock` takes an exclusive `flock` on
`<database>.lock` for as long as the store is open: a second store, in this process or another, is refused
with one sentence. The kernel drops the lock when the process ends, however it ends (SIGKILL included),
so there is never a stale lock to clean up. Only stores lock: `python -m bot db backup` reads a snapshot
through SQLite, holds no cache and writes nothing, so it runs beside the bot. `python -m bot` takes the
lock (`reserve_database`) before it connects to Discord, and keeps it for the life of the process: its
store claims that lock instead of taking another.

**Its pages are intact.** A damaged file (a torn write, a bad disk, a page overwritten) would be served
as if it were fine, some commands failing at random. A store checks it (`PRAGMA quick_check`, about
0.15 s for 25 MB) when it opens, or `reserve_database` does before connecting, and a damaged one is
refused with what to do about it.

**The files stay the files we opened.** Deleting or replacing the database or its WAL under a running
bot (`rm pillars.db-wal`, restoring a copy with `mv`) leaves SQLite writing to files nobody will ever
read again: every write acknowledged since would be lost at the next restart. `FileIdentity` remembers
the device and inode of both files when they were opened and compares them after every commit (two
`stat` calls per commit, not per write: writers share commits); once they differ the store acknowledges
no more writes. An overwrite in place (`cp` over the file) keeps the inode and is not seen.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import StorageUnavailableError

log = logging.getLogger(__name__)


def lock_path(database: Path | str) -> Path:
    """The lock file beside a database: `<database>.lock`."""
    return Path(f"{database}.lock")


class DatabaseInUseError(StorageUnavailableError):
    """Another open store, in this process or another, holds the database's lock."""


class DatabaseLock:
    """An exclusive lock on a database for as long as one store has it open; see the module docstring."""

    def __init__(self, database: Path | str, fd: int | None) -> None:
        self.database = Path(database)
        self._fd = fd

    @classmethod
    def acquire(cls, database: Path | str, *, read_only: bool = False) -> DatabaseLock:
        """Take the lock or raise DatabaseInUseError naming the process that holds it.

        A read-only store on a folder it cannot write in (so no lock file can be made) goes without one.
        """
        path = lock_path(database)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            if read_only and not path.exists():
                log.warning("No lock file can be made beside %s (%s); opening it read-only without one", database, exc)
                return cls(database, None)
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                raise StorageUnavailableError(f"The database's lock file {path} cannot be opened: {exc}.") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise DatabaseInUseError(in_use_message(database, holder)) from None
        except OSError as exc:
            os.close(fd)
            raise StorageUnavailableError(f"The database's lock file {path} cannot be locked: {exc}.") from exc
        try:  # who holds it, for the sentence a second bot prints
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass  # a read-only lock file still locks; it just cannot say who holds it
        return cls(database, fd)

    def release(self) -> None:
        """Let another store open the database. The file stays: deleting it would let two processes lock two
        different files of the same name."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor drops the flock


# Locks `reserve_database` took for this process, not yet claimed by its store: real path → (lock, checked).
_reserved: dict[str, tuple[DatabaseLock, bool]] = {}


def reserve_database(database: Path | str) -> None:
    """Before connecting to Discord: take the database's lock for the life of this process, and refuse a
    damaged file; raise DatabaseInUseError or DatabaseDamagedError with the sentence to print.

    The store opened later in this process claims the lock (`claim_reserved`) and skips its own check.
    """
    if str(database) in ("", ":memory:") or os.path.realpath(database) in _reserved:
        return
    lock = DatabaseLock.acquire(database)
    try:
        checked = True if not Path(database).exists() else _quick_check_now(database)
    except BaseException:
        lock.release()
        raise
    _reserved[os.path.realpath(database)] = (lock, checked)


def claim_reserved(database: Path | str) -> tuple[DatabaseLock, bool] | None:
    """The lock `reserve_database` took for this database and whether it checked the file, once; else None."""
    return _reserved.pop(os.path.realpath(database), None)


def in_use_message(database: Path | str, holder: int | None) -> str:
    """The one sentence a second store (or bot) is refused with."""
    who = f"process {holder}" if holder else "another process"
    return (
        f"The database {database} is already in use by another Pillars bot ({who}); stop that one first, "
        "or set DATABASE_PATH to another file (python -m bot db backup works beside a running bot)."
    )


def _read_holder(fd: int) -> int | None:
    """The process id written in a lock file, if it holds one."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


# --- its pages are intact --------------------------------------------------------------------------


class DatabaseDamagedError(StorageUnavailableError):
    """The database file failed SQLite's integrity check (or is not a database at all)."""


def damage_message(database: Path | str, verdict: Sequence[str]) -> str | None:
    """What to do about a damaged database, from `PRAGMA quick_check`'s rows; None when they say "ok"."""
    if list(verdict) == ["ok"]:
        return None
    # SQLite's rows read "*** in database main ***\nPage 35: btreeInitPage() returns error code 11"
    problems = [" ".join(row.replace("*** in database main ***", "").split()) for row in verdict]
    found = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
    return damaged_message(database, found)


def damaged_message(database: Path | str, found: str) -> str:
    """The sentence for a damaged database file, with how to recover."""
    return (
        f"The database {database} is damaged ({found[:300]}), so the bot will not use it. Keep the damaged file; "
        f"restore your last copy made with 'python -m bot db backup' (move the damaged file aside first), or "
        f"salvage what is readable with: sqlite3 {database} .recover | sqlite3 recovered.db"
    )


def _quick_check_now(database: Path | str) -> bool:
    """Check the file as it is now (a plain synchronous connection, under the lock): True when it is intact,
    False when it could not be checked (the store checks it again), DatabaseDamagedError when damaged."""
    try:
        conn = sqlite3.connect(database)
        try:
            verdict = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise DatabaseDamagedError(damaged_message(database, str(exc))) from None
        return False
    problem = damage_message(database, verdict)
    if problem is not None:
        raise DatabaseDamagedError(problem)
    return True


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file is damaged: SQLITE_CORRUPT, or SQLITE_NOTADB (not a database at all)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (11, 26)
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


# --- the files stay the files we opened --------------------------------------------------------------


@dataclass(frozen=True)
class FileIdentity:
    """The device and inode of the database file and of its WAL, as they were when the store opened them."""

    files: tuple[tuple[str, tuple[int, int] | None], ...]  # (path, identity then) for the database, its WAL

    @classmethod
    def of(cls, database: Path | str) -> FileIdentity:
        """Remember what the files are now (the WAL exists from the first read of a WAL database)."""
        paths = (str(database), f"{database}-wal")
        return cls(tuple((path, _identity(path)) for path in paths))

    def change(self) -> FileChange | None:
        """What happened to the files since (deleted, replaced); None when they are the ones opened."""
        for path, then in self.files:
            if then is None:
                continue  # not there when opened (a read-only database with no WAL yet): nothing to compare
            now = _identity(path)
            if now is None:
                return FileChange(Path(path), f"{path} was deleted")
            if now != then:
                return FileChange(Path(path), f"{path} was replaced by another file")
        return None


@dataclass(frozen=True)
class FileChange:
    """One of the database's files is not the one the store opened: which, and what happened, for the log."""

    path: Path
    description: str


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of a file, or None when it is not there."""
    try:
        status = os.stat(path)
    except OSError:  # gone, or no longer reachable: either way not a file a write can be trusted to
        return None
    return status.st_dev, status.st_ino
