"""Several processes on one PostgreSQL database, as two stores here (each its own connections, as a process has):
what one caches follows what the other writes, writes that read first take turns, and losing the connection
that hears the others means caching nothing until it is back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import pytest

from bot.catalog import Catalog
from bot.errors import ConflictError, NotFoundError
from bot.reading import ReadingStatus
from bot.store import Store, guild_catalog
from bot.store.changes import COOLDOWN, CURATED
from bot.store.postgres import PostgresSession
from bot.store.progress import _CURRENT as CURRENT_READ_THROUGHS
from tests.database import count, rows
from tests.factories import ESSENCE, LADR
from tests.store.conftest import GUILD, MEMBER, MODERATOR


@pytest.fixture
async def two(postgres_url: str, curated: Catalog) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one database: 'this process' and 'the other process'."""
    first = await Store.open(postgres_url, curated)
    second = await Store.open(postgres_url, curated)
    try:
        yield first, second
    finally:
        await asyncio.gather(first.close(), second.close())


async def until(condition: Callable[[], bool], what: str, within: float = 5.0) -> None:
    """Wait for a notification to have done its work."""
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def test_a_second_store_on_the_same_database_opens_no_lock_is_taken(
    tmp_path: Path, two: tuple[Store, Store]
) -> None:
    first, second = two  # both open: several processes are the point
    await first.log_progress(MEMBER, GUILD, LADR, position=10)
    assert [e.position for e in await second.shelf(MEMBER)] == [10]
    assert not [path for path in await asyncio.to_thread(lambda: list(tmp_path.iterdir())) if path.suffix == ".lock"]


async def test_statuses_cached_in_one_store_follow_a_write_through_the_other(two: tuple[Store, Store]) -> None:
    first, second = two
    assert await second.statuses(MEMBER) == {}  # cached, empty
    reads = second.database.reads
    assert await second.statuses(MEMBER) == {} and second.database.reads == reads  # from memory

    delivered = second.database.changes.delivered
    await first.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED)
    await until(lambda: second.database.changes.delivered > delivered, "the other store to hear of the write")
    assert await second.statuses(MEMBER) == {LADR: ReadingStatus.FINISHED}

    delivered = second.database.changes.delivered
    await first.delete_member(MEMBER)
    await until(lambda: second.database.changes.delivered > delivered, "the other store to hear of the deletion")
    assert await second.statuses(MEMBER) == {}


async def test_a_servers_catalog_cached_in_one_store_follows_a_retire_through_the_other(
    two: tuple[Store, Store],
) -> None:
    first, second = two
    assert LADR in await second.catalog_for(GUILD)  # cached
    delivered = second.database.changes.delivered
    await first.retire_resource(GUILD, MODERATOR, LADR)
    await until(lambda: second.database.changes.delivered > delivered, "the other store to hear of the retire")
    assert LADR not in await second.catalog_for(GUILD)
    with pytest.raises(NotFoundError, match="retired on this server"):
        await second.log_progress(MEMBER, GUILD, LADR, position=3)


async def test_a_store_does_not_hear_its_own_writes_back(two: tuple[Store, Store]) -> None:
    first, _ = two
    delivered = first.database.changes.delivered
    await first.log_progress(MEMBER, GUILD, LADR, position=1)
    await asyncio.sleep(0.2)
    assert first.database.changes.delivered == delivered  # its caches already know


def pause_first_call(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, when: Callable[..., bool] = lambda *args: True
) -> tuple[asyncio.Event, asyncio.Event]:
    """Make the first call of the coroutine `owner.name` for which `when(*args)` holds stop until released:
    (reached, release). Every other call runs as it is."""
    real = getattr(owner, name)
    reached, release = asyncio.Event(), asyncio.Event()

    async def held(*args: object, **kwargs: object) -> object:
        if not reached.is_set() and when(*args):
            reached.set()
            await release.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    return reached, release


async def test_an_update_through_the_other_store_waits_for_the_one_in_progress_then_plans_from_it(
    two: tuple[Store, Store], postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The member finished a resource and logs reading through both processes at once. The first has read the
    finished read-through and is about to start a re-read; the second must not read the same and start one too
    (a second read-through 2, refused by the unique key): it waits for the first's lock, then updates the
    re-read the first made."""
    first, second = two
    await first.log_progress(MEMBER, GUILD, ESSENCE, status=ReadingStatus.FINISHED)
    # The first update stops once it has read the member's read-throughs (inside its transaction).
    reached, release = pause_first_call(
        monkeypatch, PostgresSession, "fetchall", lambda session, sql, *params: sql == CURRENT_READ_THROUGHS
    )
    one = asyncio.create_task(first.log_progress(MEMBER, GUILD, ESSENCE, position=1, note="first"))
    await asyncio.wait_for(reached.wait(), 5)
    other = asyncio.create_task(second.log_progress(MEMBER, GUILD, ESSENCE, position=2, note="second"))
    try:
        await asyncio.sleep(0.3)
        assert not other.done()  # waiting for the member's lock, not acting on what it read
    finally:
        release.set()
    first_entry, second_entry = await asyncio.wait_for(asyncio.gather(one, other), 5)

    assert (first_entry.read_count, second_entry.read_count, second_entry.position) == (2, 2, 2)
    assert count(postgres_url, "SELECT COUNT(*) FROM read_throughs WHERE user_id = ?", (MEMBER,)) == 2
    assert rows(postgres_url, "SELECT note FROM progress_events WHERE note IS NOT NULL ORDER BY id") == [
        ("first",),
        ("second",),
    ]


async def test_two_moderators_retiring_the_same_resource_through_two_stores_get_one_retire_and_one_answer(
    two: tuple[Store, Store], postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two
    reached, release = pause_first_call(monkeypatch, guild_catalog, "append_entry")  # retired, not yet committed
    one = asyncio.create_task(first.retire_resource(GUILD, MODERATOR, LADR))
    await asyncio.wait_for(reached.wait(), 5)
    other = asyncio.create_task(second.retire_resource(GUILD, MODERATOR + 1, LADR))
    await asyncio.sleep(0.3)
    release.set()
    results = await asyncio.gather(one, other, return_exceptions=True)

    assert results[0] == first.curated[LADR]
    assert isinstance(results[1], ConflictError) and "already retired" in results[1].message  # not a key error
    assert rows(postgres_url, "SELECT action FROM audit_log") == [("retire",)]


async def test_what_is_not_a_row_reaches_the_other_store_too(two: tuple[Store, Store]) -> None:
    first, second = two
    heard: list[tuple[str, str | None]] = []
    second.database.changes.subscribe(COOLDOWN, lambda key: heard.append((COOLDOWN, key)))
    second.database.changes.subscribe(CURATED, lambda key: heard.append((CURATED, key)))
    first.database.publish(COOLDOWN, MEMBER)
    first.replace_curated(first.curated, by_guild=GUILD)
    await until(lambda: len(heard) == 2, "the other store to hear")
    assert sorted(heard) == [(COOLDOWN, str(MEMBER)), (CURATED, str(GUILD))]


async def test_losing_the_connection_that_hears_the_others_caches_nothing_until_it_is_back(
    two: tuple[Store, Store], postgres_url: str
) -> None:
    first, second = two
    await second.statuses(MEMBER)
    listener_pid = second.database._listener._conn.get_server_pid()  # type: ignore[attr-defined]
    admin = await asyncpg.connect(postgres_url)
    try:
        await admin.fetchval("SELECT pg_terminate_backend($1)", listener_pid)
    finally:
        await admin.close()
    await until(lambda: not second.database.changes.exact, "the store to notice")

    reads = second.database.reads
    await second.statuses(MEMBER)
    await second.statuses(MEMBER)
    assert second.database.reads == reads + 2  # nothing cached while deaf: a missed write would go unseen

    await until(lambda: second.database.changes.exact, "the store to listen again")
    delivered = second.database.changes.delivered
    await first.log_progress(MEMBER, GUILD, LADR, status=ReadingStatus.FINISHED)
    await until(lambda: second.database.changes.delivered > delivered, "a notification on the new connection")
    assert await second.statuses(MEMBER) == {LADR: ReadingStatus.FINISHED}
