"""Members learn from each other's reading, end to end: ratings, reviews, outcomes and pace, privacy first.

The production bot and the real discord.py client, through the emulator. Three members behind a figure make
it show; one of them opting out, or leaving, makes it go, in `/resource info`, `/recommend` and the export.
"""

from __future__ import annotations

import json

from bot.sandbox.harness import Reply
from tests.conftest import PillarsSandbox
from tests.factories import ESSENCE, LADR

DEEP = "deep-learning-goodfellow"
READERS = ("alice", "bob", "carol")


async def finish(pillars: PillarsSandbox, member: str, resource: str = LADR) -> Reply:
    """The member logs the resource finished; the reply under which the rating buttons are."""
    reply = await pillars.command(member, "progress log", resource=resource, status="finished")
    assert reply.content.startswith("Logged."), reply.content
    return reply


def field(reply: Reply, name: str) -> str:
    """The value of the embed field with this name ('' when there is none)."""
    return next((f["value"] for e in reply.embeds for f in e.get("fields") or [] if f["name"] == name), "")


async def exported(pillars: PillarsSandbox, member: str) -> dict:
    """The member's /mydata export, read."""
    reply = await pillars.command(member, "mydata export")
    [(_, data)] = reply.files.items()
    return json.loads(data)


async def test_finishing_offers_a_rating_then_a_review_form_and_both_can_change(pillars: PillarsSandbox) -> None:
    finished = await finish(pillars, "alice")
    assert "Rate it for the others" in finished.content
    assert [b.label for b in finished.buttons] == ["1", "2", "3", "4", "5", "Write a review"]

    rated = await pillars.click("alice", finished, "4")
    assert rated.kind == "update" and "You rated **Linear Algebra Done Right (4th edition)** 4/5" in rated.content

    form = await pillars.click("alice", rated, "Write a review")
    assert form.kind == "modal" and form.modal is not None
    assert {i.custom_id: i.value for i in form.modal.inputs}["rating"] == "4"  # filled with what they gave
    saved = await pillars.submit_modal(
        "alice", form, {"rating": "5", "review": "Proofs first, kindly.", "named": "yes"}
    )
    assert saved.ephemeral and "5/5" in saved.content and "signed with your name" in saved.content

    again = await pillars.command("alice", "progress rate", resource=LADR, rating=3)
    assert "3/5" in again.content and "signed with your name" in again.content  # the review stays
    assert (await exported(pillars, "alice"))["ratings"][0] | {"rated_at": None, "updated_at": None} == {
        "resource_id": LADR,
        "guild_id": pillars.world.guild_id,
        "rating": 3,
        "review": "Proofs first, kindly.",
        "named": True,
        "rated_at": None,
        "updated_at": None,
    }


async def test_resource_info_shows_figures_only_once_three_members_stand_behind_them(pillars: PillarsSandbox) -> None:
    for member in READERS[:2]:
        await finish(pillars, member)
    two = await pillars.command("mod", "resource info", resource=LADR)
    assert "Not enough members have read it yet" in field(two, "Members here")
    assert "finished" not in field(two, "Members here")

    await finish(pillars, "carol")
    three = await pillars.command("mod", "resource info", resource=LADR)
    assert "📖 3 started · 3 finished (100%)" in field(three, "Members here")
    assert "under a day from start to finish" in field(three, "Members here")

    left_out = await pillars.command("carol", "progress privacy", figures="leave me out")
    assert left_out.ephemeral and "You are left out" in left_out.content
    after = await pillars.command("mod", "resource info", resource=LADR)
    assert "Not enough members have read it yet" in field(after, "Members here")

    await pillars.command("carol", "progress privacy", figures="count me in")
    assert "3 finished" in field(await pillars.command("mod", "resource info", resource=LADR), "Members here")


async def test_reviews_show_escaped_and_named_only_when_the_member_chose(pillars: PillarsSandbox) -> None:
    await finish(pillars, "alice")
    await finish(pillars, "bob")
    await pillars.command(
        "alice", "progress rate", resource=LADR, rating=5, review="**Bold** claim @everyone", named=True
    )
    await pillars.command("bob", "progress rate", resource=LADR, rating=2, review="Too terse for me.")

    card = await pillars.command("carol", "resource info", resource=LADR)

    reviews = field(card, "Latest reviews")
    alice = pillars.world.user("alice").name.title()  # the name Discord shows for her
    assert "★★☆☆☆ “Too terse for me.” — a member" in reviews
    assert f"★★★★★ “\\*\\*Bold\\*\\* claim \\@everyone” — {alice}" in reviews
    assert card.allowed_mentions in (None, {"parse": []})

    await pillars.command("alice", "progress privacy", figures="leave me out")
    assert "Bold" not in field(await pillars.command("carol", "resource info", resource=LADR), "Latest reviews")


async def test_recommend_says_what_members_show_and_stops_when_one_opts_out(pillars: PillarsSandbox) -> None:
    for member in READERS:
        await finish(pillars, member)
        await pillars.command(member, "progress rate", resource=LADR, rating=5)
        await pillars.command(member, "progress log", resource=DEEP, status="reading")
    await finish(pillars, "mod", ESSENCE)

    asked = await pillars.command("mod", "recommend", query="linear algebra done right")
    assert "finished by 3 members here · 5.0/5" in asked.text

    await finish(pillars, "admin")  # admin finished LADR too: what the three went on to is for them
    went_on = await pillars.command("admin", "recommend", query="deep learning book goodfellow")
    assert "members who finished Linear Algebra Done Right (4th edition) went on to this" in went_on.text

    await pillars.command("bob", "progress privacy", figures="leave me out")
    again = await pillars.command("mod", "recommend", query="linear algebra done right")
    assert "finished by 3 members here" in again.text  # alice, carol and admin
    assert "5.0/5" not in again.text  # two ratings left: not shown
    assert (
        "went on to this"
        not in (await pillars.command("admin", "recommend", query="deep learning book goodfellow")).text
    )


async def test_the_export_says_whether_the_member_counts_and_deletion_takes_them_out(pillars: PillarsSandbox) -> None:
    for member in READERS:
        await finish(pillars, member)
    assert (await exported(pillars, "alice"))["community"]["in_community_figures"] is True
    await pillars.command("alice", "progress privacy", figures="leave me out")
    assert (await exported(pillars, "alice"))["community"]["in_community_figures"] is False

    await pillars.command("alice", "progress privacy", figures="count me in")
    confirm = await pillars.command("bob", "mydata delete")
    await pillars.click("bob", confirm, "Delete my data")

    assert (await exported(pillars, "bob"))["ratings"] == []
    assert "Not enough members" in field(await pillars.command("mod", "resource info", resource=LADR), "Members here")


async def test_dropping_offers_reasons_listed_or_in_the_members_own_words(pillars: PillarsSandbox) -> None:
    dropped = await pillars.command("alice", "progress log", resource=LADR, status="dropped", position=120)
    assert "What made you stop?" in dropped.content
    assert [b.label for b in dropped.buttons] == ["Too hard", "Too slow", "Not what I needed", "Another reason…"]
    noted = await pillars.click("alice", dropped, "Too hard")
    assert noted.kind == "update" and "too hard" in noted.content and not noted.buttons

    other = await pillars.command("bob", "progress log", resource=LADR, status="dropped", position=90)
    form = await pillars.click("bob", other, "Another reason…")
    thanks = await pillars.submit_modal("bob", form, {"reason": "Moved house"})
    assert thanks.ephemeral and "stays yours" in thanks.content

    typed = await pillars.command(
        "carol", "progress log", resource=LADR, status="dropped", position=150, reason="too hard"
    )
    assert "What made you stop?" not in typed.content  # a reason given needs no asking
    choices = await pillars.autocomplete("carol", "progress log", focused="reason", value="too", resource=LADR)
    assert ("too hard", "too hard") in choices and ("too slow", "too slow") in choices

    reasons = [(r["reason"], r["detail"]) for r in (await exported(pillars, "bob"))["drop_reasons"]]
    assert reasons == [("other", "Moved house")]
    card = field(await pillars.command("mod", "resource info", resource=LADR), "Members here")
    assert "3 dropped" in card and "around page 120" in card and "Moved house" not in card


async def test_a_review_form_opened_before_a_restart_is_still_answered(pillars: PillarsSandbox) -> None:
    finished = await finish(pillars, "alice")
    form = await pillars.click("alice", finished, "Write a review")
    await pillars.restart()

    saved = await pillars.submit_modal("alice", form, {"rating": "4", "review": "Worth it."})

    assert "4/5" in saved.content
    assert (await exported(pillars, "alice"))["ratings"][0]["review"] == "Worth it."


async def test_the_leaderboard_has_periods(pillars: PillarsSandbox) -> None:
    await finish(pillars, "alice")
    for period, title in (("this week", "this week"), ("this month", "this month"), ("all time", "all time")):
        board = await pillars.command("bob", "leaderboard", period=period)
        assert board.embeds[0]["title"].endswith(f"· {title}")
        assert "1 finished" in board.text
    await pillars.command("alice", "progress privacy", figures="leave me out")
    assert "1 finished" not in (await pillars.command("bob", "leaderboard")).text


async def test_a_member_left_out_is_not_announced_finishing(pillars: PillarsSandbox) -> None:
    await pillars.command("admin", "catalog settings", announce_channel="general")
    general = pillars.world.channel("general").id
    await pillars.command("alice", "progress privacy", figures="leave me out")
    await finish(pillars, "alice")
    await finish(pillars, "bob")
    posted = [m["content"] for m in pillars.emulator.messages.values() if int(m["channel_id"]) == general]
    assert len(posted) == 1 and "Bob finished" in posted[0]


async def test_picks_paths_and_stats_say_how_long_at_the_members_pace(pillars: PillarsSandbox) -> None:
    stats = await pillars.command("alice", "progress stats")
    assert "estimates use a usual pace" in field(stats, "📏 Pace")

    picks = await pillars.command("alice", "recommend", topic="linear algebra")
    assert "at a usual pace (" in picks.text
    path = await pillars.command("alice", "path", to="linear algebra")
    assert "at a usual pace" in field(path, "⏱ What is left")
