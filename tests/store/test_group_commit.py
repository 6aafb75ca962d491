"""Concurrent writes share one commit: each body still commits whole or not at all, nothing is acknowledged
before the shared COMMIT is durable, readers only ever see committed rows, and a failed commit fails the
whole batch and leaves nothing."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.catalog import Catalog
from bot.errors import InvalidInputError, StorageUnavailableError
from bot.reading import ReadingStatus
from bot.store import Store
from bot.store.connection import Database
from tests.database import integrity, rows
from tests.factories import ESSENCE, LADR
from tests.store.conftest import GUILD, MEMBER, count

VIDEOS = ESSENCE


@pytest.fixture
async def commits(store: Store, backend: str) -> AsyncIterator[list[str]]:
    """Every COMMIT the store's write connection runs, as SQLite traces it or asyncpg logs it."""
    seen: list[str] = []
    writer = store.database.writer  # type: ignore[attr-defined]
    if backend == "sqlite":
        await writer.set_trace_callback(lambda sql: seen.append(sql) if sql == "COMMIT" else None)
        yield seen
        await writer.set_trace_callback(None)
        return

    def logged(query: Any) -> None:
        if query.query == "COMMIT":
            seen.append(query.query)

    writer.add_query_logger(logged)
    yield seen
    writer.remove_query_logger(logged)


def database(store: Store) -> Database:
    """The store's database (these tests are about the connection itself)."""
    return store.database


async def insert_note(db: Database, user_id: int, note: str) -> None:
    """A minimal write: one history row with a read-through to hang it on (what log_progress does, by hand)."""
    async with db.transaction() as session:
        read_through = await session.insert(
            "INSERT INTO read_throughs (user_id, resource_id, number, status, unit, total, updated_at)"
            " VALUES (?, ?, 1, 'reading', 'pages', 390, '2025-03-01T00:00:00.000000+00:00')",
            (user_id, LADR),
        )
        await session.insert(
            "INSERT INTO progress_events (read_through_id, user_id, resource_id, status, note, at)"
            " VALUES (?, ?, ?, 'reading', ?, '2025-03-01T00:00:00.000000+00:00')",
            (read_through, user_id, LADR, note),
        )


# --- a refused body rolls back only itself -------------------------------------------------------


@pytest.mark.parametrize("refused", [0, 7, 19], ids=["the leader", "a follower", "the last follower"])
async def test_one_refused_update_in_a_batch_leaves_exactly_the_others(
    store: Store, db_location: Path | str, commits: list[str], refused: int
) -> None:
    await store.log_progress(MEMBER, GUILD, VIDEOS, status=ReadingStatus.FINISHED)
    commits.clear()
    members = [3000 + i for i in range(20)]

    def update(i: int, user_id: int):  # the refused one drops a finished resource: refused inside the body
        if i == refused:
            return store.log_progress(MEMBER, GUILD, VIDEOS, status=ReadingStatus.DROPPED)
        return store.log_progress(user_id, GUILD, LADR, position=i + 1, note=f"from {user_id}")

    results = await asyncio.gather(*(update(i, m) for i, m in enumerate(members)), return_exceptions=True)

    assert isinstance(results[refused], InvalidInputError) and "nothing to drop" in str(results[refused])
    assert all(not isinstance(r, BaseException) for i, r in enumerate(results) if i != refused)
    assert len(commits) < len(members) // 2, f"{len(commits)} commits: the writes did not share them"
    expected = {(m, f"from {m}") for i, m in enumerate(members) if i != refused}
    stored = set(rows(db_location, "SELECT user_id, note FROM progress_events WHERE user_id != ?", (MEMBER,)))
    assert count(db_location, "SELECT COUNT(*) FROM progress_events WHERE user_id = ?", (MEMBER,)) == 1
    assert stored == expected
    assert [e.status for e in await store.shelf(MEMBER)] == [ReadingStatus.FINISHED]


async def test_a_body_raising_any_error_inside_a_batch_undoes_its_own_statements(
    store: Store, db_location: Path | str
) -> None:
    db = database(store)

    async def half_then_fail() -> None:
        async with db.transaction() as session:
            await session.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (77, 'x')")
            raise KeyError("the body's own bug")

    tasks = [insert_note(db, 4000 + i, f"note {i}") for i in range(10)]
    tasks.insert(5, half_then_fail())
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert [type(r).__name__ for r in results].count("KeyError") == 1
    assert count(db_location, "SELECT COUNT(*) FROM progress_events") == 10
    assert count(db_location, "SELECT COUNT(*) FROM guild_settings") == 0


# --- acknowledged only once durable; readers see only what is committed ---------------------------


async def test_a_batch_is_invisible_to_readers_and_unacknowledged_until_its_commit(
    store: Store, db_location: Path | str
) -> None:
    db = database(store)
    leader_may_finish, follower_may_finish = asyncio.Event(), asyncio.Event()
    follower_wrote = asyncio.Event()

    async def leader() -> None:
        async with db.transaction() as session:
            await session.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (1, 'leader')")
            await leader_may_finish.wait()

    async def follower() -> None:
        async with db.transaction() as session:
            await session.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (2, 'follower')")
            follower_wrote.set()
            await follower_may_finish.wait()

    leading = asyncio.create_task(leader())
    await asyncio.sleep(0.01)
    following = asyncio.create_task(follower())  # queues on the lock while the leader's body runs
    await asyncio.sleep(0.01)
    try:
        leader_may_finish.set()
        await asyncio.wait_for(follower_wrote.wait(), 5)

        # Both bodies have run in one open transaction; nobody is acknowledged, and nobody else can see them.
        assert not leading.done() and not following.done()
        async with asyncio.timeout(1), db.read() as session:  # and reads do not wait for the writer
            assert await session.scalar("SELECT COUNT(*) FROM guild_settings") == 0
        assert count(db_location, "SELECT COUNT(*) FROM guild_settings") == 0
    finally:
        leader_may_finish.set()
        follower_may_finish.set()
    await asyncio.wait_for(asyncio.gather(leading, following), 5)
    assert count(db_location, "SELECT COUNT(*) FROM guild_settings") == 2
    async with db.read() as session:
        assert await session.scalar("SELECT COUNT(*) FROM guild_settings") == 2


async def test_reads_go_on_while_a_write_holds_the_writer(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=12)
    release = asyncio.Event()

    async def slow_write() -> None:
        async with database(store).transaction() as session:
            await session.execute("DELETE FROM progress_events")
            await release.wait()

    writing = asyncio.create_task(slow_write())
    await asyncio.sleep(0.01)
    try:
        assert [e.position for e in await asyncio.wait_for(store.shelf(MEMBER), 1)] == [12]
        assert len(await asyncio.wait_for(store.history(MEMBER), 1)) == 1  # the uncommitted delete is not seen
    finally:
        release.set()
    await writing
    assert await store.history(MEMBER) == []


# --- a failed commit fails the whole batch --------------------------------------------------------


@pytest.mark.sqlite_only
async def test_a_commit_sqlite_refuses_fails_every_writer_in_the_batch_and_leaves_nothing(
    store: Store, db_path: Path
) -> None:
    db = database(store)

    async def poison() -> None:
        # A deferred foreign key is only checked at COMMIT: the shared commit itself fails.
        async with db.transaction() as session:
            await session.execute("PRAGMA defer_foreign_keys = ON")
            await session.execute(
                "INSERT INTO progress_events (read_through_id, user_id, resource_id, status, at)"
                " VALUES (999999, 1, 'x', 'reading', 'x')"
            )

    results = await asyncio.gather(poison(), *(insert_note(db, 5000 + i, "lost") for i in range(10)),
                                   return_exceptions=True)  # fmt: skip
    assert all(isinstance(r, RuntimeError) and "FOREIGN KEY" in str(r) for r in results), results
    assert count(db_path, "SELECT COUNT(*) FROM progress_events") == 0
    assert count(db_path, "SELECT COUNT(*) FROM read_throughs") == 0

    await insert_note(db, 6000, "after")  # the next batch starts clean
    assert count(db_path, "SELECT COUNT(*) FROM progress_events") == 1


@pytest.mark.sqlite_only
async def test_a_commit_failing_on_a_full_disk_fails_the_whole_batch_kindly(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    db = database(store)
    execute = db.writer.execute

    def full_at_commit(sql: str, *args: object):  # the WAL write at COMMIT finds the disk full
        if sql == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return execute(sql, *args)

    monkeypatch.setattr(db.writer, "execute", full_at_commit)
    results = await asyncio.gather(*(insert_note(db, 7000 + i, "lost") for i in range(10)), return_exceptions=True)
    assert all(isinstance(r, StorageUnavailableError) and "full" in str(r) for r in results), results
    assert sum("whole batch" in r.message for r in caplog.records) == 1  # logged once, not per writer
    monkeypatch.undo()
    assert count(db_path, "SELECT COUNT(*) FROM progress_events") == 0
    await insert_note(db, 8000, "after")
    assert count(db_path, "SELECT COUNT(*) FROM progress_events") == 1


@pytest.mark.sqlite_only
async def test_a_full_disk_mid_batch_loses_nothing_acknowledged_and_keeps_nothing_refused(
    store: Store, db_path: Path
) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=1)
    writer = database(store)._conn
    pages = (await (await writer.execute("PRAGMA page_count")).fetchone())[0]
    await writer.execute(f"PRAGMA max_page_count = {pages + 3}")
    members = [9000 + i for i in range(60)]
    results = await asyncio.gather(
        *(store.log_progress(m, GUILD, LADR, position=2, note=f"{m}:" + "n" * 400) for m in members),
        return_exceptions=True,
    )
    refused = {m for m, r in zip(members, results, strict=True) if isinstance(r, StorageUnavailableError)}
    assert refused, "the capped database never filled up"
    assert all(not isinstance(r, BaseException) or m in refused for m, r in zip(members, results, strict=True))
    with sqlite3.connect(db_path) as conn:
        stored = {row[0] for row in conn.execute("SELECT user_id FROM progress_events WHERE user_id != ?", (MEMBER,))}
        read_throughs = {row[0] for row in conn.execute("SELECT user_id FROM read_throughs WHERE user_id != ?",
                                                        (MEMBER,))}  # fmt: skip
    assert stored == read_throughs == set(members) - refused
    assert integrity(db_path) == ["ok"]
    await writer.execute(f"PRAGMA max_page_count = {pages * 100}")
    await store.log_progress(MEMBER, GUILD, LADR, position=2)


# --- many members, refusals and cancellations mixed in --------------------------------------------


async def test_a_hundred_members_with_refusals_in_between_lose_and_duplicate_nothing(
    store: Store, db_location: Path | str, commits: list[str]
) -> None:
    members = range(2000, 2100)

    async def member_reads(user_id: int) -> list[int]:
        accepted = []
        for step in range(1, 7):
            if (user_id + step) % 3 == 0:  # nothing to record: refused inside the shared transaction
                with pytest.raises(InvalidInputError, match="Nothing to record"):
                    await store.log_progress(user_id, GUILD, LADR)
            else:
                await store.log_progress(user_id, GUILD, LADR, position=step * 10, note=f"{user_id}:{step}")
                accepted.append(step * 10)
        return accepted

    accepted = dict(zip(members, await asyncio.gather(*(member_reads(m) for m in members)), strict=True))
    assert len(commits) < sum(map(len, accepted.values())) // 4
    stored: dict[int, list[int]] = {user_id: [] for user_id in members}
    for user_id, position in rows(db_location, "SELECT user_id, position FROM progress_events ORDER BY id"):
        stored[user_id].append(position)
    assert stored == accepted
    assert count(db_location, "SELECT COUNT(*) FROM read_throughs") == len(members)
    for user_id in (2000, 2042, 2099):
        (entry,) = await store.shelf(user_id)
        assert entry.position == accepted[user_id][-1]


async def test_cancelled_writers_in_a_batch_leave_their_update_whole_or_not_at_all(
    store: Store, db_location: Path | str
) -> None:
    for delay_steps in range(0, 40, 3):
        writes = [
            asyncio.create_task(store.log_progress(3100 + i, GUILD, LADR, position=5, note=f"{delay_steps}:{i}"))
            for i in range(12)
        ]
        for _ in range(delay_steps):
            await asyncio.sleep(0)
        for task in writes[::3]:
            task.cancel()
        results = await asyncio.gather(*writes, return_exceptions=True)
        for i, result in enumerate(results):
            if not isinstance(result, BaseException):  # acknowledged: it must be there
                assert count(
                    db_location, "SELECT COUNT(*) FROM progress_events WHERE note = ?", (f"{delay_steps}:{i}",)
                )
    # Every history row has its read-through and every read-through its latest history row: nothing half-written.
    orphans = count(db_location, "SELECT COUNT(*) FROM read_throughs WHERE id NOT IN (SELECT read_through_id FROM"
                                 " progress_events)")  # fmt: skip
    assert orphans == 0
    if isinstance(db_location, Path):
        assert integrity(db_location) == ["ok"]
    await store.log_progress(MEMBER, GUILD, LADR, position=3)  # and the writer is not left stuck


async def test_closing_while_writes_are_queued_keeps_every_acknowledged_one(
    db_location: Path | str, curated: Catalog
) -> None:
    store = await Store.open(db_location, curated)
    writes = [asyncio.create_task(store.log_progress(3200 + i, None, LADR, position=4)) for i in range(20)]
    for _ in range(5):
        await asyncio.sleep(0)
    await store.close()
    results = await asyncio.gather(*writes, return_exceptions=True)
    acknowledged = [r for r in results if not isinstance(r, BaseException)]
    assert acknowledged, "no write got in before the close"
    assert count(db_location, "SELECT COUNT(*) FROM progress_events") == len(acknowledged)


async def test_the_server_ending_the_connection_mid_batch_fails_the_batch_kindly_and_the_next_write_reconnects(
    postgres_url: str, curated: Catalog
) -> None:
    """PostgreSQL's shared commit failing: the server ends the writer's connection (a restart, an operator's
    pg_terminate_backend) while a batch is open. Every writer in that batch hears "cannot be reached" and none
    of it is kept; the writers after it open a new connection and are kept, each acknowledged one there."""
    import asyncpg

    async with await Store.open(postgres_url, curated) as store:
        db = store.database
        writer_pid = db.writer.get_server_pid()  # type: ignore[attr-defined]
        release = asyncio.Event()

        async def leader() -> None:
            async with db.transaction() as session:
                await session.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (1, 'lost')")
                await release.wait()

        writes = [asyncio.create_task(leader())]
        await asyncio.sleep(0.05)
        writes += [asyncio.create_task(insert_note(db, 5000 + i, f"note {i}")) for i in range(10)]  # queued
        await asyncio.sleep(0.05)
        admin = await asyncpg.connect(postgres_url)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", writer_pid)
        finally:
            await admin.close()
        release.set()
        results = await asyncio.gather(*writes, return_exceptions=True)

        failed = [r for r in results if r is not None]
        assert isinstance(results[0], StorageUnavailableError)  # the batch the server dropped
        assert all(isinstance(r, StorageUnavailableError) and "cannot be reached" in r.message for r in failed)
        acknowledged = {f"note {i}" for i, r in enumerate(results[1:]) if r is None}
        assert count(postgres_url, "SELECT COUNT(*) FROM guild_settings") == 0
        assert {row[0] for row in rows(postgres_url, "SELECT note FROM progress_events")} == acknowledged
        await insert_note(db, 6000, "after")  # and writing goes on, on a new connection
        assert db.writer.get_server_pid() != writer_pid  # type: ignore[attr-defined]
    assert count(postgres_url, "SELECT COUNT(*) FROM progress_events WHERE note = 'after'") == 1
