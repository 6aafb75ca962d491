"""Knowing the material end to end: /path over concepts, sections in /resource info and /progress.

The production bot and the curated catalog in data/, through the local Discord emulator.
"""

from __future__ import annotations

import re

from bot.sandbox.harness import Reply
from bot.ui.path_card import LEGEND
from tests.conftest import PillarsSandbox
from tests.factories import ESSENCE

SVD = "concept:singular-value-decomposition"


def step_lines(reply: Reply) -> list[str]:
    """The numbered step lines of a /path page."""
    return [line for line in reply.embeds[0]["description"].splitlines() if re.match(r"\d+\. ", line)]


def marks_used(reply: Reply) -> set[str]:
    """The marks the steps of a /path page carry."""
    return {mark for line in step_lines(reply) for mark in LEGEND if mark in line}


async def test_path_autocompletes_concepts_by_their_abbreviations_and_topics_by_name(pillars: PillarsSandbox) -> None:
    choices = await pillars.autocomplete("alice", "path", focused="to", value="svd")
    assert choices[0] == ("svd → singular value decomposition · linear algebra", SVD)
    topics = await pillars.autocomplete("alice", "path", focused="to", value="prob")
    assert ("prob → probability · topic", "topic:probability") in topics
    assert len(topics) <= 25 and all(len(name) <= 100 for name, _ in topics)


async def test_path_to_a_concept_marks_what_the_member_studied_and_says_what_comes_next(
    pillars: PillarsSandbox,
) -> None:
    await pillars.command("alice", "progress log", resource=ESSENCE, status="finished")
    reply = await pillars.command("alice", "path", to="SVD")  # typed, not picked from the list
    assert reply.ephemeral
    embed = reply.embeds[0]
    assert embed["title"] == "Learning path: singular value decomposition"
    lines = step_lines(reply)
    # Essence of Linear Algebra taught the first steps: done, and nowhere to send her for them.
    assert lines[0] == "1. ✅ **vectors** 🧱"
    assert "Essence of Linear Algebra" not in "\n".join(lines)
    assert lines[-1].startswith("15. ▫️ **singular value decomposition** — [18.06SC Linear Algebra")
    assert "lecture 29 · Singular Value Decomposition" in lines[-1]
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert "principal component analysis (also needs covariance and correlation)" in fields["Next, it opens up"]
    assert "done" in embed["footer"]["text"]


async def test_the_legend_names_every_mark_the_page_uses(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "progress log", resource="seeing-theory", status="finished")
    await pillars.command("alice", "progress log", resource="introduction-to-probability-blitzstein", status="reading")
    await pillars.command("alice", "progress log", resource="essence-of-calculus", status="want-to-read")
    reply = await pillars.command("alice", "path", to="topic:probability")
    while any(b.label == "◀ Earlier steps" for b in reply.buttons):
        reply = await pillars.click("alice", reply, "◀ Earlier steps")
    used: set[str] = set()
    for _ in range(10):
        footer = reply.embeds[0]["footer"]["text"]
        for mark in marks_used(reply):
            assert f"{mark} {LEGEND[mark]}" in footer, (mark, footer)
        used |= marks_used(reply)
        if not any(b.label == "Later steps ▶" for b in reply.buttons):
            break
        reply = await pillars.click("alice", reply, "Later steps ▶")
    assert {"✅", "📖", "🔖", "▫️", "🧱"} <= used


async def test_path_pages_through_a_long_topic_and_opens_where_the_member_is(pillars: PillarsSandbox) -> None:
    first = await pillars.command("bob", "path", to="machine learning")
    assert first.embeds[0]["title"] == "Learning path: machine learning"
    assert first.embeds[0]["footer"]["text"].startswith("Page 1 of ")
    assert step_lines(first)[0].startswith("1. ")
    assert [b.label for b in first.buttons][0] == "Later steps ▶"
    second = await pillars.click("bob", first, "Later steps ▶")
    assert second.kind == "update" and second.embeds[0]["footer"]["text"].startswith("Page 2 of ")
    assert step_lines(second)[0].startswith(f"{len(step_lines(first)) + 1}. ")
    back = await pillars.click("bob", second, "◀ Earlier steps")
    assert step_lines(back) == step_lines(first)


async def test_start_reading_the_next_step_puts_it_on_the_shelf_and_the_path_shows_it(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("carol", "path", to="linear algebra")
    start = reply.button("Start reading: Essence of Linear Algebra")
    await pillars.click("carol", reply, start.custom_id)
    again = await pillars.command("carol", "path", to="linear algebra")
    assert step_lines(again)[0].startswith("1. 📖 **vectors** — [Essence of Linear Algebra]")
    assert not [b for b in again.buttons if (b.label or "").startswith("Start reading")]


async def test_path_to_something_unknown_says_what_is_close_and_changes_nothing(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "path", to="singualr")
    assert reply.ephemeral and not reply.embeds
    assert "I know no topic or concept called 'singualr'" in reply.content
    assert "did you mean 'singular value decomposition'" in reply.content


async def test_the_linear_algebra_path_stays_in_linear_algebra(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "path", to="linear algebra")
    text = reply.text
    assert "Introduction to Probability" not in text and "18.02" not in text
    assert step_lines(reply)[0].startswith("1. ▫️ **vectors** — [Essence of Linear Algebra]")
