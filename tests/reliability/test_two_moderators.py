"""Two people with the same form open: each form is its own, so both get their work saved.

discord.py finds an open form by its custom_id alone; two forms with one id (`pillars:catalog:add` for every
"Add a resource", `pillars:rpt:<problem>:<resource>` for every report of one problem on one resource) meant
the second form replaced the first, and one of the two submits got no answer.
"""

from __future__ import annotations

from bot.sandbox.world import SANDBOX_GUILD_ID
from tests.conftest import PillarsSandbox
from tests.factories import LADR
from tests.reliability.support import new_resource_form, reply_problems


async def two_moderators(sandbox: PillarsSandbox) -> None:
    """A server where `mod`, through the Moderator role, moderates beside `admin` (Manage Server)."""
    await sandbox.command("admin", "catalog settings", moderator_role="Moderator")


async def test_two_moderators_adding_at_once_both_get_their_resource_added(pillars: PillarsSandbox) -> None:
    await two_moderators(pillars)
    first = await pillars.command("mod", "catalog add")
    second = await pillars.command("admin", "catalog add")
    assert first.modal is not None and second.modal is not None
    assert first.modal.custom_id != second.modal.custom_id  # each open form has its own identity

    saved_first = await pillars.submit_modal("mod", first, new_resource_form("Matrices in Practice"))
    saved_second = await pillars.submit_modal("admin", second, new_resource_form("Vectors in Practice"))

    for reply in (saved_first, saved_second):
        assert reply.content.startswith("➕ Added") and reply_problems(reply) == []
    catalog = await pillars.bot.store.catalog_for(SANDBOX_GUILD_ID)
    assert {"matrices-in-practice", "vectors-in-practice"} <= set(catalog.ids)


async def test_two_moderators_editing_one_resource_both_get_their_edit_saved(pillars: PillarsSandbox) -> None:
    await two_moderators(pillars)
    first = await pillars.command("mod", "catalog edit", resource=LADR)
    second = await pillars.command("admin", "catalog edit", resource=LADR)
    assert first.modal is not None and second.modal is not None
    assert first.modal.custom_id != second.modal.custom_id

    saved_first = await pillars.submit_modal("mod", first, {"authors": "Sheldon Axler, A Second Author"})
    saved_second = await pillars.submit_modal("admin", second, {"title": "Linear Algebra Done Right, 4th edition"})

    for reply in (saved_first, saved_second):
        assert reply.content.startswith("✏️ Saved") and reply_problems(reply) == []
    edited = await pillars.bot.store.resource(SANDBOX_GUILD_ID, LADR)
    assert edited.title == "Linear Algebra Done Right, 4th edition"  # the later save is what members see
    log = await pillars.bot.store.audit_log(SANDBOX_GUILD_ID, limit=5)
    assert [(entry.action, entry.target) for entry in log[:2]] == [("edit", LADR), ("edit", LADR)]  # both kept


async def test_a_reopened_form_is_a_new_form_too(pillars: PillarsSandbox) -> None:
    form = await pillars.command("admin", "catalog add")
    refused = await pillars.submit_modal("admin", form, new_resource_form("Bad Link", url="http://localhost/"))
    reopened = await pillars.click("admin", refused, "Fix it")
    other = await pillars.command("admin", "catalog add")
    assert reopened.modal is not None and other.modal is not None and form.modal is not None
    assert len({form.modal.custom_id, reopened.modal.custom_id, other.modal.custom_id}) == 3

    saved = await pillars.submit_modal("admin", reopened, {"url": "https://example.org/good-link"})
    assert saved.content.startswith("➕ Added")
    another = await pillars.submit_modal("admin", other, new_resource_form("Another Book"))
    assert another.content.startswith("➕ Added")


async def test_two_members_reporting_the_same_problem_at_once_both_get_their_report_queued(
    pillars: PillarsSandbox,
) -> None:
    forms = []
    for member in ("alice", "bob"):
        card = await pillars.command(member, "resource info", resource=LADR)
        asked = await pillars.click(member, card, "Report a problem")
        forms.append(await pillars.click(member, asked, "A fact is wrong"))
    assert forms[0].modal is not None and forms[1].modal is not None
    assert forms[0].modal.custom_id != forms[1].modal.custom_id

    for member, form in zip(("alice", "bob"), forms, strict=True):
        thanks = await pillars.submit_modal(member, form, {"note": f"{member} counted the pages"})
        assert thanks.content.startswith("⚠️ Thanks!"), thanks.content
    queued = await pillars.bot.store.suggestions(SANDBOX_GUILD_ID)
    assert sorted(report.note or "" for report in queued) == ["alice counted the pages", "bob counted the pages"]
