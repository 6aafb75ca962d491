"""A page of picks as a member pages through it and shares it: buttons that fit what the member is doing.

Through the production bot and the emulator.
"""

from __future__ import annotations

from bot.sandbox.harness import Reply
from tests.conftest import PillarsSandbox
from tests.e2e.test_member_commands import followups_of
from tests.factories import LADR

LADR_TITLE = "Linear Algebra Done Right (4th edition)"


def start_labels(reply: Reply) -> list[str]:
    """The Start reading buttons of a message, by label."""
    return [b.label or "" for b in reply.buttons if (b.label or "").startswith("Start reading")]


def footer(reply: Reply) -> str:
    """Which picks the page shows ('4–6 of 18')."""
    return reply.embeds[0]["footer"]["text"]


async def test_start_reading_is_not_offered_on_a_resource_the_member_is_reading(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "progress log", resource=LADR, position=40)

    picks = await pillars.command("alice", "recommend", topic="linear algebra")
    card = await pillars.command("alice", "resource info", resource=LADR)

    assert picks.embeds[0]["fields"][0]["name"] == f"1. {LADR_TITLE}"  # continue: they are reading it
    assert f"Start reading: {LADR_TITLE}" not in start_labels(picks)
    assert len(start_labels(picks)) == 2  # the other two picks still have theirs
    assert "Details" in [b.label for b in picks.buttons]
    assert start_labels(card) == []
    bobs = await pillars.command("bob", "recommend", topic="linear algebra")
    assert len(start_labels(bobs)) == 3  # bob is reading none of them


async def test_previous_goes_back_a_page_and_the_first_page_has_none(pillars: PillarsSandbox) -> None:
    first = await pillars.command("alice", "recommend", topic="linear algebra")
    second = await pillars.click("alice", first, "More picks")

    back = await pillars.click("alice", second, "Previous picks")

    assert "Previous picks" not in [b.label for b in first.buttons]
    assert (footer(first), footer(second), footer(back)) == ("1–3 of 18", "4–6 of 18", "1–3 of 18")
    assert back.kind == "update" and back.embeds[0]["fields"] == first.embeds[0]["fields"]


async def test_sharing_a_later_page_says_which_picks_and_keeps_the_private_pages(pillars: PillarsSandbox) -> None:
    first = await pillars.command("alice", "recommend", topic="linear algebra")
    second = await pillars.click("alice", first, "More picks")

    shared = await pillars.click("alice", second, "Share")

    assert "Shared picks 4–6 of 18 in the channel" in shared.content, shared.content
    assert footer(shared) == "4–6 of 18"  # the private answer keeps its page…
    labels = [b.label for b in shared.buttons]
    assert "Previous picks" in labels and "More picks" in labels  # …and its way back and on
    public = (shared.followups or await followups_of(pillars, shared))[0]
    assert not public.ephemeral and footer(public) == "4–6 of 18"
    back = await pillars.click("alice", shared, "Previous picks")
    assert footer(back) == "1–3 of 18"
