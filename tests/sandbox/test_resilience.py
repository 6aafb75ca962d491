"""The bot survives what Discord does to connections, and rate limits never make it answer twice."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox import Sandbox
from tests.sandbox.study_bot import make_study_bot


async def _still_answers(sandbox: Sandbox) -> None:
    """The bot answers a command and a click on its persistent view."""
    reply = await sandbox.command("alice", "recommend", topic="probability")
    assert reply.embeds[0]["title"] == "Probability (beginner)"
    clicked = await sandbox.click("bob", reply, "Start reading")
    assert clicked.content == "bob started reading."


@pytest.mark.parametrize("abrupt", [False, True], ids=["close-4000", "abrupt"])
async def test_a_dropped_connection_is_resumed(sandbox: Sandbox, abrupt: bool) -> None:
    gateway = sandbox.emulator.gateway
    assert gateway.count("identify") == 1

    await sandbox.emulator.drop_connection(abrupt=abrupt)
    await sandbox.emulator.wait_for_gateway("resumed", 1)

    assert gateway.count("identify") == 1
    assert gateway.connection_paths == ["/gateway", "/resume"]  # READY's resume_gateway_url was used
    await _still_answers(sandbox)


async def test_an_interaction_sent_while_the_bot_is_away_is_replayed_on_resume(sandbox: Sandbox) -> None:
    await sandbox.emulator.drop_connection(abrupt=True)

    reply = await sandbox.command("carol", "echo", text="still there?")

    assert reply.content == "still there?"
    assert sandbox.emulator.gateway.count("resumed") == 1


async def test_reconnect_makes_the_bot_resume(sandbox: Sandbox) -> None:
    await sandbox.emulator.send_reconnect()
    await sandbox.emulator.wait_for_gateway("resumed", 1)

    assert sandbox.emulator.gateway.count("identify") == 1
    await _still_answers(sandbox)


async def test_a_resumable_invalid_session_is_resumed(sandbox: Sandbox) -> None:
    await sandbox.emulator.send_invalid_session(resumable=True)
    await sandbox.emulator.wait_for_gateway("resumed", 1)

    assert sandbox.emulator.gateway.count("identify") == 1
    await _still_answers(sandbox)


async def test_an_invalid_session_makes_the_bot_identify_anew_and_keep_its_persistent_views(sandbox: Sandbox) -> None:
    before = await sandbox.command("alice", "recommend", topic="statistics")

    await sandbox.emulator.send_invalid_session(resumable=False)
    await sandbox.emulator.wait_for_gateway("ready", 2)
    await sandbox.bot.wait_until_ready()

    assert sandbox.emulator.gateway.count("resumed") == 0
    clicked = await sandbox.click("carol", before, "Start reading")
    assert clicked.content == "carol started reading."
    await _still_answers(sandbox)


async def test_missed_heartbeat_acks_make_the_bot_reconnect() -> None:
    async with Sandbox(make_study_bot, heartbeat_interval=0.05, heartbeat_timeout=0.3) as sandbox:
        sandbox.emulator.stop_heartbeat_acks()
        await sandbox.emulator.wait_for_gateway("resumed", 1, within=5)

        assert sandbox.emulator.gateway.count("identify") == 1
        await _still_answers(sandbox)


async def test_a_rate_limited_callback_is_retried_and_answered_once(sandbox: Sandbox) -> None:
    sandbox.emulator.rate_limit_next("POST /interactions/*/callback", retry_after=0.05)

    reply = await sandbox.command("alice", "echo", text="once")

    assert reply.content == "once"
    counters = sandbox.emulator.counters
    assert counters["rate_limited"] == 1
    assert counters["callbacks"] == 1
    assert counters["messages"] == 1
    statuses = [status for method, path, status in sandbox.emulator.requests if path.endswith("/callback")]
    assert statuses == [429, 200]


async def test_a_rate_limited_follow_up_is_retried_and_sent_once(sandbox: Sandbox) -> None:
    sandbox.emulator.rate_limit_next("POST /webhooks/*", retry_after=0.05)

    reply = await sandbox.command("alice", "slow")

    assert [f.content for f in reply.followups] == ["One more thing."]
    assert sandbox.emulator.counters["followups"] == 1
    assert sandbox.emulator.counters["rate_limited"] == 1


async def test_a_second_callback_is_refused_with_40060(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "echo", text="first")
    record = sandbox.emulator.interactions[reply.interaction_id]
    adapter = discord.webhook.async_.async_context.get()
    params = discord.http.handle_message_parameters(content="second")

    with pytest.raises(discord.HTTPException) as refused:
        await adapter.create_interaction_response(
            record.id, record.token, session=sandbox.bot.http._HTTPClient__session, params=params
        )

    assert (refused.value.status, refused.value.code) == (400, 40060)
    assert sandbox.emulator.counters["messages"] == 1


async def test_a_first_answer_after_three_seconds_is_refused_with_10062(sandbox: Sandbox) -> None:
    sandbox.emulator.interaction_deadline = 0.0  # every answer comes "too late"

    with pytest.raises(Exception, match="10062"):
        await sandbox.command("alice", "echo", text="late")

    assert sandbox.emulator.counters["callbacks"] == 0
    assert any("10062" in line for line in sandbox.logged_errors)
