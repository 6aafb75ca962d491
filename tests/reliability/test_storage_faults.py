"""The database stops taking writes (read-only, disk full): members are told, nothing is corrupted, reads go on.

The faults are made with SQLite itself, on the bot's own connection, from the test (no production code
knows about them): `PRAGMA query_only` makes every write fail with SQLITE_READONLY, and `PRAGMA
max_page_count` caps the file at its current size so the next write that needs a page fails with
SQLITE_FULL ("database or disk is full"), as a full disk does. Tests run as root, so chmod would not do it.
"""

from __future__ import annotations

import logging

import pytest

from bot.sandbox import Sandbox
from tests.database import dump_database, integrity
from tests.factories import LADR
from tests.reliability.support import database_path, emulator_problems, reply_problems

NOTE = "n" * 500


async def on_bot_connection(sandbox: Sandbox, sql: str) -> int:
    """Run one statement on the bot's own SQLite connection, between its transactions."""
    return await sandbox.bot.store.database.run_between_transactions(sql) or 0


async def reads_still_work(sandbox: Sandbox) -> None:
    """What needs no write keeps answering: recommendations, a resource, the member's shelf and data."""
    for path, options in [
        ("recommend", {"topic": "linear algebra"}),
        ("resource info", {"resource": LADR}),
        ("path", {"to": "probability"}),
        ("progress show", {}),
        ("mydata export", {}),
    ]:
        reply = await sandbox.command("alice", path, **options)
        assert reply.embeds or reply.files, f"/{path} stopped answering"
        assert reply_problems(reply) == []


async def refused_write(sandbox: Sandbox, caplog: pytest.LogCaptureFixture, words: str, **options: object) -> None:
    """One /progress log is refused with a clear private answer and a log line, and changes nothing."""
    before = dump_database(database_path(sandbox))
    caplog.clear()
    reply = await sandbox.command("alice", "progress log", resource=LADR, **options)
    assert reply.ephemeral and words in reply.content and "cannot be saved" in reply.content, reply.content
    assert reply_problems(reply) == []
    assert dump_database(database_path(sandbox)) == before
    logged = [r.message for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("Write refused by the database" in line for line in logged), "no log line says why"


async def test_a_read_only_database_refuses_writes_clearly_and_keeps_answering_reads(
    pillars: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    started = await pillars.command("alice", "progress log", resource=LADR, status="reading", position=10)
    assert started.content.startswith("Logged.")
    await on_bot_connection(pillars, "PRAGMA query_only = ON")

    await refused_write(pillars, caplog, "read-only", position=20)
    picks = await pillars.command("bob", "recommend", topic="linear algebra")
    press = await pillars.click("bob", picks, picks.buttons[0].label or "")  # Start reading: a write
    assert press.ephemeral and "read-only" in press.content
    suggest = await pillars.command("bob", "suggest", title="A book", url="https://example.org/")
    assert suggest.ephemeral and "read-only" in suggest.content
    await reads_still_work(pillars)
    assert pillars.logged_errors == []  # an expected outcome, not a bug

    await on_bot_connection(pillars, "PRAGMA query_only = OFF")
    assert (await pillars.command("alice", "progress log", resource=LADR, position=30)).content.startswith("Logged.")
    assert integrity(database_path(pillars)) == ["ok"]
    assert emulator_problems(pillars) == []


async def test_a_full_disk_refuses_writes_clearly_without_corrupting_the_file(
    pillars: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    pages = await on_bot_connection(pillars, "PRAGMA page_count")
    await on_bot_connection(pillars, f"PRAGMA max_page_count = {pages}")

    # Each update carries a 500-character note; within a few, one needs a new page the cap refuses.
    for position in range(1, 200):
        before = dump_database(database_path(pillars))
        reply = await pillars.command("alice", "progress log", resource=LADR, position=position, note=NOTE)
        if not reply.content.startswith("Logged."):
            break
    else:
        pytest.fail("the capped database never filled up")
    assert reply.ephemeral and "full" in reply.content and "cannot be saved" in reply.content, reply.content
    assert dump_database(database_path(pillars)) == before
    await refused_write(pillars, caplog, "full", position=position, note=NOTE)
    await reads_still_work(pillars)
    assert pillars.logged_errors == []
    assert integrity(database_path(pillars)) == ["ok"]

    await on_bot_connection(pillars, "PRAGMA max_page_count = 1073741823")  # space again
    assert (await pillars.command("bob", "progress log", resource=LADR, position=5)).content.startswith("Logged.")
    assert integrity(database_path(pillars)) == ["ok"]
