"""Disguised links: what members and moderators type is shown as typed, never as markdown Discord renders.

A display name, a moderator-typed title, author or summary, a member's note or suggestion, each written as
`[Free Nitro](https://evil.example/…)`, would render as a masked link in the announce channel, the public
`/leaderboard`, shared picks and the moderators' queue. Here one member's display name and every text a
moderator or member can type is such a link; the scene goes through every command, button and form that
shows them, and then every message the bot sent is read as Discord renders markdown: none may hold a masked
link to evil.example. (The bot's own masked links, the learning path's places to study, still render.)
"""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.harness import Reply
from bot.sandbox.world import build_world
from tests.conftest import PillarsSandbox
from tests.reliability.conftest import MakePillars
from tests.reliability.support import new_resource_form, rendered_masked_links, reply_problems

NITRO = "[Free Nitro](https://evil.example/{})"
NAME = NITRO.format("name")


def hostile(where: str) -> str:
    """A masked link to evil.example, as someone would type it into `where`."""
    return NITRO.format(where)


async def hostile_scene(sandbox: PillarsSandbox) -> list[Reply]:
    """Every command, button and form that shows a name, a title, an author, a note or a suggestion."""
    replies: list[Reply] = []

    async def run(reply: Reply) -> Reply:
        assert reply_problems(reply, typed=[NAME]) == [], reply
        replies.append(reply)
        return reply

    await run(await sandbox.command("admin", "catalog settings", announce_channel="general"))
    form = await run(await sandbox.command("admin", "catalog add"))
    typed = new_resource_form(
        f"{hostile('title')} **now**",
        url="https://example.org/notes-on-linear-maps",
        authors=hostile("author"),
        text=f"{hostile('summary')}\n\n# {hostile('why')}",
    )
    added = await run(await sandbox.submit_modal("admin", form, typed))
    [resource_id] = re.findall(r"\(`([a-z0-9-]+)`\)", added.content)

    await run(await sandbox.command("carol", "progress log", resource=resource_id, status="reading", note=hostile("n")))
    finished = await run(await sandbox.command("carol", "progress log", resource=resource_id, status="finished"))
    review = await run(await sandbox.click("carol", finished, "Write a review"))
    typed_review = {"rating": "5", "review": hostile("review"), "named": "yes"}
    await run(await sandbox.submit_modal("carol", review, typed_review))
    await run(await sandbox.command("carol", "progress show"))
    await run(await sandbox.command("carol", "progress history"))
    await run(await sandbox.command("alice", "progress show", member="carol"))
    await run(await sandbox.command("alice", "leaderboard"))
    await run(await sandbox.command("alice", "resource info", resource=resource_id))
    await run(await sandbox.command("alice", "resource search", query="Free Nitro"))
    await run(await sandbox.command("alice", "resource search", query=hostile("search")))
    await run(await sandbox.command("alice", "path", to="linear algebra"))
    card = await run(await sandbox.command("bob", "resource info", resource=resource_id))
    await run(await sandbox.click("bob", card, card.buttons[0].custom_id or ""))  # Start reading

    picks = await run(await sandbox.command("carol", "recommend", topic="linear algebra"))
    await run(await sandbox.click("carol", picks, "Share"))
    await run(await sandbox.command("alice", "recommend", topic="linear algebra", **{"for": "carol"}))
    await run(
        await sandbox.message_command("alice", "Recommend resources", message_text="linear algebra", author="carol")
    )

    await run(
        await sandbox.command(
            "carol", "suggest", title=hostile("suggestion"), url="https://example.org/x", note=hostile("why")
        )
    )
    queue = await run(await sandbox.command("admin", "catalog suggestions"))
    approved = await run(await sandbox.click("admin", queue, queue.buttons[0].label or ""))
    replies.extend(approved.followups)
    card = await run(await sandbox.command("carol", "resource info", resource=resource_id))
    asked = await run(await sandbox.click("carol", card, "Report a problem"))
    form = await run(await sandbox.click("carol", asked, "A fact is wrong"))
    await run(await sandbox.submit_modal("carol", form, {"note": hostile("report")}))
    await run(await sandbox.command("admin", "catalog suggestions"))

    edit = await run(await sandbox.command("admin", "catalog edit", resource=resource_id))
    await run(await sandbox.submit_modal("admin", edit, {"authors": f"{hostile('author')}, {hostile('second')}"}))
    await run(await sandbox.command("admin", "catalog retire", resource=resource_id))
    await run(await sandbox.command("admin", "catalog restore", resource=resource_id))
    await run(await sandbox.command("admin", "catalog log"))
    return replies


def renderable(message: dict[str, Any]) -> list[str]:
    """The parts of a stored message where Discord renders markdown: content, embed titles, text and fields."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{field.get('name')}\n{field.get('value')}" for field in embed.get("fields") or []]
    return parts


async def test_no_message_the_bot_sends_renders_what_someone_typed_as_a_masked_link(make_pillars: MakePillars) -> None:
    world = build_world()
    world.user("carol").display_name = NAME
    async with make_pillars(write_cooldown_rate=100_000, sandbox_options={"world": world}) as sandbox:
        replies = await hostile_scene(sandbox)
        announced = [
            m for m in sandbox.emulator.messages.values() if m["channel_id"] == str(world.channel("general").id)
        ]
        bot_id = str(world.bot_user.id)
        sent = [m for m in sandbox.emulator.messages.values() if m["author"]["id"] == bot_id]

    assert announced and "finished" in announced[0]["content"]  # the public announcement was made
    shown = "\n".join(reply.text for reply in replies)
    for seen in ("Free Nitro", "https://evil.example/name", "https://evil.example/title", "https://evil.example/n"):
        assert seen in shown  # shown as typed, not hidden
    disguised = [
        (message["id"], link)
        for message in sent
        for part in renderable(message)
        for link in rendered_masked_links(part)
        if "evil.example" in link
    ]
    assert disguised == []
    own_links = [link for m in sent for part in renderable(m) for link in rendered_masked_links(part)]
    assert own_links  # the bot's own masked links (the path's places to study) still render
