"""What must hold whatever happens: migrations keep data, backups are whole, a killed process loses no
acknowledged write, a hundred members at once lose nothing, and a read-only or full disk still serves reads."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.__main__ import main as command_line
from bot.catalog import Catalog
from bot.errors import StorageUnavailableError
from bot.reading import ReadingStatus
from bot.store import Store, backup_database
from bot.store.connection import is_postgres, migrations, open_database
from bot.store.models import GuildSettings
from tests.database import dump_database, integrity
from tests.database import rows as rows_of
from tests.factories import LADR, make_resource
from tests.store.conftest import GUILD, MEMBER, MODERATOR, count

REPO = Path(__file__).resolve().parents[2]


# --- migrations -----------------------------------------------------------------------------------


async def make_first_schema_database(location: Path | str) -> None:
    """A database as the first release left it: only 0001 applied, with a member's data in every table."""
    db = await open_database(location, migrate_to=1)
    try:
        assert await db.schema_version() == 1
        async with db.transaction() as session:
            t = "2025-01-05T10:00:00.000000+00:00"
            read_through = await session.insert(
                "INSERT INTO read_throughs (user_id, resource_id, number, status, position, unit, total,"
                " started_at, finished_at, note, updated_at)"
                " VALUES (?, ?, 1, 'finished', 390, 'pages', 390, ?, ?, 'done', ?)",
                (MEMBER, LADR, t, t, t),
            )
            await session.execute(
                "INSERT INTO progress_events (read_through_id, user_id, guild_id, resource_id, status, position,"
                " note, at) VALUES (?, ?, ?, ?, 'finished', 390, 'done', ?)",
                (read_through, MEMBER, GUILD, LADR, t),
            )
            edited = '{"id": "linear-algebra-done-right", "title": "LADR, our edition", "authors": ["Sheldon Axler"],'
            edited += ' "kind": "book", "url": "https://linear.axler.net/", "cost": "free-online-paid-print",'
            edited += ' "topics": ["linear-algebra"], "level": "intermediate",'
            edited += (
                ' "length": {"amount": 390, "unit": "pages"}, "summary": "Vector spaces first.", "why": "Friendly."}'
            )
            await session.execute(
                "INSERT INTO guild_resources (guild_id, resource_id, data, created_by, created_at, updated_by,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (GUILD, LADR, edited, MODERATOR, t, MODERATOR, t),
            )
            await session.execute(
                "INSERT INTO guild_retired (guild_id, resource_id, retired_by, retired_at)"
                " VALUES (?, 'deep-learning-book', ?, ?)",
                (GUILD, MODERATOR, t),
            )
            await session.execute(
                "INSERT INTO suggestions (guild_id, user_id, title, url, created_at) VALUES (?, ?, 'Spivak', ?, ?)",
                (GUILD, MEMBER, "https://example.org/spivak", t),
            )
            await session.execute(
                "INSERT INTO audit_log (guild_id, moderator_id, action, target, after, at)"
                " VALUES (?, ?, 'edit', ?, ?, ?)",
                (GUILD, MODERATOR, LADR, edited, t),
            )
            await session.execute(
                "INSERT INTO guild_settings (guild_id, moderator_role_id, updated_at) VALUES (?, 777, ?)", (GUILD, t)
            )
    finally:
        await db.close()


def index_exists(location: Path | str, name: str) -> bool:
    """Whether the schema has an index of this name."""
    if is_postgres(location):
        return count(location, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = ?", (name,)) == 1
    return count(location, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND name = ?", (name,)) == 1


def test_migrations_are_numbered_without_gaps() -> None:
    for backend in ("sqlite", "postgres"):
        assert [m.version for m in migrations(backend)] == list(range(1, len(migrations(backend)) + 1))
    assert len(migrations()) >= 2


def test_both_backends_have_the_same_numbered_migrations() -> None:
    """A schema change is written for SQLite and for PostgreSQL, under the same number and name: a database
    copied across (`db copy`) is at the same version on both sides."""
    assert [m.name for m in migrations("postgres")] == [m.name for m in migrations("sqlite")]


async def test_upgrading_a_first_schema_database_keeps_every_row(db_location: Path | str, curated: Catalog) -> None:
    await make_first_schema_database(db_location)
    old_rows = dump_database(db_location)
    assert not index_exists(db_location, "read_throughs_finished")

    async with await Store.open(db_location, curated) as store:
        (entry,) = await store.shelf(MEMBER)
        assert (entry.resource_id, entry.status, entry.position) == (LADR, ReadingStatus.FINISHED, 390)
        assert [e.note for e in await store.history(MEMBER)] == ["done"]
        assert (await store.resource(GUILD, LADR)).title == "LADR, our edition"
        assert [r.id for r in await store.retired(GUILD)] == ["deep-learning-book"]
        assert [s.title for s in await store.suggestions(GUILD)] == ["Spivak"]
        assert [e.action for e in await store.audit_log(GUILD)] == ["edit"]
        # The column 0002 added has its default; the old setting is kept.
        assert await store.guild_settings(GUILD) == GuildSettings(GUILD, moderator_role_id=777)
        assert await store.database.schema_version() == len(migrations())

    assert index_exists(db_location, "read_throughs_finished")
    new_rows = dump_database(db_location)
    # 0002's announce channel, then the study rhythm's reminder channel and members-start-clubs switch, at defaults.
    assert new_rows["guild_settings"] == [(*row, None, None, 0) for row in old_rows.pop("guild_settings")]
    # 0003's columns: every old row is a suggested resource, naming no resource and no problem.
    assert new_rows["suggestions"] == [(*row, "resource", None, None) for row in old_rows.pop("suggestions")]
    for table, rows in old_rows.items():
        assert new_rows[table] == rows, table

    async with await Store.open(db_location, curated) as store:
        await store.update_guild_settings(GUILD, MODERATOR, announce_channel_id=888)
        assert await store.guild_settings(GUILD) == GuildSettings(GUILD, 777, 888)
        # New rows get new ids after the ones the old release gave (PostgreSQL's identity sequences follow).
        entry = await store.log_progress(MEMBER, GUILD, "essence-of-linear-algebra", position=1)
        assert entry.read_count == 1


async def test_a_database_from_a_newer_bot_is_refused(db_location: Path | str, curated: Catalog) -> None:
    async with await Store.open(db_location, curated):
        pass
    if is_postgres(db_location):
        rows_of(db_location, "INSERT INTO pillars_schema VALUES (99, '0099_future.sql', 'x') RETURNING version")
    else:
        with sqlite3.connect(db_location) as conn:
            conn.execute("PRAGMA user_version = 99")
        conn.close()
    with pytest.raises(StorageUnavailableError, match="newer"):
        await Store.open(db_location, curated)


# --- backups --------------------------------------------------------------------------------------


@pytest.mark.sqlite_only
async def test_a_backup_has_the_same_rows_and_passes_the_integrity_check(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=12, note="backed up")
    await store.add_suggestion(GUILD, MEMBER, "Spivak", "https://example.org/spivak")
    await store.update_guild_settings(GUILD, MODERATOR, announce_channel_id=5)

    live_copy = tmp_path / "backups" / "live.db"
    await store.backup(live_copy)
    file_copy = tmp_path / "file.db"
    await backup_database(db_path, file_copy)  # while the store still has the file open
    cli_copy = tmp_path / "cli.db"
    # `python -m bot db backup` runs its own event loop, so it gets a thread of its own here.
    assert await asyncio.to_thread(command_line, ["db", "backup", str(cli_copy), "--database", str(db_path)]) == 0

    for copy in (live_copy, file_copy, cli_copy):
        assert dump_database(copy) == dump_database(db_path)
        with sqlite3.connect(copy) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        conn.close()
        assert not copy.with_name(copy.name + ".partial").exists()


# --- a database that cannot take writes -----------------------------------------------------------


async def test_a_read_only_database_serves_reads_and_refuses_writes_kindly(
    db_location: Path | str, curated: Catalog
) -> None:
    async with await Store.open(db_location, curated) as store:
        await store.log_progress(MEMBER, GUILD, LADR, position=12)
        await store.retire_resource(GUILD, MODERATOR, "deep-learning-book")
    before = dump_database(db_location)

    async with await Store.open(db_location, curated, read_only=True) as store:
        assert [e.position for e in await store.shelf(MEMBER)] == [12]
        assert "deep-learning-book" not in await store.catalog_for(GUILD)
        assert len(await store.audit_log(GUILD)) == 1
        with pytest.raises(StorageUnavailableError, match="read-only.*reading still works"):
            await store.log_progress(MEMBER, GUILD, LADR, position=13)
        with pytest.raises(StorageUnavailableError):
            await store.add_suggestion(GUILD, MEMBER, "Spivak", "https://example.org/spivak")
        with pytest.raises(StorageUnavailableError):
            await store.restore_resource(GUILD, MODERATOR, "deep-learning-book")
        with pytest.raises(StorageUnavailableError):
            await store.delete_member(MEMBER)
        # Reads still work after the refusals, and the cache was not confused by the failed write.
        assert [e.position for e in await store.shelf(MEMBER)] == [12]
        assert "deep-learning-book" not in await store.catalog_for(GUILD)
    assert dump_database(db_location) == before


@pytest.mark.sqlite_only
async def test_a_full_disk_refuses_the_write_whole_and_reads_go_on(store: Store, db_location: Path | str) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=1)
    # Cap the file at its current size: the next write that needs a new page fails as a full disk would.
    connection = store.database.writer
    pages = (await (await connection.execute("PRAGMA page_count")).fetchone())[0]
    await connection.execute(f"PRAGMA max_page_count = {pages}")
    accepted = 0
    with pytest.raises(StorageUnavailableError, match="full"):
        for i in range(5_000):
            await store.log_progress(MEMBER + 1 + i, GUILD, LADR, position=2, note="n" * 400)
            accepted += 1
    assert count(db_location, "SELECT COUNT(*) FROM progress_events") == accepted + 1
    assert count(db_location, "SELECT COUNT(*) FROM read_throughs") == accepted + 1  # no half-written update
    assert [e.position for e in await store.shelf(MEMBER)] == [1]
    await connection.execute(f"PRAGMA max_page_count = {pages * 100}")
    await store.log_progress(MEMBER, GUILD, LADR, position=2)  # and writes resume once there is room


# --- many members at once -------------------------------------------------------------------------


async def test_a_hundred_members_logging_at_once_lose_nothing(store: Store, db_location: Path | str) -> None:
    members = range(2000, 2100)
    updates_each = 5

    async def member_reads(user_id: int) -> None:
        for page in range(1, updates_each + 1):
            await store.log_progress(user_id, GUILD, LADR, position=page * 10, note=f"{user_id}:{page}")

    started = time.perf_counter()
    await asyncio.gather(*(member_reads(user_id) for user_id in members))
    # One member tapping the same button twenty times at once: twenty updates, one read-through.
    await asyncio.gather(*(store.log_progress(MEMBER, GUILD, LADR, position=p) for p in range(1, 21)))
    elapsed = time.perf_counter() - started
    print(f"\n{len(members) * updates_each + 20} concurrent updates in {elapsed:.2f} s")

    assert count(db_location, "SELECT COUNT(*) FROM progress_events") == len(members) * updates_each + 20
    assert count(db_location, "SELECT COUNT(DISTINCT note) FROM progress_events WHERE note IS NOT NULL") == 500
    assert count(db_location, "SELECT COUNT(*) FROM read_throughs") == len(members) + 1
    for user_id in (2000, 2042, 2099):
        (entry,) = await store.shelf(user_id)
        assert (entry.position, entry.read_count) == (updates_each * 10, 1)
    (mine,) = await store.shelf(MEMBER)
    assert mine.read_count == 1 and sorted(e.position for e in await store.history(MEMBER)) == list(range(1, 21))


# --- a process killed mid-write -------------------------------------------------------------------


def test_every_acknowledged_write_survives_sigkill(db_location: Path | str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store.kill_child", str(db_location)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acknowledged: list[int] = []
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + 30
        while len(acknowledged) < 300 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            acknowledged.append(int(line))
        os.kill(child.pid, signal.SIGKILL)
        rest, errors = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    acknowledged += [int(line) for line in rest.split()]
    assert child.returncode == -signal.SIGKILL, errors
    assert len(acknowledged) >= 300, errors

    if isinstance(db_location, Path):  # opening recovers from the WAL, as a restarted bot would
        assert integrity(db_location) == ["ok"]
    notes = [row[0] for row in rows_of(db_location, "SELECT note FROM progress_events ORDER BY id")]
    stored = [int(note.removeprefix("write-")) for note in notes]
    assert stored[: len(acknowledged)] == acknowledged  # every acknowledged write, in order, once
    assert len(stored) - len(acknowledged) <= 1  # at most the one in flight when the kill came


def test_every_acknowledged_write_of_concurrent_writers_survives_sigkill(db_location: Path | str) -> None:
    writers = 20  # their writes share commits: each is acknowledged only once its batch is durable
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store.kill_child", str(db_location), str(writers)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + 30
        while len(lines) < 600 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            lines.append(line)
        os.kill(child.pid, signal.SIGKILL)
        rest, errors = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    lines += rest.splitlines()
    assert child.returncode == -signal.SIGKILL, errors
    assert len(lines) >= 600, errors
    acknowledged: dict[int, list[int]] = {k: [] for k in range(writers)}
    for line in lines:
        k, i = map(int, line.split())
        acknowledged[k].append(i)

    if isinstance(db_location, Path):
        assert integrity(db_location) == ["ok"]
    notes = [row[0] for row in rows_of(db_location, "SELECT note FROM progress_events ORDER BY id")]
    stored: dict[int, list[int]] = {k: [] for k in range(writers)}
    for note in notes:
        k, i = map(int, note.removeprefix("write-").split("-"))
        stored[k].append(i)
    for k in range(writers):
        assert stored[k][: len(acknowledged[k])] == acknowledged[k], k  # every acknowledged write, in order, once
        assert len(stored[k]) - len(acknowledged[k]) <= 1, k  # at most the one in flight when the kill came


async def test_a_cancelled_update_leaves_nothing_half_written(store: Store, db_location: Path | str) -> None:
    await store.log_progress(MEMBER, GUILD, LADR, position=1)
    for delay_steps in range(1, 200, 10):
        task = asyncio.create_task(store.log_progress(MEMBER, GUILD, LADR, position=2, note=f"cancelled {delay_steps}"))
        for _ in range(delay_steps):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    entry = await store.log_progress(MEMBER, GUILD, LADR, position=3)
    assert entry.position == 3
    # Whatever was cancelled either happened whole (the update and its history row) or not at all.
    events = count(db_location, "SELECT COUNT(*) FROM progress_events")
    notes = count(db_location, "SELECT COUNT(*) FROM progress_events WHERE note LIKE 'cancelled%'")
    assert events == 2 + notes
    print(f"\n{notes} of 20 cancelled updates had committed before the cancel")
    assert count(db_location, "SELECT COUNT(*) FROM read_throughs") == 1


async def test_a_catalog_read_racing_a_write_never_caches_the_old_catalog(store: Store) -> None:
    for i in range(20):
        resource = make_resource(f"raced-{i}")
        read = store.catalog_for(GUILD)
        await asyncio.gather(read, store.add_resource(GUILD, MODERATOR, resource), store.catalog_for(GUILD))
        assert resource.id in await store.catalog_for(GUILD)
