"""SIGKILL the bot's process in the middle of a stream of /progress log: no acknowledged update is lost.

The emulator runs here; the production bot runs in a child process (`tests/reliability/bot_process.py`)
on a database in tmp_path. A member sends updates back to back, each with a unique note; the test records
which ones the bot answered ("Logged."), kills the process with SIGKILL while more are in flight, starts
another on the same file, and checks every answered update is in the member's history and shelf and that
`PRAGMA integrity_check` is ok. (The bot answers only after the store committed, so an answer is a promise.)
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog.loader import load_catalog
from bot.sandbox import Sandbox
from bot.sandbox.emulator import InteractionRecord
from bot.store import Store
from tests.database import integrity
from tests.reliability.bot_process import READY

REPO = Path(__file__).resolve().parents[2]
LADR = "linear-algebra-done-right"


class BotProcess:
    """The production bot in a child process, connected to the driver's emulator."""

    def __init__(self, driver: Sandbox, database: Path, log: Path) -> None:
        self.driver, self.database, self.log = driver, database, log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, within: float = 30.0) -> None:
        """Start the child and wait until it says it is connected and ready."""
        emulator = self.driver.emulator
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.reliability.bot_process",
                "--api", emulator.api_base, "--gateway", emulator.gateway_url, "--database", str(self.database),
                cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=log,
            )  # fmt: skip
        assert self.process.stdout is not None
        try:
            while (line := await asyncio.wait_for(self.process.stdout.readline(), within)) != b"":
                if line.decode().strip() == READY:
                    return
        except TimeoutError:
            pass
        raise AssertionError(f"the bot process did not become ready:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no close, no cleanup, no flush; whatever the kernel has is all there is."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)

    async def wait(self) -> int:
        """Wait for the child to end; its exit code."""
        assert self.process is not None
        return await self.process.wait()

    async def stop(self) -> None:
        """Ask the child to stop (SIGINT closes the bot and the store), killing it if it lingers."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


@pytest.fixture
async def driver() -> AsyncIterator[Sandbox]:
    """The emulator alone (no bot in this process), with the harness to build members' interactions."""
    sandbox = Sandbox(lambda: None, timeout=10.0)  # type: ignore[arg-type,return-value]
    await sandbox.emulator.start()
    try:
        yield sandbox
    finally:
        await sandbox.emulator.stop()


def send_update(driver: Sandbox, number: int) -> InteractionRecord:
    """alice logs position `number` on LADR with the note `update-<number>`; the interaction, not yet sent."""
    data = driver._command_data("progress log", {"resource": LADR, "position": number, "note": f"update-{number}"})
    return driver.emulator.new_interaction(kind=2, user=driver.world.user("alice"), data=data)


def acknowledged(driver: Sandbox, record: InteractionRecord) -> bool:
    """Whether the member saw "Logged." for this update."""
    if record.callback_type != 4 or record.original_message_id is None:
        return False
    return driver.emulator.messages[record.original_message_id]["content"].startswith("Logged.")


async def test_sigkill_mid_stream_loses_no_acknowledged_update(driver: Sandbox, tmp_path: Path) -> None:
    database = tmp_path / "pillars.db"
    first = BotProcess(driver, database, tmp_path / "bot.log")
    await first.start()

    sent: dict[int, InteractionRecord] = {}
    number = 0

    async def wave(size: int) -> None:
        nonlocal number
        for _ in range(size):
            number += 1
            sent[number] = send_update(driver, number)
            await driver.emulator.send_interaction(sent[number])

    while sum(acknowledged(driver, r) for r in sent.values()) < 25:
        await wave(4)
        await asyncio.sleep(0.01)
        assert number < 2000, "the bot stopped answering before the kill"
    await wave(8)  # the kill lands in the middle of this one: sent, some being written, none answered yet
    await asyncio.sleep(0.005)
    first.kill()
    assert await first.wait() == -signal.SIGKILL
    await asyncio.sleep(0.2)  # answers already on the wire have landed
    answered = {n for n, r in sent.items() if acknowledged(driver, r)}
    assert len(answered) >= 25 and number > len(answered)  # killed with updates still in flight

    second = BotProcess(driver, database, tmp_path / "bot.log")
    await second.start()
    try:
        shown = await driver.command("alice", "progress history")  # the restarted bot reads the same file
    finally:
        await second.stop()

    assert integrity(database) == ["ok"]
    async with await Store.open(database, load_catalog(REPO / "data")) as store:
        alice = driver.world.user("alice").id
        history = await store.history(alice, limit=10_000)
        shelf = await store.shelf(alice)
    recorded = {int(event.note.removeprefix("update-")) for event in history if event.note}
    missing = sorted(answered - recorded)
    assert missing == [], f"acknowledged but lost: {missing}"
    assert recorded <= set(sent)  # nothing appeared that was never sent
    assert len(recorded) == len(history)  # and nothing twice
    newest = history[0]
    assert newest.note is not None and f"✎ {newest.note}" in shown.text
    assert [(e.resource_id, e.position, e.note) for e in shelf] == [(LADR, newest.position, newest.note)]
