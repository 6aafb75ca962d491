"""The store's guards: one store per file, a damaged file refused, files changed under it noticed.

Across processes and through the bot: tests/reliability/test_two_processes.py and test_sick_database.py.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from bot.catalog import Catalog
from bot.errors import StorageUnavailableError
from bot.store import Store
from bot.store.guard import DatabaseDamagedError, DatabaseInUseError, claim_reserved, reserve_database
from tests.store.conftest import GUILD, MEMBER, count

pytestmark = pytest.mark.sqlite_only  # PostgreSQL has no file to guard: several processes are the point

LADR = "linear-algebra-done-right"


async def test_a_second_store_on_the_same_file_is_refused_until_the_first_closes(
    db_path: Path, curated: Catalog
) -> None:
    first = await Store.open(db_path, curated)
    try:
        with pytest.raises(
            DatabaseInUseError, match=f"already in use by another Pillars bot \\(process {os.getpid()}\\)"
        ):
            await Store.open(db_path, curated)
        with pytest.raises(DatabaseInUseError):
            await Store.open(db_path, curated, read_only=True)  # its caches would go stale just the same
        await first.log_progress(MEMBER, GUILD, LADR, position=3)  # the refusals changed nothing for the first
    finally:
        await first.close()

    async with await Store.open(db_path, curated) as second:
        assert [entry.position for entry in await second.shelf(MEMBER)] == [3]


async def test_the_lock_taken_before_connecting_is_the_one_the_store_keeps(db_path: Path, curated: Catalog) -> None:
    reserve_database(db_path)  # what `python -m bot` does before it connects to Discord
    async with await Store.open(db_path, curated) as store:  # claims it rather than taking a second one
        assert claim_reserved(db_path) is None
        await store.log_progress(MEMBER, GUILD, LADR, position=1)
        with pytest.raises(DatabaseInUseError):
            await Store.open(db_path, curated)
    async with await Store.open(db_path, curated):  # released with the store
        pass


async def test_a_damaged_file_is_refused_when_the_store_opens(db_path: Path, curated: Catalog) -> None:
    async with await Store.open(db_path, curated) as store:
        for position in range(1, 100):
            await store.log_progress(MEMBER, GUILD, LADR, position=position, note="n" * 300)
    root = count(db_path, "SELECT rootpage FROM sqlite_schema WHERE name = 'progress_events'")
    page_size = count(db_path, "PRAGMA page_size")
    with db_path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * page_size)

    with pytest.raises(DatabaseDamagedError, match="is damaged .*python -m bot db backup.*\\.recover"):
        await Store.open(db_path, curated)
    async with await Store.open(db_path.with_name("other.db"), curated):  # the refusal held no lock
        pass
    with pytest.raises(DatabaseDamagedError):
        await Store.open(db_path, curated)  # nor on the damaged file itself: refused again, not "in use"


async def test_a_deleted_wal_stops_every_write_but_not_reads_and_keeps_what_was_acknowledged(
    store: Store, db_path: Path
) -> None:
    for position in range(1, 11):
        await store.log_progress(MEMBER, GUILD, LADR, position=position)

    os.unlink(f"{db_path}-wal")
    with pytest.raises(StorageUnavailableError, match="changed behind its back"):
        await store.log_progress(MEMBER, GUILD, LADR, position=11)
    with pytest.raises(StorageUnavailableError, match="changed behind its back"):
        await store.add_suggestion(GUILD, MEMBER, "A book", "https://example.org/")

    assert [entry.position for entry in await store.shelf(MEMBER)] == [11]  # the refused one is there, unacknowledged
    # The store folded the WAL it still held into the database file: read alone, the file has every update.
    with sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True) as conn:
        positions = [row[0] for row in conn.execute("SELECT position FROM progress_events ORDER BY id")]
    conn.close()
    assert positions[:10] == list(range(1, 11))
