"""Moderators curate the catalog end to end: the production bot, through the local Discord emulator.

Who is who in the sandbox: `admin` has Manage Server; `mod` holds the Moderator role, which moderates only
once a server manager configured it (`/catalog settings moderator_role:`); alice, bob and carol are members.
Every moderator command and button is checked in our code, so a member is refused and nothing changes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from bot.catalog.loader import parse_resources
from bot.catalog.schema import Resource, Section
from bot.catalog.writer import dump_resources
from bot.sandbox.harness import Reply
from bot.sandbox.world import SANDBOX_GUILD_ID
from tests.catalog_files import IMPORT_YAML
from tests.conftest import MakePillars, PillarsSandbox
from tests.factories import ESSENCE, LADR, make_resource

NO_PINGS = {"parse": []}
DATA = Path(__file__).resolve().parents[2] / "data"
REFUSED = "Only moderators can do that"

NEW_BOOK = {
    "title": "Matrix Computations",
    "url": "https://example.org/matrix-computations",
    "authors": "Gene H. Golub, Charles F. Van Loan",
    "facts": "linear algebra, numerical methods · advanced · book · paid · 756 pages",
    "text": "The reference on numerical linear algebra.\n\nFor when you need to know how the solvers really work.",
}
NEW_BOOK_ID = "matrix-computations"


BROKEN_YAML = """\
resources:
  - id: broken-one
    title: Broken
    authors: [Someone]
    kind: magazine
    url: ftp://example.org/x
    cost: free
    topics: [probability]
    level: beginner
    length: {amount: 12, unit: pages}
    summary: s
    why: w
"""


async def snapshot(sandbox: PillarsSandbox) -> dict[str, Any]:
    """Everything a moderator command could change, to compare before and after."""
    s = sandbox.bot.store
    catalog = await s.catalog_for(SANDBOX_GUILD_ID)
    settings = await s.guild_settings(SANDBOX_GUILD_ID)
    return {
        "catalog": [r.model_dump(mode="json") for r in catalog],
        "curated": s.curated.ids,
        "retired": sorted(r.id for r in await s.retired(SANDBOX_GUILD_ID)),
        "own": [r.id for r in await s.guild_resources(SANDBOX_GUILD_ID)],
        "suggestions": [(x.id, x.status) for x in await s.suggestions(SANDBOX_GUILD_ID, pending_only=False)],
        "audit": [(e.action, e.target) for e in await s.audit_log(SANDBOX_GUILD_ID, limit=100)],
        "settings": (settings.moderator_role_id, settings.announce_channel_id),
    }


def private_and_quiet(reply: Reply) -> None:
    """Moderator answers are ephemeral, within Discord's limits, and ping nobody."""
    assert reply.ephemeral
    assert len(reply.content) <= 2000
    assert reply.allowed_mentions in (None, NO_PINGS)


async def make_mod_a_moderator(sandbox: PillarsSandbox) -> None:
    """A server manager configures the Moderator role."""
    reply = await sandbox.command("admin", "catalog settings", moderator_role="Moderator")
    assert "Saved" in reply.content


async def audit_actions(sandbox: PillarsSandbox) -> list[tuple[str, str | None, int]]:
    """(action, target, moderator id) of the audit log, newest first."""
    return [(e.action, e.target, e.moderator_id) for e in await sandbox.bot.store.audit_log(SANDBOX_GUILD_ID, limit=50)]


def user_id(sandbox: PillarsSandbox, name: str) -> int:
    """A sandbox user's id."""
    return sandbox.world.user(name).id


# --- adding and editing through the form ---------------------------------------------------------------


async def test_admin_adds_a_resource_through_the_form(pillars: PillarsSandbox) -> None:
    form = await pillars.command("admin", "catalog add")
    assert form.kind == "modal" and form.modal is not None
    assert len(form.modal.inputs) == 5 and len(form.modal.title) <= 45
    assert all(len(i.label) <= 45 and len(i.placeholder or "") <= 100 for i in form.modal.inputs)

    added = await pillars.submit_modal("admin", form, NEW_BOOK)

    private_and_quiet(added)
    assert f"Added **Matrix Computations** (`{NEW_BOOK_ID}`)" in added.content
    resource = await pillars.bot.store.resource(SANDBOX_GUILD_ID, NEW_BOOK_ID)
    assert resource.authors == ("Gene H. Golub", "Charles F. Van Loan")
    assert resource.length.amount == 756
    assert ("add", NEW_BOOK_ID, user_id(pillars, "admin")) in await audit_actions(pillars)


async def test_a_form_with_mistakes_names_each_field_saves_nothing_and_can_be_fixed(pillars: PillarsSandbox) -> None:
    before = await snapshot(pillars)
    form = await pillars.command("admin", "catalog add")
    wrong = {**NEW_BOOK, "url": "javascript:alert(1)", "facts": "linear algebra · begginer · book · free"}

    refused = await pillars.submit_modal("admin", form, wrong)

    private_and_quiet(refused)
    assert "Nothing was saved" in refused.content
    assert "**Link**" in refused.content and "http://" in refused.content
    assert "did you mean 'beginner'" in refused.content and "a length" in refused.content
    assert await snapshot(pillars) == before

    again = await pillars.click("admin", refused, "Fix it")
    assert again.modal is not None
    kept = {i.custom_id: i.value for i in again.modal.inputs}
    assert kept["url"] == "javascript:alert(1)" and kept["title"] == NEW_BOOK["title"]
    fixed = await pillars.submit_modal("admin", again, {"url": NEW_BOOK["url"], "facts": NEW_BOOK["facts"]})
    assert "Added" in fixed.content


async def test_edit_opens_the_form_filled_with_the_current_values_and_saves_the_change(pillars: PillarsSandbox) -> None:
    choices = await pillars.autocomplete("admin", "catalog edit", focused="resource", value="axler")
    assert LADR in [value for _, value in choices]

    form = await pillars.command("admin", "catalog edit", resource=LADR)
    assert form.modal is not None
    current = {i.custom_id: i.value for i in form.modal.inputs}
    assert current["title"] == "Linear Algebra Done Right (4th edition)"
    assert current["url"] == "https://linear.axler.net/"
    assert "intermediate" in (current["facts"] or "") and "390 pages" in (current["facts"] or "")

    saved = await pillars.submit_modal("admin", form, {"title": "Linear Algebra Done Right, 4th ed."})

    private_and_quiet(saved)
    assert "Saved" in saved.content
    edited = await pillars.bot.store.resource(SANDBOX_GUILD_ID, LADR)
    assert edited.title == "Linear Algebra Done Right, 4th ed."
    assert edited.prerequisites == (ESSENCE,)  # what the form does not show is kept
    assert ("edit", LADR, user_id(pillars, "admin")) in await audit_actions(pillars)


def many_authors(count: int) -> list[str]:
    """`count` distinct author names of 110 characters each (a consortium's paper lists them all)."""
    return [f"Author {n:03} of the Long Collaboration " + "x" * 72 for n in range(count)]


async def import_one(sandbox: PillarsSandbox, resource: Resource) -> None:
    """A moderator imports one resource into the sandbox server's catalog."""
    checked = await sandbox.command("admin", "catalog import", file=("one.yaml", dump_resources([resource])))
    assert "Confirm import" in [b.label for b in checked.buttons], checked.text
    await sandbox.click("admin", checked, "Confirm import")


async def test_edit_shows_every_prefilled_value_whole_within_its_input(pillars: PillarsSandbox) -> None:
    authors = many_authors(13)  # 13 × 110 characters and the commas: 1,456 characters
    await import_one(pillars, make_resource("consortium-report", authors=authors))

    form = await pillars.command("admin", "catalog edit", resource="consortium-report")

    assert form.modal is not None  # the emulator refuses, as Discord does, a value longer than its input allows
    shown = {i.custom_id: i for i in form.modal.inputs}
    assert shown["authors"].value == ", ".join(authors)
    assert all(len(i.value or "") <= (i.max_length or 4000) for i in form.modal.inputs)
    saved = await pillars.submit_modal("admin", form, {"title": "Consortium Report, revised"})
    assert "Saved" in saved.content
    assert (await pillars.bot.store.resource(SANDBOX_GUILD_ID, "consortium-report")).authors == tuple(authors)


async def test_edit_says_what_it_cannot_show_and_keeps_it_when_left_empty(pillars: PillarsSandbox) -> None:
    authors = many_authors(40)  # 4,480 characters: more than any input holds
    await import_one(pillars, make_resource("consortium-report", authors=authors))

    form = await pillars.command("admin", "catalog edit", resource="consortium-report")

    assert form.modal is not None
    shown = {i.custom_id: i for i in form.modal.inputs}
    assert not shown["authors"].value and not shown["authors"].required
    described = json.dumps(form.modal.raw)
    assert "40 authors" in described and "leave it empty to keep them" in described
    saved = await pillars.submit_modal("admin", form, {"title": "Consortium Report, revised"})
    assert "Saved" in saved.content
    edited = await pillars.bot.store.resource(SANDBOX_GUILD_ID, "consortium-report")
    assert (edited.title, edited.authors) == ("Consortium Report, revised", tuple(authors))


async def test_a_moderator_who_loses_the_role_cannot_submit_the_form_they_opened(pillars: PillarsSandbox) -> None:
    await make_mod_a_moderator(pillars)
    form = await pillars.command("mod", "catalog add")
    assert form.kind == "modal"
    await pillars.command("admin", "catalog settings", clear="moderator role")
    before = await snapshot(pillars)

    refused = await pillars.submit_modal("mod", form, NEW_BOOK)

    assert REFUSED in refused.content
    assert await snapshot(pillars) == before


# --- retire and restore --------------------------------------------------------------------------------


async def test_retire_hides_a_resource_keeps_progress_and_restore_brings_it_back(pillars: PillarsSandbox) -> None:
    alice = user_id(pillars, "alice")
    await pillars.bot.store.log_progress(alice, SANDBOX_GUILD_ID, LADR, position=40)

    retired = await pillars.command("admin", "catalog retire", resource=LADR)

    private_and_quiet(retired)
    assert "Retired **Linear Algebra Done Right" in retired.content and "progress" in retired.content
    assert LADR not in await pillars.bot.store.catalog_for(SANDBOX_GUILD_ID)
    assert LADR in [entry.resource_id for entry in await pillars.bot.store.shelf(alice)]

    choices = await pillars.autocomplete("admin", "catalog restore", focused="resource", value="linear")
    assert [value for _, value in choices] == [LADR]
    assert await pillars.autocomplete("alice", "catalog restore", focused="resource", value="linear") == []

    restored = await pillars.command("admin", "catalog restore", resource=LADR)
    assert "Restored" in restored.content
    assert LADR in await pillars.bot.store.catalog_for(SANDBOX_GUILD_ID)
    actions = [action for action, target, _ in await audit_actions(pillars) if target == LADR]
    assert actions[:2] == ["restore", "retire"]


async def test_retiring_a_retired_resource_says_it_already_is_however_it_is_named(pillars: PillarsSandbox) -> None:
    await pillars.command("admin", "catalog retire", resource="grokking-deep-learning")

    for name in ("grokking-deep-learning", "Grokking Deep Learning", "grokking deep"):
        again = await pillars.command("admin", "catalog retire", resource=name)
        assert "**Grokking Deep Learning** is already retired on this server" in again.content, (name, again.content)
        assert "did you mean" not in again.content and "/catalog restore" in again.content


async def test_restore_takes_the_start_of_a_title_as_every_other_command_does(pillars: PillarsSandbox) -> None:
    await pillars.command("admin", "catalog retire", resource="grokking-deep-learning")

    restored = await pillars.command("admin", "catalog restore", resource="Grokking")

    assert "Restored **Grokking Deep Learning**" in restored.content, restored.content
    assert "grokking-deep-learning" in await pillars.bot.store.catalog_for(SANDBOX_GUILD_ID)
    live = await pillars.command("admin", "catalog restore", resource="Linear Algebra Done Right")
    assert "is not retired" in live.content, live.content


async def test_a_retired_resource_the_server_added_is_hidden_but_members_shelves_still_name_it(
    pillars: PillarsSandbox,
) -> None:
    await pillars.submit_modal("admin", await pillars.command("admin", "catalog add"), NEW_BOOK)
    await pillars.command("alice", "progress log", resource=NEW_BOOK_ID, status="reading")

    await pillars.command("admin", "catalog retire", resource=NEW_BOOK_ID)

    assert NEW_BOOK_ID not in await pillars.bot.store.catalog_for(SANDBOX_GUILD_ID)
    refused = await pillars.command("alice", "progress log", resource=NEW_BOOK_ID, position=3)
    assert "retired" in refused.content
    shelf = await pillars.command("alice", "progress show")
    assert "Matrix Computations" in shelf.text


# --- suggestions ---------------------------------------------------------------------------------------


async def test_a_member_suggestion_is_queued_approved_by_the_moderator_role_and_audited(
    pillars: PillarsSandbox,
) -> None:
    suggested = await pillars.command(
        "alice", "suggest", title="Spivak's Calculus", url="https://example.org/spivak",
        note="Proofs from the start.",
    )  # fmt: skip
    private_and_quiet(suggested)
    assert "Thanks" in suggested.content and "Spivak's Calculus" in suggested.content

    await make_mod_a_moderator(pillars)
    queue = await pillars.command("mod", "catalog suggestions")
    private_and_quiet(queue)
    assert "Spivak's Calculus" in queue.text and f"<@{user_id(pillars, 'alice')}>" in queue.text
    [pending] = await pillars.bot.store.suggestions(SANDBOX_GUILD_ID)

    approved = await pillars.click("mod", queue, f"Approve #{pending.id}")

    assert approved.kind == "update" and f"Approved #{pending.id}" in approved.content
    assert "Nothing waiting" in approved.text
    assert ("approve", str(pending.id), user_id(pillars, "mod")) in await audit_actions(pillars)
    [follow] = approved.followups
    form = await pillars.click("mod", follow, "Add it to the catalog")
    assert form.modal is not None
    prefilled = {i.custom_id: i.value for i in form.modal.inputs}
    assert prefilled["title"] == "Spivak's Calculus" and prefilled["url"] == "https://example.org/spivak"

    log = await pillars.command("mod", "catalog log")
    assert f"<@{user_id(pillars, 'mod')}> approved suggestion `{pending.id}`" in log.text
    assert log.allowed_mentions in (None, NO_PINGS)


async def test_a_rejected_suggestion_leaves_the_queue_and_a_second_decision_is_refused(pillars: PillarsSandbox) -> None:
    await pillars.command("bob", "suggest", title="Some blog", url="https://example.org/blog")
    queue = await pillars.command("admin", "catalog suggestions")
    older_queue = await pillars.command("admin", "catalog suggestions")  # another moderator's, say
    [pending] = await pillars.bot.store.suggestions(SANDBOX_GUILD_ID)

    rejected = await pillars.click("admin", queue, f"Reject #{pending.id}")
    assert f"Rejected #{pending.id}" in rejected.content
    assert await pillars.bot.store.suggestions(SANDBOX_GUILD_ID) == []
    audit = await snapshot(pillars)

    # The other queue still shows the button; its press is answered with what happened (privately, below the
    # queue, which stays as it was), and changes nothing.
    stale = await pillars.click("admin", older_queue, f"Approve #{pending.id}")
    [told] = stale.followups
    assert told.ephemeral and "already" in told.content.lower()
    assert await snapshot(pillars) == audit


async def test_suggesting_the_same_resource_twice_points_to_the_waiting_suggestion(pillars: PillarsSandbox) -> None:
    first = await pillars.command("alice", "suggest", title="Spivak's Calculus", url="https://example.org/spivak")
    assert "suggestion #1" in first.content

    again = await pillars.command("bob", "suggest", title="spivak’s calculus", url="https://example.org/other")
    same_link = await pillars.command("carol", "suggest", title="Calculus", url="http://www.example.org/spivak/")

    for reply in (again, same_link):
        assert "already suggestion #1" in reply.content and "waiting for a moderator" in reply.content, reply.content
    assert [s.id for s in await pillars.bot.store.suggestions(SANDBOX_GUILD_ID)] == [1]


async def test_suggesting_a_resource_already_in_the_catalog_points_to_it(pillars: PillarsSandbox) -> None:
    # /help's own example: the book is in the catalog, under another address.
    helps = await pillars.command("alice", "help")
    assert "/suggest title:Mathematics for Machine Learning" in helps.text

    by_title = await pillars.command(
        "alice", "suggest", title="Mathematics for Machine Learning", url="https://mml-book.github.io/"
    )
    by_link = await pillars.command("bob", "suggest", title="Axler's book", url="https://linear.axler.net")

    assert "**Mathematics for Machine Learning** is already in this server's catalog" in by_title.content
    assert "`/resource info resource:mathematics-for-machine-learning`" in by_title.content, by_title.content
    assert "**Linear Algebra Done Right (4th edition)** is already in this server's catalog" in by_link.content
    await pillars.command("admin", "catalog retire", resource=LADR)
    retired = await pillars.command("carol", "suggest", title="Axler", url="https://linear.axler.net/")
    assert "a moderator retired it" in retired.content and "/catalog restore" in retired.content
    assert await pillars.bot.store.suggestions(SANDBOX_GUILD_ID) == []


async def test_suggest_refuses_a_link_that_is_not_a_web_address(pillars: PillarsSandbox) -> None:
    refused = await pillars.command("alice", "suggest", title="Evil", url="javascript:alert(1)")
    assert refused.ephemeral and "http://" in refused.content
    assert await pillars.bot.store.suggestions(SANDBOX_GUILD_ID, pending_only=False) == []


# --- export and import ---------------------------------------------------------------------------------


async def test_export_gives_the_servers_own_resources_as_catalog_yaml(pillars: PillarsSandbox) -> None:
    nothing = await pillars.command("admin", "catalog export")
    assert "Nothing to export" in nothing.content
    form = await pillars.command("admin", "catalog add")
    await pillars.submit_modal("admin", form, NEW_BOOK)

    exported = await pillars.command("admin", "catalog export")

    private_and_quiet(exported)
    [(name, data)] = exported.files.items()
    assert name.endswith(".yaml")
    resources = parse_resources([(name, data.decode())], known_ids=pillars.bot.store.curated.ids)
    assert [r.id for r in resources] == [NEW_BOOK_ID]
    assert data.decode() == dump_resources([await pillars.bot.store.resource(SANDBOX_GUILD_ID, NEW_BOOK_ID)])


async def test_import_shows_a_dry_run_then_confirm_adds_and_audits(pillars: PillarsSandbox) -> None:
    before = await snapshot(pillars)
    edited = (await pillars.bot.store.resource(SANDBOX_GUILD_ID, ESSENCE)).model_copy(update={"title": "Essence (new)"})
    [notes] = parse_resources([("notes.yaml", IMPORT_YAML)])
    upload = dump_resources([notes, edited])

    checked = await pillars.command("admin", "catalog import", file=("mine.yaml", upload))

    private_and_quiet(checked)
    assert "Nothing has changed yet" in checked.text
    assert "➕ 1 to add" in checked.text and "✏️ 1 to update" in checked.text
    assert await snapshot(pillars) == before

    done = await pillars.click("admin", checked, "Confirm import")

    assert "Import done" in done.content and not done.buttons
    assert (
        await pillars.bot.store.resource(SANDBOX_GUILD_ID, "imported-notes")
    ).title == "Imported Notes on Probability"
    assert (await pillars.bot.store.resource(SANDBOX_GUILD_ID, ESSENCE)).title == "Essence (new)"
    assert "import" in [action for action, _, _ in await audit_actions(pillars)]


async def test_an_import_may_name_concepts_of_the_vocabulary_but_no_unknown_one(pillars: PillarsSandbox) -> None:
    [notes] = parse_resources([("notes.yaml", IMPORT_YAML)])
    with_contents = notes.model_copy(
        update={"sections": (Section(number="1", title="Bayes", concepts=("bayes-rule",)),)}
    )
    checked = await pillars.command("admin", "catalog import", file=("mine.yaml", dump_resources([with_contents])))
    assert "➕ 1 to add" in checked.text, checked.text

    unknown = with_contents.model_copy(
        update={"sections": (Section(number="1", title="Bayes", concepts=("bayes-rules",)),)}
    )
    refused = await pillars.command("admin", "catalog import", file=("mine.yaml", dump_resources([unknown])))
    assert "Nothing was imported" in refused.content and "bayes-rules" in refused.content


async def test_a_bad_import_file_lists_its_file_and_line_problems_and_changes_nothing(pillars: PillarsSandbox) -> None:
    before = await snapshot(pillars)

    refused = await pillars.command("admin", "catalog import", file=("broken.yaml", BROKEN_YAML))

    private_and_quiet(refused)
    assert "Nothing was imported" in refused.content
    assert "broken.yaml:5: 'magazine' is not a known kind" in refused.content
    assert "broken.yaml:6: url: must be a web address" in refused.content
    assert not refused.buttons
    assert await snapshot(pillars) == before


async def test_an_import_refuses_line_breaks_in_what_is_shown_on_one_line(pillars: PillarsSandbox) -> None:
    before = await snapshot(pillars)
    broken = IMPORT_YAML.replace(
        "    title: Imported Notes on Probability\n", '    title: "Imported Notes\\non Probability"\n'
    ).replace("authors: [Ada Lovelace]", 'authors: ["Ada\\nLovelace"]')

    refused = await pillars.command("admin", "catalog import", file=("lines.yaml", broken))

    private_and_quiet(refused)
    assert "Nothing was imported" in refused.content
    assert "lines.yaml:3: title: must be one line" in refused.content, refused.content
    assert "lines.yaml:4: authors" in refused.content and "must be one line" in refused.content.split("lines.yaml:4")[1]
    assert await snapshot(pillars) == before


async def test_a_huge_list_of_problems_is_cut_to_one_message(pillars: PillarsSandbox) -> None:
    many = "resources:\n" + "".join(f"  - id: x{n}\n    title: T\n" for n in range(300))
    refused = await pillars.command("admin", "catalog import", file=("many.yaml", many))
    assert len(refused.content) <= 2000 and refused.content.rstrip().endswith("more")


async def test_only_the_moderator_who_started_an_import_can_confirm_it(pillars: PillarsSandbox) -> None:
    await make_mod_a_moderator(pillars)
    checked = await pillars.command("admin", "catalog import", file=("mine.yaml", IMPORT_YAML))
    before = await snapshot(pillars)

    for someone_else in ("mod", "alice"):
        refused = await pillars.click(someone_else, checked, "Confirm import")
        assert refused.ephemeral and refused.kind == "message"
        assert await snapshot(pillars) == before
    assert f"Only <@{user_id(pillars, 'admin')}>" in (await pillars.click("mod", checked, "Cancel")).content

    done = await pillars.click("admin", checked, "Confirm import")
    assert "Import done" in done.content


async def test_an_import_waiting_across_a_restart_says_it_expired(pillars: PillarsSandbox) -> None:
    checked = await pillars.command("admin", "catalog import", file=("mine.yaml", IMPORT_YAML))
    await pillars.restart()

    expired = await pillars.click("admin", checked, "Confirm import")

    assert "expired" in expired.content and "/catalog import" in expired.content
    assert "imported-notes" not in await pillars.bot.store.catalog_for(SANDBOX_GUILD_ID)


async def test_a_cancelled_import_changes_nothing(pillars: PillarsSandbox) -> None:
    checked = await pillars.command("admin", "catalog import", file=("mine.yaml", IMPORT_YAML))
    before = await snapshot(pillars)
    cancelled = await pillars.click("admin", checked, "Cancel")
    assert "cancelled" in cancelled.content
    assert await snapshot(pillars) == before


# --- reload, log, settings -----------------------------------------------------------------------------


async def test_reload_with_a_broken_catalog_keeps_the_running_one_and_says_what_is_wrong(
    make_pillars: MakePillars, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(DATA, catalog)
    async with make_pillars(catalog_path=catalog) as sandbox:
        before = await snapshot(sandbox)
        broken = catalog / "calculus.yaml"
        broken.write_text(broken.read_text().replace("level: beginner", "level: begginer", 1))

        refused = await sandbox.command("admin", "catalog reload")

        private_and_quiet(refused)
        assert "not reloaded" in refused.content and "stays as it was" in refused.content
        assert "calculus.yaml:" in refused.content and "did you mean 'beginner'" in refused.content
        assert await snapshot(sandbox) == before

        broken.write_text(broken.read_text().replace("level: begginer", "level: beginner"))
        (catalog / "linear-algebra.yaml").write_text(
            (catalog / "linear-algebra.yaml").read_text().replace("Linear Algebra Done Right (4th edition)", "LADR 4e")
        )
        reloaded = await sandbox.command("admin", "catalog reload")
        assert "Reloaded the curated catalog" in reloaded.content and "1 changed" in reloaded.content
        assert (await sandbox.bot.store.resource(SANDBOX_GUILD_ID, LADR)).title == "LADR 4e"
        assert ("reload", "catalog", user_id(sandbox, "admin")) in await audit_actions(sandbox)
        assert sandbox.logged_errors == []


async def test_the_audit_log_says_who_did_what_when_without_pinging(pillars: PillarsSandbox) -> None:
    empty = await pillars.command("admin", "catalog log")
    assert "No moderator actions yet" in empty.text
    await pillars.command("admin", "catalog retire", resource=ESSENCE)

    log = await pillars.command("admin", "catalog log")

    private_and_quiet(log)
    assert log.allowed_mentions == NO_PINGS
    line = log.embeds[0]["description"].splitlines()[0]
    assert f"<@{user_id(pillars, 'admin')}> retired `{ESSENCE}`" in line
    assert line.startswith("<t:") and ":R>" in line


async def test_settings_are_for_server_managers_and_the_role_makes_a_moderator(pillars: PillarsSandbox) -> None:
    assert REFUSED in (await pillars.command("mod", "catalog log")).content

    shown = await pillars.command("admin", "catalog settings")
    assert "none (Manage Server only)" in shown.content
    saved = await pillars.command("admin", "catalog settings", moderator_role="Moderator", announce_channel="study")
    private_and_quiet(saved)
    role = pillars.world.role("Moderator")
    assert f"<@&{role.id}>" in saved.content and f"<#{pillars.world.channel('study').id}>" in saved.content
    assert ("settings", user_id(pillars, "admin")) in [(a, m) for a, _, m in await audit_actions(pillars)]

    assert "Catalog audit log" in (await pillars.command("mod", "catalog log")).text
    before = await snapshot(pillars)
    refused = await pillars.command("mod", "catalog settings", clear="moderator role")
    assert "Manage Server" in refused.content and "decide who moderates" in refused.content
    assert await snapshot(pillars) == before


# --- members are refused everywhere --------------------------------------------------------------------

# Every /catalog command refused to members, with the database unchanged: tests/reliability/test_abuse.py.


async def test_a_member_is_refused_every_moderator_button_and_nothing_changes(pillars: PillarsSandbox) -> None:
    await pillars.command("bob", "suggest", title="Some blog", url="https://example.org/blog")
    queue = await pillars.command("admin", "catalog suggestions")
    [pending] = await pillars.bot.store.suggestions(SANDBOX_GUILD_ID)
    checked = await pillars.command("admin", "catalog import", file=("mine.yaml", IMPORT_YAML))
    before = await snapshot(pillars)

    presses = [(queue, f"Approve #{pending.id}"), (queue, f"Reject #{pending.id}"), (checked, "Confirm import"),
               (checked, "Cancel")]  # fmt: skip
    for message, label in presses:
        refused = await pillars.click("alice", message, label)
        assert refused.kind == "message" and refused.ephemeral, label
        assert REFUSED in refused.content, label
    assert await snapshot(pillars) == before

    approved = await pillars.click("admin", queue, f"Approve #{pending.id}")
    [follow] = approved.followups
    after_approval = await snapshot(pillars)
    refused = await pillars.click("alice", follow, "Add it to the catalog")
    assert REFUSED in refused.content and refused.kind == "message"
    assert await snapshot(pillars) == after_approval
    # The import is still waiting for its moderator: a member's press consumed nothing.
    assert "Import done" in (await pillars.click("admin", checked, "Confirm import")).content


async def test_every_answer_fits_discord(pillars: PillarsSandbox) -> None:
    for n in range(12):
        title, url = f"Book {n} " + "x" * 180, f"https://example.org/{n}/" + "y" * 400
        await pillars.command("alice", "suggest", title=title, url=url, note="z" * 500)
        pillars.bot.write_limiter.reset(user_id(pillars, "alice"))
    queue = await pillars.command("admin", "catalog suggestions")
    assert len(json.dumps(queue.embeds)) < 7000 and len(queue.components) <= 5
    assert "7 more waiting" in queue.text


async def test_suggest_counts_toward_the_write_cooldown(
    make_pillars: MakePillars,
) -> None:
    async with make_pillars(write_cooldown_rate=1, write_cooldown_seconds=60) as sandbox:
        await sandbox.command("alice", "suggest", title="One", url="https://example.org/one")
        slowed = await sandbox.command("alice", "suggest", title="Two", url="https://example.org/two")
        assert slowed.ephemeral and "going a little fast" in slowed.content
        assert [s.title for s in await sandbox.bot.store.suggestions(SANDBOX_GUILD_ID)] == ["One"]
