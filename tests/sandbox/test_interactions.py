"""The test bot, end to end through the emulator: each kind of interaction a member can start."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox import NoReply, Sandbox, SandboxError


async def test_a_slash_command_with_typed_options_answers_in_public(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "echo", text="eigen", times=3, shout=True)

    assert reply.kind == "message"
    assert reply.content == "EIGEN EIGEN EIGEN"
    assert not reply.ephemeral
    assert reply.allowed_mentions == {"parse": []}
    assert sandbox.emulator.messages[reply.message_id]["type"] == 20  # CHAT_INPUT_COMMAND


async def test_options_are_typed_by_the_synced_definition(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "echo", text="x", times="2")  # typed as the console would

    assert reply.content == "x x"
    with pytest.raises(SandboxError, match="takes integer"):
        await sandbox.command("alice", "echo", text="x", times="many")
    with pytest.raises(SandboxError, match="has no option 'colour'"):
        await sandbox.command("alice", "echo", text="x", colour="red")
    with pytest.raises(SandboxError, match="needs 'text'"):
        await sandbox.command("alice", "echo")


async def test_choices_accept_the_name_a_member_sees(sandbox: Sandbox) -> None:
    reply = await sandbox.command("bob", "recommend", topic="linear algebra", level="Advanced")

    assert reply.embeds[0]["title"] == "Linear Algebra (advanced)"
    with pytest.raises(SandboxError, match="offers only: Beginner, Advanced"):
        await sandbox.command("bob", "recommend", topic="calculus", level="expert")


async def test_an_ephemeral_reply_carries_the_members_computed_permissions(sandbox: Sandbox) -> None:
    plain = await sandbox.command("alice", "whoami")
    moderator = await sandbox.command("mod", "whoami")
    admin = await sandbox.command("admin", "whoami")

    assert plain.ephemeral
    assert plain.content == "alice manage_guild=False in #study"
    assert moderator.content == "mod manage_guild=False in #study"
    assert admin.content == "admin manage_guild=True in #study"


async def test_a_user_option_resolves_to_the_member_with_roles(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "greet", member="mod")

    assert reply.content == f"Hello <@{sandbox.world.user('mod').id}> (roles: Moderator)"


async def test_subcommands_and_autocomplete(sandbox: Sandbox) -> None:
    choices = await sandbox.autocomplete("alice", "notes add", focused="topic", value="lin", text="draft")

    assert choices == [("Linear Algebra", "linear algebra"), ("Linear Regression", "linear regression")]
    added = await sandbox.command("alice", "notes add", text="rank-nullity", topic="linear algebra")
    shown = await sandbox.command("alice", "notes show")
    assert added.content == "Noted (1)."
    assert shown.content == "linear algebra: rank-nullity"
    assert shown.ephemeral
    with pytest.raises(SandboxError, match="needs a subcommand: add, show"):
        await sandbox.command("alice", "notes")


async def test_a_button_on_a_persistent_view_updates_its_message(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "recommend", topic="calculus")
    assert [b.label for b in reply.buttons] == ["Start reading", "Details"]

    started = await sandbox.click("bob", reply, "Start reading")

    assert started.kind == "update"
    assert started.message_id == reply.message_id
    assert started.content == "bob started reading."
    assert started.button("Start reading").disabled
    assert sandbox.emulator.messages[reply.message_id]["content"] == "bob started reading."
    with pytest.raises(SandboxError, match="disabled"):
        await sandbox.click("carol", started, "Start reading")


async def test_a_button_can_answer_with_a_new_ephemeral_message(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "recommend", topic="calculus")

    details = await sandbox.click("carol", reply, "study:details")  # by custom id

    assert details.kind == "message"
    assert details.ephemeral
    assert details.message_id != reply.message_id
    assert details.content == "Chapter 1 first."


async def test_a_persistent_view_answers_a_message_the_bot_did_not_send_in_this_run(sandbox: Sandbox) -> None:
    # A message from "before a restart": only the persistent view's custom id can route the click.
    old = sandbox.emulator.add_message(
        sandbox.world.default_channel.id,
        {"content": "old", "components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "Start reading", "custom_id": "study:start"}]}]},
    )  # fmt: skip
    reply = sandbox.message(int(old["id"]))

    started = await sandbox.click("alice", reply, "Start reading")

    assert started.content == "alice started reading."


async def test_a_modal_is_opened_and_submitted(sandbox: Sandbox) -> None:
    reply = await sandbox.command("carol", "suggest")
    assert reply.kind == "modal"
    assert reply.modal is not None
    assert reply.modal.title == "Suggest a resource"
    assert [(i.custom_id, i.label, i.required) for i in reply.modal.inputs] == [
        ("title", "Title", True),
        ("url", "URL", False),
    ]

    thanks = await sandbox.submit_modal("carol", reply, {"Title": "Axler", "url": "https://linear.axler.net"})

    assert thanks.content == "Thanks for Axler (https://linear.axler.net)"
    assert thanks.ephemeral
    with pytest.raises(SandboxError, match="'Title' is required"):
        await sandbox.submit_modal("carol", reply, {"url": "https://x.org"})
    with pytest.raises(SandboxError, match="no input 'author'"):
        await sandbox.submit_modal("carol", reply, {"title": "X", "author": "Y"})


async def test_a_message_context_menu_gets_the_resolved_message(sandbox: Sandbox) -> None:
    reply = await sandbox.message_command(
        "alice", "Quote message", message_text="how do I learn linear algebra?", author="bob"
    )

    assert reply.content == "> how do I learn linear algebra?\n— bob"
    assert sandbox.emulator.messages[reply.message_id]["type"] == 23  # CONTEXT_MENU_COMMAND


async def test_a_file_goes_in_as_an_attachment_and_comes_back(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "reverse", file=("notes.txt", b"abc123"))

    assert reply.content == "notes.txt: 6 bytes"
    assert reply.files == {"reversed.txt": b"321cba"}


async def test_a_deferred_reply_is_completed_by_editing_the_original_then_a_follow_up(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "slow", ephemeral=True)

    assert reply.deferred
    assert reply.content == "Thought about it."
    assert reply.ephemeral
    assert [f.content for f in reply.followups] == ["One more thing."]
    assert reply.followups[0].ephemeral
    assert sandbox.emulator.messages[reply.message_id]["flags"] & 128 == 0  # no longer "thinking"


async def test_an_oversize_embed_is_refused_with_50035_and_the_harness_says_so(sandbox: Sandbox) -> None:
    with pytest.raises(NoReply, match="refused.*50035"):
        await sandbox.command("alice", "bigembed")

    [error] = sandbox.bot.failures
    assert error.status == 400
    assert error.code == 50035
    assert "4096" in str(error)
    assert sandbox.emulator.counters["messages"] == 0


async def test_an_unknown_command_or_member_is_a_clear_error(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError, match="no slash command 'recomend'; it has: .*recommend"):
        await sandbox.command("alice", "recomend", topic="x")
    with pytest.raises(KeyError, match="No user 'dave'"):
        await sandbox.command("dave", "echo", text="x")


async def test_a_select_menu_choice_updates_the_message(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "level")
    [[menu]] = reply.components
    assert menu.options == (("Beginner", "1"), ("Advanced", "3"))

    chosen = await sandbox.select("alice", reply, "Your level", ["Advanced"])

    assert chosen.content == "Level 3"
    assert chosen.components == []


async def test_the_interaction_token_expires_after_fifteen_minutes(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "echo", text="hi")
    record = sandbox.emulator.interactions[reply.interaction_id]
    followup = discord.Webhook.partial(
        sandbox.world.application_id, record.token, session=sandbox.bot.http._HTTPClient__session
    )
    await followup.send("within the quarter hour")

    sandbox.emulator.advance_clock(15 * 60 + 1)

    with pytest.raises(discord.HTTPException) as refused:
        await followup.send("too late")
    assert (refused.value.status, refused.value.code) == (401, 50027)
    assert sandbox.emulator.counters["followups"] == 1


async def test_a_dynamic_button_that_defers_is_answered_by_its_follow_up(sandbox: Sandbox) -> None:
    reply = await sandbox.command("alice", "bookmark", page=42)

    bookmarked = await sandbox.click("bob", reply, "Bookmark p.42")

    assert bookmarked.kind == "update" and bookmarked.deferred
    assert bookmarked.content == "Page 42"  # a deferred update leaves the message as it was
    assert [(f.content, f.ephemeral) for f in bookmarked.followups] == [("Bookmarked page 42.", True)]
    assert sandbox.message(bookmarked.followups[0].message_id).content == "Bookmarked page 42."
