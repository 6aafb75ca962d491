"""SIGKILL the bot's process in the middle of a stream of /progress log: no acknowledged update is lost.

The emulator runs here; the production bot runs in a child process (`bot.sandbox.process.BotProcess`)
on a database in tmp_path. A member sends updates back to back, each with a unique note; the test records
which ones the bot answered ("Logged."), kills the process with SIGKILL while more are in flight, starts
another on the same file, and checks every answered update is in the member's history and shelf and that
`PRAGMA integrity_check` is ok. (The bot answers only after the store committed, so an answer is a promise.)
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot.catalog.loader import load_catalog
from bot.sandbox import Sandbox
from bot.sandbox.emulator import InteractionRecord
from bot.sandbox.process import BotProcess
from bot.store import Store
from tests.database import integrity
from tests.factories import LADR

REPO = Path(__file__).resolve().parents[2]


def send_update(driver: Sandbox, number: int) -> InteractionRecord:
    """alice logs position `number` on LADR with the note `update-<number>`; the interaction, not yet sent."""
    data = driver.command_payload("progress log", {"resource": LADR, "position": number, "note": f"update-{number}"})
    return driver.emulator.new_interaction(kind=2, user=driver.world.user("alice"), data=data)


def acknowledged(driver: Sandbox, record: InteractionRecord) -> bool:
    """Whether the member saw "Logged." for this update (the answer itself, or the deferred answer completed)."""
    if record.callback_type not in (4, 5) or record.original_message_id is None:
        return False
    return driver.emulator.messages[record.original_message_id]["content"].startswith("Logged.")


async def test_sigkill_mid_stream_loses_no_acknowledged_update(driver: Sandbox, tmp_path: Path) -> None:
    database = tmp_path / "pillars.db"
    first = BotProcess(driver.emulator, database, tmp_path / "bot.log")
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
    # The kill lands as the last wave's final update leaves the emulator: the bot answers only after a commit,
    # which it shares among the writes waiting for it, so that update (at least) is always still in flight.
    await wave(16)
    first.kill()
    assert await first.wait() == -signal.SIGKILL
    await asyncio.sleep(0.2)  # answers already on the wire have landed
    answered = {n for n, r in sent.items() if acknowledged(driver, r)}
    assert len(answered) >= 25 and number > len(answered)  # killed with updates still in flight

    second = BotProcess(driver.emulator, database, tmp_path / "bot.log")
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
