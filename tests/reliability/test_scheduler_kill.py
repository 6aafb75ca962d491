"""SIGKILL the bot between recording a reminder and sending it, or between sending it and recording that it went:
the member gets it once.

The emulator runs here; the production bot runs in child processes (`BotProcess`) on one database. A member
sets a 09:00 reminder; a bot whose clock reads 09:01 starts and records the job, claims it and sends it to the
member's DM channel, where the emulator holds the request. The test kills that bot:

- *before Discord acted* (the request is dropped): the job is recorded and claimed, nothing was sent;
- *after Discord made the message* (only the answer is held): the message exists, the bot never heard so.

A third bot starts on the same file; once the dead bot's claim is older than the lease it sends the job again
with the same nonce. Either way exactly one reminder reaches the member, and the job ends "sent".
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.sandbox import Sandbox
from bot.sandbox.process import BotProcess

LEASE = ["--setting", "schedule_claim_lease=1"]


def reminder_jobs(database: Path) -> list[tuple[str, int, str | None]]:
    """(state, attempts, claimed_by) of every reminder job, read from outside the bot."""
    with sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT state, attempts, claimed_by FROM jobs WHERE kind = 'reminder'").fetchall()
    conn.close()
    return [(row[0], row[1], row[2]) for row in rows]


def reminders_received(driver: Sandbox) -> int:
    """How many study reminders alice has in her DMs."""
    return sum(m["content"].startswith("⏰ Time for some study") for m in driver.emulator.dm_messages("alice"))


@pytest.mark.parametrize("landed", [False, True], ids=["killed-before-discord-acted", "killed-after-discord-acted"])
async def test_a_reminder_interrupted_by_sigkill_arrives_exactly_once(
    driver: Sandbox, tmp_path: Path, landed: bool
) -> None:
    database, log = tmp_path / "pillars.db", tmp_path / "bot.log"
    setter = BotProcess(driver.emulator, database, log)
    await setter.start()
    try:
        reply = await driver.command("alice", "reminders set", time="09:00", timezone="UTC")
        assert "sent you a DM" in reply.content
    finally:
        await setter.stop()
    dm = driver.emulator.dm_channel_id("alice")
    assert dm is not None and reminders_received(driver) == 0

    now = datetime.now(UTC)
    nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
    nine += timedelta(days=1) if nine <= now else timedelta(0)
    offset = ["--clock-offset", str((nine + timedelta(minutes=1) - now).total_seconds())]  # it reads 09:01

    held = driver.emulator.hold_next(f"POST /channels/{dm}/messages", after=landed)
    doomed = BotProcess(driver.emulator, database, log, extra_args=[*offset, *LEASE])
    await doomed.start()
    await asyncio.wait_for(held.reached.wait(), 20)
    doomed.kill()
    assert await doomed.wait() == -signal.SIGKILL
    # Recorded before sending: the job is in the file, claimed by the bot that died.
    [(state, attempts, claimed_by)] = reminder_jobs(database)
    assert (state, attempts) == ("claimed", 1) and claimed_by
    if landed:
        held.release()  # Discord made the message; its answer goes to a dead process
        assert reminders_received(driver) == 1
    else:
        held.drop()  # the request never got through
        assert reminders_received(driver) == 0

    await asyncio.sleep(1.2)  # the dead bot's claim outlives the lease
    survivor = BotProcess(driver.emulator, database, log, extra_args=[*offset, *LEASE])
    await survivor.start()
    try:
        await driver.emulator.wait_until(lambda: reminder_jobs(database)[0][0] == "sent", 20, "the job to be sent")
    finally:
        await survivor.stop()

    assert reminders_received(driver) == 1
    [(state, attempts, _)] = reminder_jobs(database)
    assert (state, attempts) == ("sent", 2)
    assert driver.emulator.counters["nonce_repeats"] == (1 if landed else 0)  # Discord's dedupe did the work
