"""Two processes on one database: a second bot is refused at start; a backup still runs beside the first.

The emulator runs here and the first bot in a child process (`bot.sandbox.process.BotProcess`), as in
`test_process_kill.py`. A second `python -m bot` on the same file must say so in one sentence and exit
before it connects anywhere (there is no network here: a bot that tried to log in would fail on
discord.com instead), a store opened from this process is refused too, `python -m bot db backup` works
while the first bot runs, and once the first is SIGKILLed the file opens again at once (the kernel drops
the lock with the process). Before the lock, the second bot went on to start, each serving its own cache
of members' read-throughs while the other changed the rows under it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.catalog.loader import load_catalog
from bot.sandbox import Sandbox
from bot.sandbox.process import BotProcess
from bot.store import Store
from bot.store.guard import DatabaseInUseError
from tests.database import dump_database
from tests.reliability.support import REPO, operator_runs

LADR = "linear-algebra-done-right"


async def test_a_second_bot_on_the_same_database_is_refused_and_a_backup_runs_beside_the_first(
    driver: Sandbox, tmp_path: Path
) -> None:
    database = tmp_path / "pillars.db"
    first = BotProcess(driver.emulator, database, tmp_path / "first.log")
    await first.start()
    try:
        logged = await driver.command("alice", "progress log", resource=LADR, position=42, note="before")
        assert logged.content.startswith("Logged.")

        second = await asyncio.to_thread(operator_runs, [], tmp_path, database)

        assert second.returncode == 1
        assert second.stderr.strip().splitlines() == [
            f"The bot cannot start: The database {database} is already in use by another Pillars bot "
            f"(process {first.pid}); stop that one first, or set DATABASE_PATH to another file "
            "(python -m bot db backup works beside a running bot)."
        ]
        with pytest.raises(DatabaseInUseError, match=f"process {first.pid}"):
            await Store.open(database, load_catalog(REPO / "data"))
        with pytest.raises(DatabaseInUseError):
            await Store.open(database, load_catalog(REPO / "data"), read_only=True)

        copy = tmp_path / "copy.db"
        backup = await asyncio.to_thread(operator_runs, ["db", "backup", str(copy)], tmp_path, database)
        assert (backup.returncode, backup.stderr) == (0, "")
        with sqlite3.connect(copy) as conn:
            assert conn.execute("SELECT note FROM progress_events").fetchall() == [("before",)]
        conn.close()

        # The first bot never noticed: it answers and writes as before.
        again = await driver.command("alice", "progress log", resource=LADR, position=43, note="after")
        assert again.content.startswith("Logged.")
    finally:
        first.kill()
        await first.wait()

    # SIGKILL leaves no stale lock: the next store opens at once, and finds both updates.
    async with await Store.open(database, load_catalog(REPO / "data")) as store:
        notes = [event.note for event in await store.history(driver.world.user("alice").id)]
    assert notes == ["after", "before"]
    assert dump_database(copy)["progress_events"] == dump_database(database)["progress_events"][:1]
