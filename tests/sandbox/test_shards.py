"""The emulator's shards: IDENTIFY's shard decides which guilds a session gets, each guild's events go only to its
shard's session, a shard outside the count is refused with 4010; and the production bot runs sharded in it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.app import ShardedPillarsBot
from bot.sandbox.emulator import SANDBOX_TOKEN, Emulator
from bot.sandbox.world import World, build_world, shard_for
from tests.conftest import MakePillars
from tests.factories import LADR

COUNT = 2


def two_shard_world() -> World:
    """The sandbox world with a second guild on the shard the home guild is not on."""
    world = build_world()
    world.add_guild("Second Hall", shard=(1 - shard_for(world.guild_id, COUNT), COUNT))
    return world


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """The emulator alone, serving the two-shard world."""
    running = await Emulator(two_shard_world(), heartbeat_interval=30).start()
    try:
        yield running
    finally:
        await running.stop()


async def identify(
    session: aiohttp.ClientSession, emulator: Emulator, shard: list[int]
) -> aiohttp.ClientWebSocketResponse:
    """A raw client: connect, read HELLO, IDENTIFY as `shard`."""
    socket = await session.ws_connect(emulator.gateway_url)
    hello = json.loads((await socket.receive()).data)
    assert hello["op"] == 10
    await socket.send_str(json.dumps({"op": 2, "d": {"token": SANDBOX_TOKEN, "intents": 0, "shard": shard}}))
    return socket


async def dispatches(socket: aiohttp.ClientWebSocketResponse, within: float = 0.3) -> list[dict[str, Any]]:
    """Every dispatch the socket receives until it has been quiet for `within` seconds."""
    found = []
    while True:
        try:
            message = await socket.receive(timeout=within)
        except TimeoutError:
            return found
        if message.type is not aiohttp.WSMsgType.TEXT:
            return found
        payload = json.loads(message.data)
        if payload["op"] == 0:
            found.append(payload)


async def test_each_shard_gets_its_own_guilds_and_only_their_events(emulator: Emulator) -> None:
    world = emulator.world
    by_shard = {shard: world.guilds_of_shard(shard, COUNT) for shard in range(COUNT)}
    assert all(len(guilds) == 1 for guilds in by_shard.values())  # one guild each
    async with aiohttp.ClientSession() as http:
        sockets = {shard: await identify(http, emulator, [shard, COUNT]) for shard in range(COUNT)}
        for shard, socket in sockets.items():
            ready, created = await dispatches(socket)
            assert ready["t"] == "READY" and ready["d"]["shard"] == [shard, COUNT]
            assert [g["id"] for g in ready["d"]["guilds"]] == [str(by_shard[shard][0].id)]
            assert created["t"] == "GUILD_CREATE" and created["d"]["id"] == str(by_shard[shard][0].id)

        for shard in range(COUNT):
            guild = by_shard[shard][0]
            await emulator.gateway.dispatch("TYPING_START", {"guild_id": str(guild.id)}, guild_id=guild.id)
            got = {s: [d["d"].get("guild_id") for d in await dispatches(socket)] for s, socket in sockets.items()}
            assert got == {s: ([str(guild.id)] if s == shard else []) for s in range(COUNT)}
        for socket in sockets.values():
            await socket.close()


async def test_a_shard_outside_the_count_is_refused_with_4010(emulator: Emulator) -> None:
    async with aiohttp.ClientSession() as http:
        socket = await identify(http, emulator, [COUNT, COUNT])
        closed = await socket.receive(timeout=5)
        assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4010
    assert emulator.gateway.count("identify-refused") == 1 and emulator.gateway.sessions == {}


async def test_the_production_bot_runs_both_shards_in_one_process_and_answers_in_both_guilds(
    make_pillars: MakePillars,
) -> None:
    async with make_pillars(shard_count=COUNT, sandbox_options={"world": two_shard_world()}) as sandbox:
        bot = sandbox.bot
        assert isinstance(bot, ShardedPillarsBot) and bot.shard_count == COUNT and set(bot.shards) == {0, 1}
        for guild in sandbox.world.guilds.values():
            served = bot.get_guild(guild.id)
            assert served is not None and served.shard_id == shard_for(guild.id, COUNT)
        logged = await sandbox.command("alice", "progress log", guild="Second Hall", resource=LADR, position=12)
        assert logged.content.startswith("Logged.")
        shown = await sandbox.command("alice", "progress show")  # at home, on the other shard
        assert "Linear Algebra Done Right" in shown.text
        assert {s.shard for s in sandbox.emulator.gateway.sessions.values()} == {(0, COUNT), (1, COUNT)}


async def test_a_dm_interaction_goes_to_shard_0_whichever_shard_the_home_guild_is_on(emulator: Emulator) -> None:
    world = emulator.world
    assert shard_for(world.guild_id, COUNT) == 1  # so the home guild's shard would be the wrong one
    alice = world.user("alice")
    dm = emulator.dm_channel_for(alice.id)
    async with aiohttp.ClientSession() as http:
        sockets = {shard: await identify(http, emulator, [shard, COUNT]) for shard in range(COUNT)}
        for socket in sockets.values():
            await dispatches(socket)  # READY and GUILD_CREATE
        button = {"custom_id": "pillars:x", "component_type": 2}
        await emulator.send_interaction(emulator.new_interaction(kind=3, user=alice, data=button, channel_id=dm))
        got = {shard: [d["t"] for d in await dispatches(socket)] for shard, socket in sockets.items()}
        assert got == {0: ["INTERACTION_CREATE"], 1: []}
        for socket in sockets.values():
            await socket.close()
