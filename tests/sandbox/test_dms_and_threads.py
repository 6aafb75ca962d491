"""The emulator's DMs and threads, through the real discord.py client: opened, refused, answered, posted in.

Also what the scheduler leans on: a repeated nonce returns the first message, a global rate limit answers 429
with `global: true` (and discord.py waits and retries), and a request can be held to kill a bot around it.
"""

from __future__ import annotations

import asyncio

import discord

from bot.sandbox import Sandbox
from bot.sandbox.world import PUBLIC_THREAD

NO_PINGS = {"parse": []}


async def test_a_dm_opens_a_channel_and_its_button_answers_from_the_dm(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "remindme")
    assert reply.content == "Sending you a DM."
    (dm,) = sandbox.dms("alice")
    assert dm.content == "Time to study." and sandbox.emulator.counters["dm_opens"] == 1
    message = sandbox.emulator.messages[dm.message_id or 0]
    assert "guild_id" not in message and message["channel_id"] == str(sandbox.emulator.dm_channel_id("alice"))

    pressed = await sandbox.click("alice", dm, "Got it")
    assert pressed.kind == "update" and pressed.content == "alice pressed it in a DM."
    interaction = sandbox.emulator.interactions[pressed.interaction_id or 0].payload
    assert "member" not in interaction and interaction["user"]["username"] == "alice" and interaction["context"] == 1
    assert sandbox.dms("bob") == []


async def test_closed_dms_are_refused_with_50007(sandbox: Sandbox) -> None:
    sandbox.emulator.close_dms("bob")
    reply = await sandbox.command("bob", "remindme")
    assert [f.content for f in reply.followups] == ["Your DMs are closed (50007)."]
    assert sandbox.dms("bob") == [] and sandbox.emulator.counters["dms_refused"] == 1
    sandbox.emulator.open_dms("bob")
    await sandbox.command("bob", "remindme")
    assert [m.content for m in sandbox.dms("bob")] == ["Time to study."]


async def test_a_thread_from_a_message_takes_its_id_and_takes_posts(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "discuss", topic="eigenvalues")
    thread = sandbox.world.thread("About eigenvalues")
    assert thread.id == reply.message_id and thread.type == PUBLIC_THREAD
    assert thread.parent_id == sandbox.world.channel("study").id
    assert [m.content for m in sandbox.thread_messages(thread.id)] == ["First post about eigenvalues."]
    assert sandbox.emulator.messages[reply.message_id or 0]["thread"]["id"] == str(thread.id)
    assert sandbox.bot.get_channel(thread.id) is not None  # THREAD_CREATE reached the client's cache

    in_thread = await sandbox.command("bob", "whoami", in_channel="About eigenvalues")
    assert in_thread.content.endswith("in #About eigenvalues")
    again = await sandbox.command("alice", "discuss", topic="eigenvalues")  # a second thread on a new message
    assert again.message_id != reply.message_id


async def test_a_thread_in_a_channel_without_a_message(sandbox: Sandbox) -> None:
    reply = await sandbox.command("carol", "huddle", name="Study group")
    thread = sandbox.world.thread("Study group")
    assert reply.content == f"Opened <#{thread.id}>."
    assert [m.content for m in sandbox.thread_messages("Study group")] == ["Huddle here."]
    assert thread.id not in sandbox.emulator.messages  # no message it hangs from


async def test_the_threads_come_back_with_the_guild_after_a_reconnect(sandbox: Sandbox) -> None:
    await sandbox.command("alice", "discuss", topic="norms")
    thread = sandbox.world.thread("About norms")
    payload = sandbox.world.guild_payload()
    assert [t["id"] for t in payload["threads"]] == [str(thread.id)]
    assert payload["threads"][0]["thread_metadata"]["archived"] is False


async def test_a_repeated_nonce_returns_the_first_message_instead_of_a_second(sandbox: Sandbox) -> None:
    channel = sandbox.bot.get_partial_messageable(sandbox.world.channel("general").id)
    first = await channel.send("once", nonce="job-1")
    second = await channel.send("once", nonce="job-1")
    third = await channel.send("twice", nonce="job-2")
    assert first.id == second.id != third.id
    assert [m["content"] for m in sandbox.emulator.channel_messages(sandbox.world.channel("general").id)] == [
        "once",
        "twice",
    ]
    assert sandbox.emulator.counters["nonce_repeats"] == 1
    sandbox.emulator.advance_clock(sandbox.emulator.nonce_window + 1)  # "the past few minutes" are over
    assert (await channel.send("once", nonce="job-1")).id != first.id


async def test_over_the_global_rate_limit_discord_answers_429_and_discord_py_waits_and_retries(
    sandbox: Sandbox,
) -> None:
    sandbox.emulator.global_rate_limit = 5
    channel = sandbox.bot.get_partial_messageable(sandbox.world.channel("general").id)
    sent = await asyncio.gather(*(channel.send(f"burst {n}") for n in range(12)))
    assert len({m.id for m in sent}) == 12
    assert sandbox.emulator.counters["rate_limited_global"] >= 1
    assert sandbox.emulator.peak_requests_per_second <= 5
    contents = [m["content"] for m in sandbox.emulator.channel_messages(sandbox.world.channel("general").id)]
    assert sorted(contents) == sorted(f"burst {n}" for n in range(12))  # each once


async def test_a_held_request_waits_until_released_before_or_after_discord_acts(sandbox: Sandbox) -> None:
    general = sandbox.world.channel("general").id
    channel = sandbox.bot.get_partial_messageable(general)
    before = sandbox.emulator.hold_next(f"POST /channels/{general}/messages", after=False)
    sending = asyncio.create_task(channel.send("held before"))
    await asyncio.wait_for(before.reached.wait(), 5)
    assert sandbox.emulator.channel_messages(general) == []  # Discord has not acted yet
    before.release()
    await sending

    after = sandbox.emulator.hold_next(f"POST /channels/{general}/messages", after=True)
    sending = asyncio.create_task(channel.send("held after"))
    await asyncio.wait_for(after.reached.wait(), 5)
    assert [m["content"] for m in sandbox.emulator.channel_messages(general)][-1] == "held after"  # made already
    assert not sending.done()  # but the bot has not heard back
    after.release()
    assert isinstance(await sending, discord.Message)
