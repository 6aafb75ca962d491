"""The production bot survives what Discord does to its connection, and answers twice nothing when rate limited.

Each fault is followed by a command and a click on a persistent button: the bot came back by itself (no
test restarts it) and answers as before.
"""

from __future__ import annotations

import time

import pytest

from bot.sandbox import Sandbox
from bot.sandbox.emulator import GATEWAY_FAULTS
from tests.reliability.conftest import MakePillars
from tests.reliability.support import emulator_problems, reply_problems


async def answers(sandbox: Sandbox, user: str = "alice") -> None:
    """The bot answers a slash command and a press on one of its persistent buttons."""
    reply = await sandbox.command(user, "recommend", topic="probability")
    assert reply.embeds and reply.embeds[0]["title"] == "Picks for you"
    details = await sandbox.click(user, reply, "Details")
    assert details.embeds and reply_problems(details) == []


@pytest.mark.parametrize("fault", GATEWAY_FAULTS)
async def test_the_bot_comes_back_by_itself_after_a_gateway_fault(pillars: Sandbox, fault: str) -> None:
    emulator = pillars.emulator
    await answers(pillars)
    await emulator.break_connection(fault)
    if fault == "invalid-session":
        assert emulator.gateway.count("ready") == 2  # a new session: IDENTIFY again
    else:
        assert emulator.gateway.count("resumed") == 1 and emulator.gateway.count("identify") == 1
    await answers(pillars, "bob")
    assert pillars.logged_errors == []


async def test_missed_heartbeat_acks_make_the_bot_reconnect_by_itself(make_pillars: MakePillars) -> None:
    async with make_pillars(sandbox_options={"heartbeat_interval": 0.05, "heartbeat_timeout": 0.3}) as pillars:
        pillars.emulator.stop_heartbeat_acks()
        await pillars.emulator.wait_for_gateway("resumed", 1, within=5)
        await answers(pillars)


async def test_a_command_sent_while_the_connection_is_down_is_answered_after_the_resume(pillars: Sandbox) -> None:
    await pillars.emulator.drop_connection(abrupt=True)
    reply = await pillars.command("carol", "help")
    assert reply.embeds and pillars.emulator.gateway.count("resumed") == 1


async def test_a_rate_limited_interaction_callback_arrives_late_and_once(pillars: Sandbox) -> None:
    emulator = pillars.emulator
    emulator.rate_limit_next("POST /interactions/*/callback", retry_after=0.4)
    started = time.monotonic()

    reply = await pillars.command("alice", "progress log", resource="linear-algebra-done-right", position=12)

    assert time.monotonic() - started >= 0.4  # late: discord.py waited as told
    assert reply.content.startswith("Logged.")
    statuses = [status for _, path, status in emulator.requests if path.endswith("/callback")]
    assert statuses == [429, 200]
    assert (emulator.counters["callbacks"], emulator.counters["messages"]) == (1, 1)
    history = await pillars.bot.store.history(pillars.world.user("alice").id)
    assert len(history) == 1  # the update was recorded once, not once per attempt


async def test_a_rate_limited_follow_up_arrives_late_and_once(pillars: Sandbox) -> None:
    emulator = pillars.emulator
    picks = await pillars.command("alice", "recommend", topic="linear algebra")
    emulator.rate_limit_next("POST /webhooks/*", retry_after=0.4)
    started = time.monotonic()

    shared = await pillars.click("alice", picks, "Share")  # edits the private answer, then a public follow-up

    assert time.monotonic() - started >= 0.4
    assert shared.content == "📣 Shared picks 1–3 of 18 in the channel."
    assert [f.content for f in shared.followups] == ["Shared by Alice"]
    assert emulator.counters["followups"] == 1 and emulator.counters["rate_limited"] == 1
    public = [m for m in emulator.messages.values() if m["content"] == "Shared by Alice"]
    assert len(public) == 1
    assert emulator_problems(pillars) == []


async def test_a_refusal_survives_a_rate_limit_on_its_callback(pillars: Sandbox) -> None:
    emulator = pillars.emulator
    emulator.rate_limit_next("POST /interactions/*/callback", retry_after=0.2)

    refused = await pillars.command("alice", "resource info", resource="no-such-book")

    assert refused.ephemeral and "no-such-book" in refused.content
    assert emulator.counters["callbacks"] == 1 and emulator.counters["messages"] == 1
