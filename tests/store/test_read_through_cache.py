"""The writers' cache of each member's current read-throughs: an update reads them from memory instead of
the database, so the cache must say exactly what the write connection would, after every kind of write,
refusal and failure. Only SQLite keeps it (one process per file); with PostgreSQL an update reads the
member's rows inside its transaction instead (`tests/store/test_processes.py`)."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

import pytest

from bot.errors import InvalidInputError, StorageUnavailableError
from bot.reading import ReadingStatus
from bot.store import Store
from bot.store.progress import _CURRENT, ReadThrough
from tests.factories import DEEP, ESSENCE, LADR, POST
from tests.store.conftest import GUILD, MEMBER, count

pytestmark = pytest.mark.sqlite_only


async def stored(store: Store, user_id: int) -> dict[str, ReadThrough]:
    """The member's current read-throughs as committed, read from the database."""
    async with store.database.read() as session:
        rows = await session.fetchall(_CURRENT, (user_id,))
    return {row["resource_id"]: ReadThrough.from_row(row) for row in rows}


def cached(store: Store, user_id: int) -> dict[str, ReadThrough] | None:
    """What the cache holds for the member as committed (None: not cached, the next update loads them)."""
    return store.cached_read_throughs(user_id)


async def assert_exact(store: Store, *user_ids: int) -> None:
    """Every cached member's read-throughs are exactly the committed ones."""
    for user_id in user_ids:
        in_memory = cached(store, user_id)
        assert in_memory is None or in_memory == await stored(store, user_id), user_id


@pytest.fixture
async def writes(store: Store) -> list[str]:
    """Every statement the store's write connection runs, as SQLite traces it."""
    seen: list[str] = []
    await store.database.writer.set_trace_callback(seen.append)
    yield seen
    await store.database.writer.set_trace_callback(None)


async def test_an_update_reads_the_members_rows_once_then_from_memory(store: Store, writes: list[str]) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=10)
    assert sum(sql.startswith("SELECT * FROM read_throughs") for sql in writes) == 1  # the first loads the member
    writes.clear()
    await store.log_progress(MEMBER, GUILD, LADR, position=20)
    await store.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.WANT_TO_READ)
    assert not any(sql.startswith("SELECT * FROM read_throughs") for sql in writes), writes
    await assert_exact(store, MEMBER)
    assert set(cached(store, MEMBER) or {}) == {LADR, ESSENCE}


async def test_the_cache_is_exact_after_every_kind_of_update(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=10, note="chapter 1")
    await store.log_progress(MEMBER, GUILD, LADR, note="slow going")  # a note alone
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.DROPPED)
    await store.log_progress(MEMBER, GUILD, LADR, position=390)  # resumed and finished
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.READING)  # a re-read: a new row
    await store.log_progress(MEMBER, GUILD, POST, position=100)
    await assert_exact(store, MEMBER)
    assert (cached(store, MEMBER) or {})[LADR].number == 2


async def test_a_refused_update_leaves_nothing_and_the_next_one_plans_from_the_truth(
    store: Store, db_path: Path
) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED)
    events = count(db_path, "SELECT COUNT(*) FROM progress_events")
    with pytest.raises(InvalidInputError):
        await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.DROPPED)  # nothing left to drop
    with pytest.raises(InvalidInputError):
        await store.log_progress(MEMBER, GUILD, LADR)  # nothing to record
    assert count(db_path, "SELECT COUNT(*) FROM progress_events") == events
    await assert_exact(store, MEMBER)
    entry = await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.READING)
    assert entry.read_count == 2
    await assert_exact(store, MEMBER)


async def test_refusals_inside_a_batch_leave_the_others_cached_exactly(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED)
    results = await asyncio.gather(
        store.log_progress(MEMBER, GUILD, ESSENCE, position=3),
        store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.DROPPED),  # refused
        store.log_progress(MEMBER, GUILD, ESSENCE, position=4),
        store.log_progress(MEMBER + 1, GUILD, LADR, position=400),  # refused: past the end
        store.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.FINISHED),
        return_exceptions=True,
    )
    assert [isinstance(r, InvalidInputError) for r in results] == [False, True, False, True, False]
    await assert_exact(store, MEMBER, MEMBER + 1)
    assert (await stored(store, MEMBER))[ESSENCE].status is ReadingStatus.FINISHED


async def test_a_failed_batch_caches_nothing_it_wrote(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=10)
    connection = store.database.writer
    execute = connection.execute

    def full_at_commit(sql: str, *args: object):  # the WAL write at COMMIT finds the disk full
        if sql == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return execute(sql, *args)

    monkeypatch.setattr(connection, "execute", full_at_commit)
    results = await asyncio.gather(
        store.log_progress(MEMBER, GUILD, LADR, position=390),  # would finish it
        *(store.log_progress(MEMBER + i, GUILD, ESSENCE, position=i) for i in range(1, 6)),
        return_exceptions=True,
    )
    monkeypatch.undo()
    assert all(isinstance(r, StorageUnavailableError) for r in results), results
    assert count(db_path, "SELECT COUNT(*) FROM progress_events") == 1
    await assert_exact(store, *range(MEMBER, MEMBER + 6))
    # Planned from what is committed (reading, page 10), not from the lost batch (finished): no re-read.
    entry = await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.READING)
    assert (entry.read_count, entry.position) == (1, 10)
    await store.log_progress(MEMBER + 1, GUILD, ESSENCE, position=7)
    assert (await stored(store, MEMBER + 1))[ESSENCE].number == 1
    await assert_exact(store, *range(MEMBER, MEMBER + 6))


async def test_a_body_cancelled_mid_write_leaves_the_cache_exact(store: Store) -> None:
    for step in range(1, 30):
        task = asyncio.create_task(store.log_progress(MEMBER, GUILD, DEEP, position=step))
        for _ in range(step % 5):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await assert_exact(store, MEMBER)
    entry = await store.log_progress(MEMBER, GUILD, DEEP, note="after")
    assert entry.read_count == 1
    await assert_exact(store, MEMBER)


async def test_deleting_a_member_in_the_same_batch_as_their_updates_starts_them_afresh(
    store: Store, db_path: Path
) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED)
    before, deleted, after = await asyncio.gather(
        store.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.READING),
        store.delete_member(MEMBER),
        store.log_progress(MEMBER, GUILD, LADR, position=5),
    )
    assert before.read_count == 2 and deleted > 0
    assert (after.read_count, after.status) == (1, ReadingStatus.READING)  # no trace of the deleted rows
    assert count(db_path, "SELECT COUNT(*) FROM read_throughs") == 1
    await assert_exact(store, MEMBER)


async def test_many_members_writing_at_once_with_refusals_and_deletions_keep_the_cache_exact(store: Store) -> None:
    rng = random.Random(20250301)
    members = range(3000, 3012)
    resources = [LADR, ESSENCE, DEEP, POST]
    statuses = [None, *ReadingStatus]
    for _ in range(15):
        calls = []
        for _ in range(40):
            user_id = rng.choice(members)
            if rng.random() < 0.03:
                calls.append(store.delete_member(user_id))
                continue
            position = rng.choice([None, 0, 1, 5, 16, 100, 390, 1000])
            calls.append(
                store.log_progress(
                    user_id, GUILD, rng.choice(resources), status=rng.choice(statuses), position=position,
                    note=rng.choice([None, "a note"]),
                )
            )  # fmt: skip
        results = await asyncio.gather(*calls, return_exceptions=True)
        assert all(not isinstance(r, BaseException) or isinstance(r, InvalidInputError) for r in results), results
        await assert_exact(store, *members)
