"""Past one machine: bot processes, each running its own shards, sharing one PostgreSQL database.

The emulator runs here with two guilds on two shards ("Pillars Study Hall" on one, "Second Hall" on the
other, by `(guild_id >> 22) % 2`); each bot is the production bot in a child process
(`bot.sandbox.process.BotProcess`) with SHARD_COUNT=2 and its own SHARD_IDS, on the same DATABASE_URL. What a
process keeps in memory (a member's statuses, a server's live catalog) must follow what the other process
writes: the store drops it when the other's NOTIFY arrives (`bot.store.changes`).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog.loader import load_catalog
from bot.sandbox import Reply, Sandbox
from bot.sandbox.emulator import InteractionRecord
from bot.sandbox.process import BotProcess
from bot.sandbox.world import build_world, shard_for
from tests.conftest import PillarsSandbox
from tests.database import rows
from tests.factories import LADR
from tests.reliability.test_process_kill import acknowledged

SECOND = "Second Hall"
LADR_TITLE = "Linear Algebra Done Right"
CATALOG = load_catalog(Path(__file__).resolve().parents[2] / "data")
COUNT = 2


@pytest.fixture
async def driver() -> AsyncIterator[PillarsSandbox]:
    """The emulator alone, its world with a second guild on the other shard, for bots in child processes."""
    world = build_world()
    world.add_guild(SECOND, shard=(1 - shard_for(world.guild_id, COUNT), COUNT))
    sandbox: PillarsSandbox = Sandbox(None, timeout=10.0, world=world)
    await sandbox.emulator.start()
    try:
        yield sandbox
    finally:
        await sandbox.emulator.stop()


def picks(reply: Reply) -> list[str]:
    """The ids of the resources a /recommend answer picked, in order (from their Start reading buttons)."""
    return [b.custom_id.split(":")[2] for b in reply.buttons if (b.custom_id or "").startswith("pillars:start:")]


def driver_title(resource_id: str) -> str:
    """A shipped resource's title."""
    return CATALOG[resource_id].title


def shard_of(driver: PillarsSandbox, guild: str | None = None) -> int:
    """The shard a guild of the driver's world is on."""
    return shard_for(driver.world.guild(guild).id, COUNT)


def bot_on(driver: PillarsSandbox, tmp_path: Path, name: str, shard: int, url: str) -> BotProcess:
    """A bot process running one shard of two, on the shared database (its local files in a folder of its own)."""
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    return BotProcess(
        driver.emulator, folder / "pillars.db", tmp_path / f"{name}.log", database_url=url, shards=(COUNT, [shard])
    )


async def test_a_members_progress_through_one_shard_shows_at_once_through_the_other(
    driver: PillarsSandbox, tmp_path: Path, postgres_url: str
) -> None:
    home = bot_on(driver, tmp_path, "home", shard_of(driver), postgres_url)
    second = bot_on(driver, tmp_path, "second", shard_of(driver, SECOND), postgres_url)
    await asyncio.gather(home.start(), second.start())
    try:
        # Each process got only its own shard's guild.
        assert {s.shard for s in driver.emulator.gateway.sessions.values()} == {(0, COUNT), (1, COUNT)}

        # alice's statuses are cached in the second process: nothing on her shelves yet.
        before = picks(await driver.command("alice", "recommend", guild=SECOND, topic="linear algebra"))
        first = before[0]

        logged = await driver.command("alice", "progress log", resource=first, status="finished")  # at home
        assert logged.content.startswith("Logged.")

        shown = await driver.command("alice", "progress show", guild=SECOND)
        assert driver_title(first) in shown.text
        after = picks(await driver.command("alice", "recommend", guild=SECOND, topic="linear algebra"))
        assert first not in after  # finished: the second process dropped what it cached when the first wrote
    finally:
        await asyncio.gather(home.stop(), second.stop())


async def test_a_retire_in_one_process_is_honoured_by_every_process_serving_that_server(
    driver: PillarsSandbox, tmp_path: Path, postgres_url: str
) -> None:
    """A rolling restart of shard 0 (which syncs the commands): the new process starts while the old one still
    serves. The old one has the server's catalog cached; a moderator retires a resource through the new one;
    the old one must not serve it any more."""
    server = driver.world.guilds_of_shard(0, COUNT)[0].name
    old = bot_on(driver, tmp_path, "old", 0, postgres_url)
    await old.start()
    gateway = driver.emulator.gateway
    (through_old,) = gateway.sessions_of(0)
    new = bot_on(driver, tmp_path, "new", 0, postgres_url)
    try:
        seen = await driver.command("alice", "resource info", guild=server, via=through_old, resource=LADR)
        assert LADR_TITLE in seen.text and "retired" not in seen.text.lower()
        await new.start()
        assert len(gateway.sessions_of(0)) == 2  # both alive; the newest takes the shard's events

        retired = await driver.command("admin", "catalog retire", guild=server, resource=LADR)  # the new process
        assert retired.content.startswith("🗄️ Retired")

        refused = await driver.command(
            "alice", "progress log", guild=server, via=through_old, resource=LADR, position=3
        )
        assert "retired on this server" in refused.text
        again = await driver.command("alice", "resource info", guild=server, via=through_old, resource=LADR)
        assert "retired on this server" in again.text
    finally:
        await asyncio.gather(old.stop(), new.stop())


def update(driver: PillarsSandbox, guild: str | None, number: int) -> InteractionRecord:
    """alice logs a position on LADR (short of its end, whatever `number` is) in a guild, with the note
    `<guild>-<number>`; not sent yet."""
    place = driver.world.guild(guild)
    options = {"resource": LADR, "position": 1 + number % 380, "note": f"{place.id}-{number}"}
    data = driver.command_payload("progress log", options)
    return driver.emulator.new_interaction(kind=2, user=driver.world.user("alice"), data=data, guild=place)


async def test_kill_9_of_one_process_leaves_the_other_serving_and_loses_nothing_acknowledged(
    driver: PillarsSandbox, tmp_path: Path, postgres_url: str
) -> None:
    home = bot_on(driver, tmp_path, "home", shard_of(driver), postgres_url)
    second = bot_on(driver, tmp_path, "second", shard_of(driver, SECOND), postgres_url)
    await asyncio.gather(home.start(), second.start())
    sent: list[InteractionRecord] = []
    try:
        # One member, updates through both processes at once, interleaved, until a good number was answered.
        number = 0
        while sum(acknowledged(driver, r) for r in sent) < 30:
            for guild in (None, SECOND):
                number += 1
                sent.append(update(driver, guild, number))
                await driver.emulator.send_interaction(sent[-1])
            # At most a few waves unanswered at a time, as members send them: the kill lands mid-stream.
            await driver.emulator.wait_until(
                lambda: sum(r.callback_type is None for r in sent) < 8, 10, "the bots to keep up"
            )
            assert number < 2_000, "the bots stopped answering before the kill"
        for _ in range(8):  # a wave in flight in both when the kill lands
            number += 1
            sent.append(update(driver, None, number))
            await driver.emulator.send_interaction(sent[-1])
        home.kill()
        assert await home.wait() == -signal.SIGKILL

        # The other process goes on serving its server, as if nothing happened.
        for _ in range(5):
            number += 1
            still = await driver.command(
                "alice", "progress log", guild=SECOND, resource=LADR, position=1 + number % 380
            )
            assert still.content.startswith("Logged.")

        restarted = bot_on(driver, tmp_path, "home", shard_of(driver), postgres_url)
        await restarted.start()
        try:
            shown = await driver.command("alice", "progress history")  # at home, through the new process
        finally:
            await restarted.stop()
    finally:
        await home.stop()  # nothing to do once killed; stops it if the test failed before the kill
        await second.stop()

    answered = {note_of(r) for r in sent if acknowledged(driver, r)}
    recorded = {row[0] for row in rows(postgres_url, "SELECT note FROM progress_events WHERE note IS NOT NULL")}
    assert sorted(answered - recorded) == [], "acknowledged but lost"
    assert recorded - answered <= {note_of(r) for r in sent}  # nothing appeared that was never sent
    assert len(answered) < len(sent)  # the kill did land with updates in flight
    assert "✎" in shown.text


def note_of(record: InteractionRecord) -> str:
    """The note an update interaction carries."""
    options = record.payload["data"]["options"][0]["options"]
    return next(option["value"] for option in options if option["name"] == "note")
