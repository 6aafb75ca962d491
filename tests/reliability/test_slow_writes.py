"""A write that waits longer than Discord's 3 s still gets its member an answer: deferred at once, then told.

Discord forgets an interaction that is not acknowledged within 3 s ("The application did not respond"), and
then no answer can reach the member, not even "the database is busy". A write can wait that long: on
another program holding SQLite's write lock, on a slow disk, behind a long queue of writers. So every
command, button and form that writes acknowledges first (a deferred answer, "Pillars is thinking…", or a
deferred update of the message pressed) and then says what happened. Here the bot's wait on the lock is
made longer than Discord's deadline; the emulator refuses a first answer later than 3 s, as Discord does.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.conftest import PillarsSandbox
from tests.factories import LADR
from tests.reliability.conftest import MakePillars
from tests.reliability.support import database_path, emulator_problems, new_resource_form, reply_problems

BUSY = "The database is busy; please try again in a moment."
HOLD_THE_WRITE_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


@asynccontextmanager
async def write_lock_held(sandbox: PillarsSandbox, seconds: float) -> AsyncIterator[None]:
    """Another program holds the database's write lock for `seconds`, from the moment this is entered."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD_THE_WRITE_LOCK, str(database_path(sandbox)), str(seconds), stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and (await holder.stdout.readline()).strip() == b"holding"
        yield
    finally:
        if holder.returncode is None:
            holder.kill()
        await holder.wait()


async def bot_waits_for_the_lock(sandbox: PillarsSandbox, milliseconds: int) -> None:
    """Make the bot's writes wait this long for another program's lock before they give up."""
    await sandbox.bot.store.database.run_between_transactions(f"PRAGMA busy_timeout = {milliseconds}")


async def test_a_write_stuck_past_the_deadline_is_acknowledged_in_time_and_then_says_busy(
    make_pillars: MakePillars,
) -> None:
    async with make_pillars(write_cooldown_rate=100_000, sandbox_options={"timeout": 15.0}) as sandbox:
        await bot_waits_for_the_lock(sandbox, 3_500)
        async with write_lock_held(sandbox, 60):
            reply = await sandbox.command("alice", "progress log", resource=LADR, position=5)
        assert emulator_problems(sandbox) == []  # acknowledged inside 3 s, answered after

    assert reply.deferred and reply.ephemeral and reply.content == BUSY
    assert reply_problems(reply) == []


async def test_every_kind_of_write_waiting_past_the_deadline_is_acknowledged_then_done(
    make_pillars: MakePillars,
) -> None:
    async with make_pillars(write_cooldown_rate=100_000, sandbox_options={"timeout": 15.0}) as sandbox:
        await sandbox.command("bob", "progress log", resource=LADR, status="reading", position=1)
        card = await sandbox.command("carol", "resource info", resource=LADR)
        asked = await sandbox.command("bob", "mydata delete")
        form = await sandbox.command("admin", "catalog add")
        typed = new_resource_form("Notes Written Slowly")
        await bot_waits_for_the_lock(sandbox, 10_000)
        async with write_lock_held(sandbox, 3.5):  # longer than Discord waits, shorter than the bot does
            logged, started, deleted, added, suggested, retired = await asyncio.gather(
                sandbox.command("alice", "progress log", resource=LADR, position=5),
                sandbox.click("carol", card, card.buttons[0].custom_id or ""),
                sandbox.click("bob", asked, "Delete my data"),
                sandbox.submit_modal("admin", form, typed),
                sandbox.command("alice", "suggest", title="Patient Notes", url="https://example.org/patient"),
                sandbox.command("admin", "catalog retire", resource="essence-of-linear-algebra"),
            )
        assert emulator_problems(sandbox) == []  # every one acknowledged inside 3 s

    assert logged.content.startswith("Logged.")
    assert "is on your reading shelf" in started.content
    assert deleted.kind == "update" and deleted.content.startswith("🗑️ Done")
    assert added.content.startswith("➕ Added") and suggested.content.startswith("💡 Thanks!")
    assert retired.content.startswith("🗄️ Retired")
    for reply in (logged, started, deleted, added, suggested, retired):
        assert reply.deferred and reply_problems(reply) == []
