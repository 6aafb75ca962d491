"""A recommendation slow to compute is acknowledged first ("thinking…"), then completed in the same answer.

Discord forgets an interaction not acknowledged within 3 seconds. Ranking a prepared catalog takes
milliseconds, so an answer is one response; after a moderator's change at 10,000 resources the server's
catalog is read and prepared again, and under a burst that took longer than the deadline (see
tests/reliability/test_reload_pileup.py, which runs that for real). Here the wait for the catalog to be
prepared is made longer than `ACKNOWLEDGE_AFTER`, so every answer takes the slow path, through the production
bot and the emulator.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.interactions import answers
from tests.conftest import PillarsSandbox
from tests.e2e.test_member_commands import followups_of
from tests.e2e.test_paging_and_sharing import footer


def make_slow(pillars: PillarsSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on every recommendation waits longer for its catalog than `in_time` lets it run unacknowledged."""
    preparations = pillars.bot.preparations
    ready = preparations.ready

    async def slow_ready(*args: Any) -> None:
        await asyncio.sleep(0.3)
        await ready(*args)

    monkeypatch.setattr(answers, "ACKNOWLEDGE_AFTER", 0.05)
    monkeypatch.setattr(preparations, "ready", slow_ready)


@pytest.fixture
def slow(pillars: PillarsSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every recommendation is slow (see `make_slow`)."""
    make_slow(pillars, monkeypatch)


async def test_a_quick_recommendation_is_one_response(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", topic="linear algebra")

    assert not reply.deferred and reply.ephemeral and reply.embeds


async def test_a_slow_recommendation_thinks_first_then_gives_the_same_private_picks(
    pillars: PillarsSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick = await pillars.command("alice", "recommend", topic="linear algebra", query="gentle, for a developer")
    make_slow(pillars, monkeypatch)

    slow = await pillars.command("alice", "recommend", topic="linear algebra", query="gentle, for a developer")

    assert slow.deferred and slow.ephemeral
    assert slow.embeds[0]["fields"] == quick.embeds[0]["fields"]
    assert slow.embeds[0]["description"] == quick.embeds[0]["description"]
    assert [b.label for b in slow.buttons] == [b.label for b in quick.buttons]
    assert slow.allowed_mentions == {"parse": []}


async def test_a_slow_question_naming_nothing_still_says_so_privately(pillars: PillarsSandbox, slow: None) -> None:
    reply = await pillars.command("alice", "recommend", query="zzzqqq xxyyzz")

    assert reply.deferred and reply.ephemeral and not reply.embeds
    assert reply.content  # the waiting answer became the sentence, not "The application did not respond"


async def test_slow_pages_are_edited_in_place_and_shared(pillars: PillarsSandbox, slow: None) -> None:
    first = await pillars.command("alice", "recommend", topic="linear algebra")

    second = await pillars.click("alice", first, "More picks")
    shared = await pillars.click("alice", second, "Share")

    assert second.kind == "update" and second.deferred and footer(second) == "4–6 of 18"
    assert second.message_id == first.message_id  # the same private answer, turned to its next page
    assert shared.deferred and "Shared picks 4–6 of 18 in the channel" in shared.content
    public = (shared.followups or await followups_of(pillars, shared))[0]
    assert not public.ephemeral and footer(public) == "4–6 of 18"


async def test_a_slow_message_command_answers_the_channel(pillars: PillarsSandbox, slow: None) -> None:
    reply = await pillars.message_command(
        "alice", "Recommend resources", message_text="any free book on linear algebra for a programmer?"
    )

    assert reply.deferred and not reply.ephemeral and not reply.deleted
    assert "Bob's question" in reply.embeds[0]["title"]
    assert reply.content.startswith("Re: ") and reply.allowed_mentions == {"parse": []}


async def test_a_slow_message_command_naming_nothing_takes_back_the_channels_thinking(
    pillars: PillarsSandbox, slow: None
) -> None:
    reply = await pillars.message_command("alice", "Recommend resources", message_text="lunch at noon, anyone?")

    assert reply.deferred and not reply.ephemeral
    assert reply.deleted  # the channel saw "thinking…"; it is gone
    private = (reply.followups or await followups_of(pillars, reply))[0]
    assert private.ephemeral and private.content and not private.embeds
