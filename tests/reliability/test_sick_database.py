"""A sick database: damaged pages, its files deleted or replaced under the bot, another program holding it busy.

- Damaged at start: `python -m bot` refuses in one sentence that says how to recover (before connecting).
- Damaged while running: the member gets a clear private answer, the log one line naming the file; the bot
  keeps serving what does not touch the damaged pages; `db backup` says what is wrong, in a sentence.
- The WAL deleted while running (the bot in a child process, then SIGKILLed): no update is acknowledged
  after it, every update acknowledged before it survives the crash, and `db backup` answers in a sentence.
- The database file replaced while running: writes refused, what the bot had is copied to `.rescued`.
- Another program holds SQLite's write lock: every `/progress log` still gets its "busy" answer inside
  Discord's 3 s (the emulator refuses a later answer, as Discord does).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog.loader import load_catalog
from bot.sandbox import Sandbox
from bot.sandbox.emulator import InteractionRecord
from bot.sandbox.process import BotProcess
from bot.store import Store
from tests.database import dump_database, integrity
from tests.reliability.support import REPO, database_path, emulator_problems, operator_runs, reply_problems

LADR = "linear-algebra-done-right"


def overwrite_page(path: Path, page: int) -> None:
    """Overwrite one page of a database file with garbage, as a torn write or a bad disk would (1-based)."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as file:
        file.seek((page - 1) * page_size)
        file.write(bytes(range(256)) * (page_size // 256))


def no_traceback(text: str) -> None:
    """What an operator reads has no Python internals in it."""
    assert "Traceback" not in text and "Error:" not in text and "sqlite3." not in text, text


# --- damaged ----------------------------------------------------------------------------------------


async def test_a_damaged_database_is_refused_at_start_with_how_to_recover(tmp_path: Path) -> None:
    database = tmp_path / "pillars.db"
    async with await Store.open(database, load_catalog(REPO / "data")) as store:
        for position in range(1, 200):
            await store.log_progress(7, None, LADR, position=position, note="n" * 200)
    pages = sqlite3.connect(database).execute("PRAGMA page_count").fetchone()[0]
    overwrite_page(database, pages)  # the last page, as in the issue
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        integrity(database)

    done = await asyncio.to_thread(operator_runs, [], tmp_path, database)

    assert done.returncode == 1
    [sentence] = done.stderr.strip().splitlines()
    no_traceback(sentence)
    assert sentence.startswith(f"The bot cannot start: The database {database} is damaged (")
    assert "python -m bot db backup" in sentence and f"sqlite3 {database} .recover" in sentence

    backup = await asyncio.to_thread(operator_runs, ["db", "backup", str(tmp_path / "copy.db")], tmp_path, database)
    assert backup.returncode == 1
    [sentence] = backup.stderr.strip().splitlines()
    no_traceback(sentence)
    assert sentence.startswith(f"Could not back up {database}: the database is damaged")
    assert not (tmp_path / "copy.db").exists() and not (tmp_path / "copy.db.partial").exists()


async def on_bot_connections(sandbox: Sandbox, sql: str) -> list[tuple]:
    """Test-only hook: run one statement on the bot's write connection, then on its read connection."""
    db = sandbox.bot.store._db  # type: ignore[union-attr]
    rows: list[tuple] = []
    for conn, lock in ((db._conn, db._lock), (db._reader, db._reader_lock)):
        async with lock:
            rows += [tuple(row) for row in await conn.execute_fetchall(sql)]
    return rows


async def test_damage_found_while_running_is_one_log_line_and_a_clear_answer(
    pillars: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    for position in (10, 20, 30):
        logged = await pillars.command("alice", "progress log", resource=LADR, position=position)
        assert logged.content.startswith("Logged.")
    # Everything into the database file, nothing cached: the next read of the history goes to the disk.
    await on_bot_connections(pillars, "PRAGMA wal_checkpoint(TRUNCATE)")
    [(root,)] = (
        await on_bot_connections(pillars, "SELECT rootpage FROM sqlite_schema WHERE name = 'progress_events'")
    )[:1]
    overwrite_page(database_path(pillars), root)
    await on_bot_connections(pillars, "PRAGMA shrink_memory")
    caplog.clear()

    history = await pillars.command("alice", "progress history")
    update = await pillars.command("alice", "progress log", resource=LADR, position=40)

    for reply in (history, update):
        assert reply.ephemeral and "database is damaged" in reply.content, reply.content
        assert "operators have been told" in reply.content and reply_problems(reply) == []
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and all(f"the database {database_path(pillars)} is damaged" in line for line in errors), errors
    assert not any(r.exc_info for r in caplog.records if r.levelno >= logging.ERROR)  # a line, not a traceback
    assert not any("Unexpected" in line or "unexpected" in line for line in errors)
    picks = await pillars.command("bob", "recommend", topic="linear algebra")  # untouched pages still serve
    assert picks.embeds and reply_problems(picks) == []


# --- its files deleted or replaced ------------------------------------------------------------------


async def send_update(driver: Sandbox, number: int) -> InteractionRecord:
    """alice logs position `number` on LADR with the note `update-<number>`, and waits for the answer."""
    data = driver.command_payload("progress log", {"resource": LADR, "position": number, "note": f"update-{number}"})
    record = driver.emulator.new_interaction(kind=2, user=driver.world.user("alice"), data=data)
    await driver.emulator.send_interaction(record)
    for _ in range(500):
        if record.answered and record.original_message_id is not None:  # a deferred answer once completed
            return record
        await asyncio.sleep(0.01)
    raise AssertionError(f"update {number} was never answered")


def answer(driver: Sandbox, record: InteractionRecord) -> str:
    """What the member saw for an update."""
    assert record.original_message_id is not None
    return str(driver.emulator.messages[record.original_message_id]["content"])


async def test_a_wal_deleted_under_the_bot_stops_acknowledging_and_a_crash_then_loses_nothing_acknowledged(
    driver: Sandbox, tmp_path: Path
) -> None:
    database = tmp_path / "pillars.db"
    bot = BotProcess(driver.emulator, database, tmp_path / "bot.log")
    await bot.start()
    try:
        before = [answer(driver, await send_update(driver, n)) for n in range(1, 41)]
        assert all(text.startswith("Logged.") for text in before)

        os.unlink(f"{database}-wal")
        after = [answer(driver, await send_update(driver, n)) for n in range(41, 46)]
        backup = await asyncio.to_thread(operator_runs, ["db", "backup", str(tmp_path / "copy.db")], tmp_path, database)
    finally:
        bot.kill()  # a crash: no close, no checkpoint
        assert await bot.wait() == -signal.SIGKILL

    assert not any(text.startswith("Logged.") for text in after)
    assert all("changed behind its back" in text for text in after), after
    log = (tmp_path / "bot.log").read_text()
    assert f"{database}-wal was deleted while the bot was running" in log
    assert "everything committed was checkpointed" in log
    no_traceback(backup.stderr)
    if backup.returncode != 0:  # the copy reads the database file the bot checkpointed into, or says why not
        assert backup.stderr.startswith(f"Could not back up {database}: "), backup.stderr
    assert integrity(database) == ["ok"]
    async with await Store.open(database, load_catalog(REPO / "data")) as store:
        history = await store.history(driver.world.user("alice").id, limit=1_000)
    kept = {int(event.note.removeprefix("update-")) for event in history if event.note}
    assert set(range(1, 41)) <= kept  # every acknowledged update survived the crash


async def test_a_database_file_replaced_under_the_bot_refuses_writes_and_rescues_what_it_held(
    pillars: Sandbox, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    database = database_path(pillars)
    logged = await pillars.command("alice", "progress log", resource=LADR, position=12, note="keep me")
    assert logged.content.startswith("Logged.")
    stranger = tmp_path / "restored.db"
    sqlite3.connect(stranger).close()
    os.replace(stranger, database)  # an operator "restoring" a file with mv while the bot runs

    refused = await pillars.command("alice", "progress log", resource=LADR, position=13)
    again = await pillars.command("bob", "suggest", title="A book", url="https://example.org/")
    shelf = await pillars.command("alice", "progress show")

    for reply in (refused, again):
        assert reply.ephemeral and "changed behind its back" in reply.content, reply.content
    assert "keep me" in shelf.text  # reads still come from the file the bot holds
    assert any(
        "was replaced by another file" in r.getMessage() for r in caplog.records if r.levelno >= logging.CRITICAL
    )
    rescued = Path(f"{database}.rescued")
    notes = [row[7] for row in dump_database(rescued)["progress_events"]]
    assert notes[0] == "keep me" and integrity(rescued) == ["ok"]
    assert pillars.logged_errors == [] or all("replaced" in line for line in pillars.logged_errors)


# --- busy -------------------------------------------------------------------------------------------


HOLD_THE_WRITE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
time.sleep(60)
"""


async def test_a_busy_database_is_answered_inside_discords_deadline(pillars: Sandbox) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD_THE_WRITE_LOCK, str(database_path(pillars)), stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and (await holder.stdout.readline()).strip() == b"holding"
        replies = await asyncio.gather(
            *(
                pillars.command(member, "progress log", resource=LADR, position=5)
                for member in ("alice", "bob", "carol")
            ),
            pillars.command("alice", "progress log", resource=LADR, position=6),
        )
    finally:
        holder.kill()
        await holder.wait()

    for reply in replies:
        assert reply.ephemeral and "The database is busy; please try again in a moment." in reply.content
    assert emulator_problems(pillars) == []  # every answer came inside the 3 s Discord allows
    logged = await pillars.command("alice", "progress log", resource=LADR, position=7)
    assert logged.content.startswith("Logged.")  # and once the other program lets go, writes go through
