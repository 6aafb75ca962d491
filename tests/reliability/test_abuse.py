"""Abuse: members acting as moderators, reading or acting on other members' data, and bursts of commands.

The emulator, like a server that opened the /catalog commands to everyone in its integration settings,
delivers every interaction; and since it does not hide ephemeral messages, a member can press buttons on a
moderator's or another member's private answer, as a forged client could. The bot's own checks must hold:
the member is refused, and every table of the database is exactly as before.
"""

from __future__ import annotations

import re

import pytest
from discord import app_commands

from bot.exts.help import for_moderators
from bot.exts.mydata import NOT_YOURS
from bot.sandbox import Sandbox
from bot.sandbox.harness import Reply
from tests.catalog_files import IMPORT_YAML
from tests.database import dump_database
from tests.factories import ESSENCE, LADR
from tests.reliability.conftest import MakePillars
from tests.reliability.support import database_path, emulator_problems, reply_problems

RETIRED = ESSENCE
MODERATOR_ONLY = "Only moderators can do that"
MANAGERS_ONLY = "Only members with the Manage Server permission"
MODERATOR_COMMANDS: list[tuple[str, dict[str, object]]] = [
    ("catalog add", {}),
    ("catalog edit", {"resource": LADR}),
    ("catalog edit", {"resource": LADR, "part": "contents"}),
    ("catalog retire", {"resource": LADR}),
    ("catalog restore", {"resource": RETIRED}),
    ("catalog suggestions", {}),
    ("catalog export", {}),
    ("catalog import", {"file": ("mine.yaml", IMPORT_YAML)}),
    ("catalog reload", {}),
    ("catalog log", {"count": 50}),
    ("catalog settings", {"moderator_role": "Moderator"}),
    ("catalog settings", {"clear": "moderator_role_id"}),
    ("catalog settings", {}),
    ("reminders channel", {"channel": "general"}),
    ("reminders channel", {"clear": True}),
    ("club settings", {"members_can_start": True}),
    ("club settings", {}),
]


async def test_the_list_above_covers_every_moderator_command_the_bot_has(pillars: Sandbox) -> None:
    [catalog] = [command for command in pillars.synced_commands if command["name"] == "catalog"]
    synced = {f"catalog {option['name']}" for option in catalog["options"] if option["type"] == 1}
    # Every command /help lists for moderators (a moderators' group, or a command marked so) is in the list.
    marked = {
        command.qualified_name
        for command in pillars.bot.tree.walk_commands()
        if isinstance(command, app_commands.Command) and for_moderators(command)
    }
    assert synced | marked == {name for name, _ in MODERATOR_COMMANDS}


def refused(reply: Reply, words: str) -> None:
    """A private refusal with these words, that opened no form and offers no button."""
    assert reply.kind == "message" and reply.ephemeral and words in reply.content, reply.content
    assert not reply.buttons and reply_problems(reply) == []


async def moderator_scene(sandbox: Sandbox) -> dict[str, Reply]:
    """A server where the admin retired a resource, approved one suggestion, queued another, checked an import."""
    await sandbox.command("admin", "catalog retire", resource=RETIRED)
    for title in ("Study Notes One", "Study Notes Two"):  # neither in the catalog nor suggested before
        await sandbox.command("bob", "suggest", title=title, url=f"https://example.org/{title.split()[-1].lower()}")
    card = await sandbox.command("bob", "resource info", resource=LADR)  # and reports a dead link: #3
    asked = await sandbox.click("bob", card, "Report a problem")
    await sandbox.submit_modal("bob", await sandbox.click("bob", asked, "The link is dead"), {})
    queue = await sandbox.command("admin", "catalog suggestions")
    approved = await sandbox.click("admin", queue, queue.buttons[0].label or "")
    scene = {
        "queue": sandbox.message(queue.message_id or 0),  # now showing the second suggestion
        "approved": approved.followups[0],  # with its "Add it to the catalog" button
        "import": await sandbox.command("admin", "catalog import", file=("mine.yaml", IMPORT_YAML)),
        "add form": await sandbox.command("admin", "catalog add"),
        "edit form": await sandbox.command("admin", "catalog edit", resource=LADR),
        "contents form": await sandbox.command("admin", "catalog edit", resource=LADR, part="contents"),
    }
    # Another resource's form, submitted: a form answers once, so the one above stays open for the member to try.
    other = await sandbox.command(
        "admin", "catalog edit", resource="introduction-to-linear-algebra-strang", part="contents"
    )
    scene["contents saved"] = await sandbox.submit_modal("admin", other, {"concepts": "svd"})  # with Edit contents
    assert scene["queue"].buttons and scene["approved"].buttons and scene["import"].buttons
    assert scene["add form"].modal is not None and scene["edit form"].modal is not None
    assert scene["contents form"].modal is not None and scene["contents saved"].buttons
    return scene


@pytest.mark.parametrize("member", ["alice", "mod"], ids=["member", "role-not-configured"])
async def test_a_member_is_refused_every_moderator_command_button_and_form(pillars: Sandbox, member: str) -> None:
    scene = await moderator_scene(pillars)
    before = dump_database(database_path(pillars))

    for path, options in MODERATOR_COMMANDS:
        words = MANAGERS_ONLY if path == "catalog settings" else MODERATOR_ONLY
        refused(await pillars.command(member, path, **options), words)
    suggestion = scene["queue"].buttons[0].label or ""
    for reply, button in [
        (scene["queue"], suggestion),
        (scene["queue"], suggestion.replace("Approve", "Reject")),
        (scene["queue"], "Resolved #3"),
        (scene["queue"], "Dismiss #3"),
        (scene["approved"], "Add it to the catalog"),
        (scene["import"], "Confirm import"),
        (scene["import"], "Cancel"),
        (scene["contents saved"], "Edit contents"),
    ]:
        refused(await pillars.click(member, reply, button), MODERATOR_ONLY)
    form = {"title": "Spam", "url": "https://spam.example/", "authors": "Spammer", "facts": "probability · book",
            "text": "Spam.\n\nBuy it."}  # fmt: skip
    refused(await pillars.submit_modal(member, scene["add form"], form), MODERATOR_ONLY)
    refused(await pillars.submit_modal(member, scene["edit form"], {"title": "Defaced"}), MODERATOR_ONLY)
    refused(await pillars.submit_modal(member, scene["contents form"], {"sections": "1 · Defaced"}), MODERATOR_ONLY)
    assert await pillars.autocomplete(member, "catalog restore", focused="resource", value="") == []

    assert dump_database(database_path(pillars)) == before
    assert "Import done" in (await pillars.click("admin", scene["import"], "Confirm import")).content  # untouched


async def test_another_moderator_cannot_confirm_someone_elses_import(pillars: Sandbox) -> None:
    checked = await pillars.command("admin", "catalog import", file=("mine.yaml", IMPORT_YAML))
    before = dump_database(database_path(pillars))

    for someone_else in ("owner", "alice"):
        for button in ("Confirm import", "Cancel"):
            reply = await pillars.click(someone_else, checked, button)
            assert reply.ephemeral and ("who started this import" in reply.content or MODERATOR_ONLY in reply.content)
            assert reply_problems(reply) == []

    assert dump_database(database_path(pillars)) == before
    assert "Import done" in (await pillars.click("admin", checked, "Confirm import")).content


async def test_a_member_cannot_read_anothers_notes_or_export(pillars: Sandbox) -> None:
    secret = "alice-private-note-7f3a"
    logged = await pillars.command("alice", "progress log", resource=LADR, status="reading", position=3, note=secret)
    assert logged.content.startswith("Logged.")
    alice_id = str(pillars.world.user("alice").id)

    looked = await pillars.command("bob", "progress show", member="alice")
    assert "Linear Algebra Done Right" in looked.text  # the shelf is visible, the note is not
    assert secret not in looked.text
    for path in ("progress history", "progress stats", "progress show", "mydata export"):
        reply = await pillars.command("bob", path)
        everything = reply.text + "".join(data.decode("utf-8", "replace") for data in reply.files.values())
        assert secret not in everything and alice_id not in everything, path
    own = await pillars.command("alice", "mydata export")
    assert secret in "".join(data.decode() for data in own.files.values())


async def test_a_member_cannot_confirm_anothers_data_deletion(pillars: Sandbox) -> None:
    await pillars.command("alice", "progress log", resource=LADR, status="reading", position=3, note="mine")
    asked = await pillars.command("alice", "mydata delete")
    before = dump_database(database_path(pillars))

    for button in ("Delete my data", "Keep my data"):
        reply = await pillars.click("bob", asked, button)
        assert reply.ephemeral and reply.content == NOT_YOURS

    assert dump_database(database_path(pillars)) == before
    assert pillars.emulator.messages[asked.message_id or 0]["components"]  # alice's question still stands
    done = await pillars.click("alice", asked, "Delete my data")
    assert done.content.startswith("🗑️ Done")


def public_messages(sandbox: Sandbox) -> list[dict]:
    """Every message the bot posted where the whole channel sees it."""
    bot_id = str(sandbox.world.bot_user.id)
    return [m for m in sandbox.emulator.messages.values() if m["author"]["id"] == bot_id and not int(m["flags"]) & 64]


async def test_share_and_more_on_someone_elses_private_picks_are_refused(pillars: Sandbox) -> None:
    picks = await pillars.command("alice", "recommend", topic="linear algebra", background="software engineer")
    assert picks.ephemeral and picks.button("More picks") and picks.button("Share")
    shown = dict(pillars.emulator.messages[picks.message_id or 0])

    for button in ("Share", "More picks"):
        reply = await pillars.click("bob", picks, button)
        assert reply.kind == "message" and reply.ephemeral, (button, reply)
        assert "someone else's" in reply.content and reply_problems(reply) == []

    assert public_messages(pillars) == []  # nothing of alice's was published
    assert pillars.emulator.messages[picks.message_id or 0] == shown  # and her answer is as she left it
    more = await pillars.click("alice", picks, "More picks")
    assert more.kind == "update" and more.embeds[0]["footer"]["text"].startswith("4–")
    shared = await pillars.click("alice", more, "Share")
    assert shared.content.startswith("📣 Shared picks 4–6") and len(public_messages(pillars)) == 1


async def test_more_on_a_public_answer_is_for_anyone_and_answers_them_privately(pillars: Sandbox) -> None:
    public = await pillars.message_command(
        "alice", "Recommend resources", message_text="linear algebra for a software engineer", author="carol"
    )
    assert not public.ephemeral and public.button("More picks")

    more = await pillars.click("bob", public, "More picks")
    assert more.kind == "message" and more.ephemeral and more.embeds  # bob's own private next page
    assert not any(button.label == "Share" for button in more.buttons)  # not his picks to publish


async def test_the_write_cooldown_holds_under_a_burst_of_a_thousand_commands(make_pillars: MakePillars) -> None:
    rate, period = 5, 60.0
    async with make_pillars(write_cooldown_rate=rate, write_cooldown_seconds=period) as pillars:
        emulator = pillars.emulator
        # The burst is about counting, not latency: give the bot time to answer a thousand at once.
        emulator.interaction_deadline = 120.0
        alice = pillars.world.user("alice")
        records = []
        for number in range(1000):
            options = {"resource": LADR, "position": number % 390}
            data = pillars.command_payload("progress log", options)
            records.append(emulator.new_interaction(kind=2, user=alice, data=data))
        for wave in range(0, 1000, 100):
            for record in records[wave : wave + 100]:
                await emulator.send_interaction(record)
            if wave == 500:  # the bot keeps answering others in the middle of the burst
                other = await pillars.command("bob", "progress log", resource=LADR, status="reading")
                assert other.content.startswith("Logged.")
        await emulator.wait_until(lambda: all(r.answered for r in records), 60, "every burst command answered")

        answers = [emulator.messages[r.original_message_id or 0]["content"] for r in records]
        accepted = [text for text in answers if text.startswith("Logged.")]
        refusals = [text for text in answers if not text.startswith("Logged.")]
        assert len(accepted) == rate
        waits = [re.fullmatch(r"You're going a little fast\. Try again in (\d+) s\.", text) for text in refusals]
        assert all(waits), {text for text, wait in zip(refusals, waits, strict=True) if not wait}
        assert all(1 <= int(wait[1]) <= period for wait in waits if wait)
        history = await pillars.bot.store.history(alice.id, limit=10_000)
        assert len(history) == rate
        assert all(int(message.get("flags") or 0) & 64 for message in emulator.messages.values()
                   if message["content"].startswith("You're going"))  # fmt: skip
        picks = await pillars.command("alice", "recommend", topic="probability")  # reads are not limited
        assert picks.embeds
        assert "Try again in" in (await pillars.click("alice", picks, picks.buttons[0].label or "")).content  # a write
        assert emulator_problems(pillars) == []
