"""Members use Pillars end to end: the production bot, through the local Discord emulator.

Each test starts the emulator and `bot.app.create_bot` on a fresh database with the curated catalog in
data/, then acts as the sandbox's members (alice, bob, carol) would.
"""

from __future__ import annotations

import asyncio
import json

from bot.sandbox.harness import Reply
from tests.conftest import PillarsSandbox
from tests.factories import ESSENCE, LADR

NO_PINGS = {"parse": []}


async def followups_of(sandbox: PillarsSandbox, reply: Reply) -> list[Reply]:
    """The follow-ups of an interaction, once they are in (a persistent button's task is not awaited)."""
    record = sandbox.emulator.interactions[reply.interaction_id or 0]
    for _ in range(100):
        if record.followup_ids:
            break
        await asyncio.sleep(0.02)
    return [sandbox.message(i) for i in record.followup_ids]


def within_limits(reply: Reply) -> None:
    """What the member sees fits Discord's limits and pings nobody."""
    assert len(reply.content) <= 2000
    assert sum(len(json.dumps(embed)) for embed in reply.embeds) < 20_000
    assert reply.allowed_mentions in (None, NO_PINGS)


# --- /recommend ---------------------------------------------------------------------------------------


async def test_recommend_by_topic_gives_private_picks_with_reasons_links_and_buttons(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", topic="linalg", background="software engineer")
    assert reply.ephemeral
    within_limits(reply)
    assert reply.embeds[0]["title"] == "Picks for you"
    assert "Why:" in reply.text and "https://" in reply.text
    labels = [button.label or "" for button in reply.buttons]
    assert any(label.startswith("Start reading") for label in labels)
    assert "Details" in labels and "More picks" in labels and "Share" in labels
    assert all(len(button.custom_id or "") <= 100 for button in reply.buttons)


async def test_topic_autocomplete_offers_labels_and_synonyms(pillars: PillarsSandbox) -> None:
    choices = await pillars.autocomplete("alice", "recommend", focused="topic", value="lin")
    assert ("linear algebra", "linear-algebra") in choices
    assert len(choices) <= 25 and all(len(name) <= 100 for name, _ in choices)
    everything = await pillars.autocomplete("alice", "recommend", focused="topic", value="")
    assert 0 < len(everything) <= 25


async def test_an_unknown_topic_gets_did_you_mean_not_everything(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", topic="algebrra")
    assert reply.ephemeral and not reply.embeds
    assert "I don't know the topic 'algebrra' (did you mean 'linear algebra'?)." in reply.content


async def test_free_text_that_names_nothing_gets_suggestions(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", query="something about quaternions")
    assert reply.ephemeral and not reply.embeds
    assert "Nothing in the catalog covers 'quaternions' yet." in reply.content
    assert "linear equations" not in reply.content  # no "did you mean" that only shares a suffix


async def test_free_text_is_understood(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", query="gentle probability for a developer, free")
    assert "probability" in reply.embeds[0]["description"]
    assert "free only" in reply.embeds[0]["description"]


async def test_start_reading_puts_the_pick_on_the_pressers_shelf(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", topic="linear algebra")
    start = next(b for b in reply.buttons if (b.label or "").startswith("Start reading"))
    started = await pillars.click("alice", reply, start.custom_id or "")
    assert started.ephemeral and "reading shelf" in started.content
    again = await pillars.click("alice", reply, start.custom_id or "")
    assert "already on your reading shelf" in again.content
    shelf = await pillars.command("alice", "progress show")
    assert "Reading" in shelf.text


async def test_start_reading_pressed_by_another_member_goes_on_their_own_shelf(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", topic="linear algebra")
    start = next(b for b in reply.buttons if (b.label or "").startswith("Start reading"))
    await pillars.click("bob", reply, start.custom_id or "")
    bobs = await pillars.command("bob", "progress show")
    alices = await pillars.command("alice", "progress show")
    assert "Reading" in bobs.text
    assert "Nothing on the shelf yet" in alices.text


async def test_more_pages_through_the_same_question(pillars: PillarsSandbox) -> None:
    first = await pillars.command("alice", "recommend", topic="linear algebra")
    second = await pillars.click("alice", first, "More picks")
    assert second.kind == "update"
    first_titles = {field["name"] for field in first.embeds[0]["fields"]}
    second_titles = {field["name"] for field in second.embeds[0]["fields"]}
    assert first_titles.isdisjoint(second_titles)
    assert second.embeds[0]["footer"]["text"].startswith("4–")


async def test_details_shows_the_resource_privately(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", topic="linear algebra")
    details = await pillars.click("bob", reply, "Details")
    assert details.ephemeral and details.embeds[0]["url"].startswith("https://")
    assert "Why it's here" in details.text


async def test_share_posts_the_picks_publicly_without_pinging(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", topic="probability")
    shared = await pillars.click("alice", reply, "Share")
    assert "Shared" in shared.content
    posts = shared.followups or await followups_of(pillars, shared)
    public = posts[0]
    assert not public.ephemeral
    assert "Shared by Alice" in public.content
    assert public.allowed_mentions == NO_PINGS
    assert "Share" not in [b.label for b in public.buttons]
    # Anyone in the channel can use the public buttons, for themselves.
    details = await pillars.click("carol", public, "Details")
    assert details.ephemeral


async def test_recommending_for_another_member_names_them_without_a_ping(pillars: PillarsSandbox) -> None:
    await pillars.command("bob", "progress log", resource=ESSENCE, status="reading")
    reply = await pillars.command("alice", "recommend", topic="linear algebra", **{"for": "bob"})
    assert reply.embeds[0]["title"] == "Picks for Bob"
    assert "they are reading it" in reply.text
    assert "<@" not in reply.text


async def test_the_message_command_answers_a_question_publicly(pillars: PillarsSandbox) -> None:
    reply = await pillars.message_command(
        "alice", "Recommend resources", message_text="any free book on linear algebra for a programmer?"
    )
    assert not reply.ephemeral
    assert reply.allowed_mentions == NO_PINGS
    assert "Bob's question" in reply.embeds[0]["title"]
    assert "<@" not in reply.content


async def test_the_message_command_on_a_message_naming_nothing_answers_only_the_asker(pillars: PillarsSandbox) -> None:
    reply = await pillars.message_command("alice", "Recommend resources", message_text="lunch at noon, anyone?")
    assert reply.ephemeral


# --- /resource (/path: test_paths_and_contents.py) ------------------------------------------------------


async def test_resource_info_autocompletes_titles_and_shows_everything(pillars: PillarsSandbox) -> None:
    choices = await pillars.autocomplete("alice", "resource info", focused="resource", value="linear algebra done")
    assert choices and choices[0][1] == LADR
    reply = await pillars.command("alice", "resource info", resource=LADR)
    assert reply.embeds[0]["title"].startswith("Linear Algebra Done Right")
    typed = await pillars.command("alice", "resource info", resource="Linear Algebra Done Right (4th edition)")
    assert typed.embeds[0]["title"] == reply.embeds[0]["title"]


async def test_resource_info_for_an_unknown_resource_says_so(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "resource info", resource="no-such-book")
    assert reply.ephemeral and not reply.embeds and reply.content


async def test_resource_search(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "resource search", query="linear algebra")
    assert reply.ephemeral and len(reply.embeds[0]["fields"]) >= 2
    nothing = await pillars.command("alice", "resource search", query="zzzqqq")
    assert "Nothing in the catalog matches" in nothing.content


# --- /progress, /leaderboard --------------------------------------------------------------------------


async def test_progress_log_show_history_and_stats(pillars: PillarsSandbox) -> None:
    logged = await pillars.command(
        "alice", "progress log", resource=LADR, status="reading", position=39, note="chapter 2 is hard"
    )
    assert logged.ephemeral and "10%" in logged.content
    shelf = await pillars.command("alice", "progress show")
    assert "▰" in shelf.text and "chapter 2 is hard" in shelf.text
    history = await pillars.command("alice", "progress history")
    assert "Linear Algebra Done Right" in history.text
    stats = await pillars.command("alice", "progress stats")
    assert "Reading" in stats.text and "Streak" in stats.text


async def test_another_members_shelf_hides_their_notes(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "progress log", resource=LADR, status="reading", note="secret note")
    reply = await pillars.command("bob", "progress show", member="alice")
    assert "Alice's shelf" in reply.text and "Linear Algebra Done Right" in reply.text
    assert "secret note" not in reply.text


async def test_progress_log_needs_something_to_record_and_refuses_a_position_past_the_end(
    pillars: PillarsSandbox,
) -> None:
    empty = await pillars.command("alice", "progress log", resource=LADR)
    assert "status, a position or a note" in empty.content
    past = await pillars.command("alice", "progress log", resource=LADR, position=99_999)
    assert past.ephemeral and past.content and not past.embeds


async def test_writes_are_rate_limited_per_member_and_say_when_to_retry(pillars: PillarsSandbox) -> None:
    rate = pillars.bot.settings.write_cooldown_rate
    for _ in range(rate):
        await pillars.command("alice", "progress log", resource=LADR, status="reading")
    refused = await pillars.command("alice", "progress log", resource=LADR, status="reading")
    assert "Try again in" in refused.content
    bob = await pillars.command("bob", "progress log", resource=LADR, status="reading")
    assert "Logged" in bob.content


async def test_leaderboard_ranks_by_name_without_pings(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "progress log", resource=LADR, status="finished")
    await pillars.command("bob", "progress log", resource=ESSENCE, status="reading")
    reply = await pillars.command("carol", "leaderboard")
    assert not reply.ephemeral and reply.allowed_mentions == NO_PINGS
    assert reply.text.index("Alice") < reply.text.index("Bob"), reply.text
    assert "<@" not in reply.text


# --- /mydata, /help -----------------------------------------------------------------------------------


async def test_mydata_export_is_a_private_json_file(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "progress log", resource=LADR, status="reading")
    reply = await pillars.command("alice", "mydata export")
    assert reply.ephemeral
    (name, body), *_ = reply.files.items()
    assert name.endswith(".json")
    assert LADR in body.decode()


async def test_mydata_delete_only_the_member_who_asked_can_confirm(pillars: PillarsSandbox) -> None:
    await pillars.command("alice", "progress log", resource=LADR, status="reading")
    ask = await pillars.command("alice", "mydata delete")
    assert ask.ephemeral
    refused = await pillars.click("bob", ask, "Delete my data")
    assert "belongs to someone else" in refused.content
    assert "Linear Algebra Done Right" in (await pillars.command("alice", "progress show")).text
    done = await pillars.click("alice", ask, "Delete my data")
    assert "gone" in done.content and not done.buttons
    assert "Nothing on the shelf yet" in (await pillars.command("alice", "progress show")).text


async def test_mydata_delete_can_be_cancelled(pillars: PillarsSandbox) -> None:
    ask = await pillars.command("alice", "mydata delete")
    kept = await pillars.click("alice", ask, "Keep my data")
    assert "Nothing was deleted" in kept.content


async def test_help_lists_every_member_command_with_examples(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "help")
    assert reply.ephemeral
    for name in ("/recommend", "/path", "/resource info", "/progress log", "/leaderboard", "/mydata delete"):
        assert name in reply.text
    assert "e.g. `/recommend" in reply.text


async def test_help_lists_the_moderator_commands_apart_each_with_an_example(pillars: PillarsSandbox) -> None:
    [embed] = (await pillars.command("alice", "help")).embeds
    everyone = "\n".join(f["value"] for f in embed["fields"] if f["name"].startswith("For everyone"))
    moderators = "\n".join(f["value"] for f in embed["fields"] if f["name"].startswith("For moderators"))
    assert "/catalog" not in everyone
    for name in ("add", "edit", "retire", "restore", "suggestions", "import", "export", "reload", "log", "settings"):
        assert f"`/catalog {name}`" in moderators and f"e.g. `/catalog {name}" in moderators


async def test_every_synced_description_is_within_limits(pillars: PillarsSandbox) -> None:
    def walk(options: list[dict]) -> None:
        for option in options:
            assert 1 <= len(option["description"]) <= 100
            walk(option.get("options") or [])

    commands = pillars.synced_commands
    assert {"recommend", "path", "resource", "progress", "leaderboard", "mydata", "help"} <= {
        c["name"] for c in commands
    }
    walk([command for command in commands if command.get("type", 1) == 1])  # context menus have no description


# --- restarts -----------------------------------------------------------------------------------------


async def test_buttons_keep_working_after_a_restart(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", topic="linear algebra")
    ask = await pillars.command("alice", "mydata delete")
    await pillars.restart()
    start = next(b for b in reply.buttons if (b.label or "").startswith("Start reading"))
    started = await pillars.click("alice", reply, start.custom_id or "")
    assert "reading shelf" in started.content
    refused = await pillars.click("bob", ask, "Delete my data")
    assert "belongs to someone else" in refused.content
    more = await pillars.click("alice", reply, "More picks")
    assert more.embeds[0]["footer"]["text"].startswith("4–")


# --- the announce channel ------------------------------------------------------------------------------


async def test_finishing_a_resource_is_announced_once_in_the_servers_announce_channel(pillars: PillarsSandbox) -> None:
    await pillars.command("admin", "catalog settings", announce_channel="general")
    general = pillars.world.channel("general").id

    def announcements() -> list[dict]:
        return [m for m in pillars.emulator.messages.values() if int(m["channel_id"]) == general]

    await pillars.command("alice", "progress log", resource=LADR, position=40)
    assert announcements() == []

    await pillars.command("alice", "progress log", resource=LADR, status="finished")
    await pillars.command("alice", "progress log", resource=LADR, note="what a book")
    await pillars.command("alice", "progress log", resource=LADR, status="finished")

    [posted] = announcements()
    assert "Alice finished **Linear Algebra Done Right" in posted["content"]
    assert pillars.emulator.allowed_mentions[int(posted["id"])] == NO_PINGS


async def test_a_typed_beginning_of_several_titles_is_asked_about_not_guessed(pillars: PillarsSandbox) -> None:
    ambiguous = await pillars.command("alice", "resource info", resource="Neural")
    assert ambiguous.ephemeral and "could be" in ambiguous.content
    assert (
        "Neural Networks: Zero to Hero" in ambiguous.content
        and "Neural Networks and Deep Learning" in ambiguous.content
    )
    single = await pillars.command("alice", "resource info", resource="Linear Algebra Done")
    assert single.embeds and single.embeds[0]["title"].startswith("Linear Algebra Done Right")
    refused = await pillars.command("admin", "catalog retire", resource="Neural")
    assert "could be" in refused.content
    assert "Neural Networks: Zero to Hero" in (await pillars.command("bob", "resource search", query="neural")).text


# --- questions in members' own words --------------------------------------------------------------------


async def test_more_picks_after_a_question_in_own_words_keep_answering_that_question(pillars: PillarsSandbox) -> None:
    first = await pillars.command("alice", "recommend", query="where do I learn the singular value decomposition?")
    assert "singular value decomposition" in first.embeds[0]["description"]
    await pillars.restart()  # the question is kept in the database, not in the button's 100 characters
    second = await pillars.click("alice", first, "More picks")
    assert second.embeds[0]["footer"]["text"].startswith("4–")
    assert "singular value decomposition" in second.embeds[0]["description"]
    why = " ".join(field["value"] for field in second.embeds[0]["fields"])
    assert "teaches singular value decomposition" in why


async def test_a_subject_the_catalog_does_not_cover_is_answered_honestly(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", query="quantum chromodynamics lectures")
    assert reply.ephemeral and not reply.embeds
    assert "Nothing in the catalog covers 'quantum chromodynamics' yet." in reply.content
    assert "/suggest" in reply.content


async def test_an_unknown_word_does_not_empty_an_answer_and_is_named_in_its_header(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "recommend", query="I'm a zoologist who wants to understand transformers")
    header = reply.embeds[0]["description"]
    assert "transformers" in header and "not in the catalog: zoologist" in header


async def test_the_message_command_reads_a_question_as_recommend_does(pillars: PillarsSandbox) -> None:
    text = "axler is too hard for me, anything easier on eigenvalues?"
    asked = await pillars.command("alice", "recommend", query=text)
    answered = await pillars.message_command("alice", "Recommend resources", message_text=text)
    assert answered.embeds[0]["description"] == asked.embeds[0]["description"]
    assert [f["name"] for f in answered.embeds[0]["fields"]] == [f["name"] for f in asked.embeds[0]["fields"]]
    assert not any("Linear Algebra Done Right" in f["name"] for f in asked.embeds[0]["fields"])
