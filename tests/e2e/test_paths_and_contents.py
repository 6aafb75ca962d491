"""Knowing the material end to end: /path over concepts, sections in /resource info and /progress.

The production bot and the curated catalog in data/, through the local Discord emulator.
"""

from __future__ import annotations

import re

from bot.sandbox.harness import Reply
from bot.sandbox.world import SANDBOX_GUILD_ID
from bot.ui.path_card import LEGEND
from tests.conftest import MakePillars, PillarsSandbox
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


# --- inside a resource -------------------------------------------------------------------------------

STRANG = "introduction-to-linear-algebra-strang"
MACKAY = "information-theory-inference-learning-algorithms"


def fields_of(reply: Reply) -> dict[str, str]:
    """The first embed's fields, by name."""
    return {field["name"]: field["value"] for field in reply.embeds[0]["fields"]}


async def test_resource_info_lists_the_sections_with_their_concepts_and_what_it_teaches(
    pillars: PillarsSandbox,
) -> None:
    reply = await pillars.command("alice", "resource info", resource=STRANG)
    fields = fields_of(reply)
    contents = fields["Contents"].splitlines()
    assert contents[0].startswith("**1** Vectors and Matrices (p. 1) — vectors")
    assert "**7** The Singular Value Decomposition (SVD) (p. 286) — singular value decomposition" in fields["Contents"]
    assert "singular value decomposition" in fields["Concepts it teaches"]


async def test_a_long_table_of_contents_ends_with_how_many_more_and_the_card_fits(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "resource info", resource=MACKAY)
    fields = fields_of(reply)
    assert re.search(r"…and \d+ more$", fields["Contents (more)"])
    assert all(len(value) <= 1024 for value in fields.values())
    embed = reply.embeds[0]
    total = len(embed["title"]) + len(embed.get("description", "")) + len(embed["footer"]["text"])
    assert total + sum(len(f["name"]) + len(f["value"]) for f in embed["fields"]) <= 6000


async def test_builds_on_names_titles_never_ids(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "resource info", resource="deep-learning-goodfellow")
    builds_on = fields_of(reply)["Builds on"]
    assert "Linear Algebra Done Right (4th edition)" in builds_on and "Introduction to Probability" in builds_on
    assert "linear-algebra-done-right" not in builds_on and "-" not in builds_on.replace(" - ", "")


async def test_progress_says_which_section_a_position_is_in_and_what_comes_next(pillars: PillarsSandbox) -> None:
    logged = await pillars.command("alice", "progress log", resource=STRANG, status="reading", position=80)
    assert (
        "↳ You are in chapter 3 · The Four Fundamental Subspaces; next: chapter 4 · Orthogonality (p. 135)."
        in logged.content
    )
    await pillars.command("alice", "progress log", resource=ESSENCE, status="reading", position=3)
    shelf = await pillars.command("alice", "progress show")
    reading = next(f["value"] for f in shelf.embeds[0]["fields"] if "Reading" in f["name"])
    assert "↳ in chapter 3 · The Four Fundamental Subspaces; next: chapter 4 · Orthogonality (p. 135)" in reading
    # Three videos watched: the fourth is where she is.
    assert "↳ in video 4 · Matrix multiplication as composition; next: video 5 · " in reading
    card = await pillars.command("alice", "resource info", resource=STRANG)
    assert "↳ in chapter 3 · The Four Fundamental Subspaces" in fields_of(card)["Your progress"]


async def test_progress_on_a_resource_without_starts_says_nothing_about_sections(pillars: PillarsSandbox) -> None:
    logged = await pillars.command("alice", "progress log", resource="linear-algebra-done-right", position=120)
    assert logged.content.startswith("Logged.") and "↳" not in logged.content
    finished = await pillars.command("alice", "progress log", resource=STRANG, status="finished")
    assert "↳" not in finished.content


# --- moderators give the contents ----------------------------------------------------------------------

LADR_ID = "linear-algebra-done-right"


async def test_a_moderator_gives_sections_by_concept_names_and_members_see_them(pillars: PillarsSandbox) -> None:
    form = await pillars.command("admin", "catalog edit", resource=LADR_ID, part="contents")
    assert form.modal is not None
    sections = next(i for i in form.modal.inputs if i.custom_id == "sections")
    assert (sections.value or "").startswith("1 · Vector Spaces · vector-spaces\n")
    typed = (sections.value or "") + "\n10 · Appendix on SVD and PCA · svd, principal components"
    saved = await pillars.submit_modal("admin", form, {"sections": typed, "concepts": "Bayes' rule"})
    assert (
        saved.ephemeral
        and "📑 Saved the contents of **Linear Algebra Done Right (4th edition)**: 10 sections" in saved.content
    )
    again = await pillars.click("admin", saved, "Edit contents")  # persistent: opens the form as it is now
    assert again.modal is not None and "10 · Appendix on SVD and PCA" in (again.modal.inputs[1].value or "")
    card = await pillars.command("alice", "resource info", resource=LADR_ID)
    contents = fields_of(card)["Contents"]
    assert "**10** Appendix on SVD and PCA — singular value decomposition, principal component analysis" in contents
    assert "Bayes' rule" in fields_of(card)["Concepts it teaches"]
    exported = await pillars.command("admin", "catalog export")
    [yaml_text] = exported.files.values()
    assert "title: Appendix on SVD and PCA" in yaml_text.decode() and "bayes-rule" in yaml_text.decode()


async def test_a_refused_contents_form_names_the_line_keeps_the_draft_and_changes_nothing(
    pillars: PillarsSandbox,
) -> None:
    before = (await pillars.bot.store.resource(None, LADR_ID)).sections
    form = await pillars.command("admin", "catalog edit", resource=LADR_ID, part="contents")
    draft = "1 · Vector Spaces · p. 1\n2 · Finite-Dimensional · p. 30 · eigenvalus"
    refused = await pillars.submit_modal("admin", form, {"sections": draft})
    assert "Nothing was saved" in refused.content
    assert (
        "**Line 2** ('2 · Finite-Dimensional · p. 30 · eigenv…'): 'eigenvalus' is not a concept I know"
        in refused.content
    )
    assert (await pillars.bot.store.resource(None, LADR_ID)).sections == before
    reopened = await pillars.click("admin", refused, "Fix it")
    assert reopened.modal is not None
    assert next(i for i in reopened.modal.inputs if i.custom_id == "sections").value == draft


async def test_contents_too_long_for_a_form_point_to_export_and_import(pillars: PillarsSandbox) -> None:
    from bot.catalog.writer import dump_resources
    from tests.factories import make_resource

    sections = [{"number": str(n), "title": f"A chapter with a rather long title, number {n}"} for n in range(1, 120)]
    big = make_resource("a-big-book", title="A Big Book", sections=sections)
    checked = await pillars.command("admin", "catalog import", file=("big.yaml", dump_resources([big])))
    await pillars.click("admin", checked, "Confirm import")
    reply = await pillars.command("admin", "catalog edit", resource="a-big-book", part="contents")
    assert reply.modal is None and reply.ephemeral
    assert "more than a form holds (4,000)" in reply.content
    assert "`/catalog export`" in reply.content and "`/catalog import`" in reply.content


# --- report a problem ----------------------------------------------------------------------------------


async def report(pillars: PillarsSandbox, who: str, resource: str, problem: str, note: str = "") -> Reply:
    """`who` opens the resource's card, reports `problem` ('The link is dead', 'A fact is wrong') with a note."""
    card = await pillars.command(who, "resource info", resource=resource)
    asked = await pillars.click(who, card, "Report a problem")
    assert asked.ephemeral and "What is wrong with" in asked.content
    form = await pillars.click(who, asked, problem)
    assert form.modal is not None
    return await pillars.submit_modal(who, form, {"note": note} if note else {})


async def test_a_members_report_lands_in_the_queue_with_the_resource_named_and_is_resolved_there(
    pillars: PillarsSandbox,
) -> None:
    thanks = await report(pillars, "alice", LADR_ID, "A fact is wrong", "It has **340** pages @everyone <@1>")
    assert thanks.ephemeral and thanks.allowed_mentions == {"parse": []}
    assert "Your report of a wrong facts on **Linear Algebra Done Right (4th edition)** is #1" in thanks.content

    queue = await pillars.command("admin", "catalog suggestions")
    [field] = queue.embeds[0]["fields"]
    assert field["name"] == "#1 · ⚠️ Wrong facts: Linear Algebra Done Right (4th edition)"
    assert "https://linear.axler.net/" in field["value"] and "reported by <@" in field["value"]
    # Shown as typed (bot.ui.text.literal): no bold, no mention rendered, and nothing pings.
    assert "> It has \\*\\*340\\*\\* pages \\@everyone \\<\\@1\\>" in field["value"]
    assert queue.allowed_mentions == {"parse": []}
    assert [b.label for b in queue.buttons] == ["Resolved #1", "Dismiss #1"]

    resolved = await pillars.click("admin", queue, "Resolved #1")
    assert resolved.kind == "update" and resolved.content.startswith("🛠️ Resolved report #1: wrong facts on")
    assert not resolved.buttons and "Nothing waiting" in resolved.text
    log = await pillars.command("admin", "catalog log")
    assert "resolved report `1`" in log.text


async def test_a_dead_link_needs_no_note_and_a_repeat_is_refused(pillars: PillarsSandbox) -> None:
    first = await report(pillars, "bob", ESSENCE, "The link is dead")
    assert "#1 in the moderators' queue" in first.content
    again = await report(pillars, "bob", ESSENCE, "The link is dead")
    assert "You already reported a dead link on **Essence of Linear Algebra** (#1)" in again.content
    assert len(await pillars.bot.store.suggestions(SANDBOX_GUILD_ID)) == 1
    dismissed = await pillars.click("admin", await pillars.command("admin", "catalog suggestions"), "Dismiss #1")
    assert dismissed.content.startswith("✖️ Dismissed report #1: dead link on **Essence of Linear Algebra**")


async def test_wrong_facts_without_saying_which_cannot_be_sent(pillars: PillarsSandbox) -> None:
    card = await pillars.command("alice", "resource info", resource=LADR_ID)
    form = await pillars.click("alice", await pillars.click("alice", card, "Report a problem"), "A fact is wrong")
    assert form.modal is not None and form.modal.inputs[0].required


async def test_reports_count_toward_the_write_cooldown(make_pillars: MakePillars) -> None:
    async with make_pillars(write_cooldown_rate=1, write_cooldown_seconds=60) as sandbox:
        await report(sandbox, "carol", LADR_ID, "The link is dead")
        refused = await report(sandbox, "carol", ESSENCE, "The link is dead")
        assert refused.ephemeral and "You're going a little fast. Try again in" in refused.content
        assert len(await sandbox.bot.store.suggestions(SANDBOX_GUILD_ID)) == 1


async def test_help_shows_the_new_and_changed_commands_with_their_examples(pillars: PillarsSandbox) -> None:
    reply = await pillars.command("alice", "help")
    text = reply.text
    assert "`/path` — The way to a topic or a concept" in text
    assert "e.g. `/path to:SVD` · `/path to:probability`" in text
    assert "`/resource info` — One resource: its contents, where you stand with it, and Report a problem" in text
    assert "`/catalog edit resource:Linear Algebra Done Right part:contents`" in text
    assert "**Report a problem**" in reply.embeds[0]["description"]
