"""The live catalog: a server's additions, edits and retirements on top of the curated files."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.catalog import Catalog
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.reading import ReadingStatus
from bot.store import Store
from tests.database import dump_database
from tests.factories import DEEP, LADR, make_catalog, make_resource
from tests.store.conftest import GUILD, MEMBER, MODERATOR, OTHER_GUILD, curated_catalog


async def test_a_dm_and_a_quiet_server_see_the_curated_catalog(store: Store, curated: Catalog) -> None:
    assert (await store.catalog_for(None)).ids == curated.ids
    assert (await store.catalog_for(GUILD)).ids == curated.ids
    assert await store.guild_resources(GUILD) == [] and await store.retired(GUILD) == []


async def test_an_addition_is_seen_by_its_server_only(store: Store, curated: Catalog) -> None:
    strang = make_resource("strang-18-06", title="Linear Algebra 18.06", prerequisites=[LADR])
    assert await store.add_resource(GUILD, MODERATOR, strang) == strang
    assert (await store.catalog_for(GUILD)).ids == [*curated.ids, "strang-18-06"]
    assert await store.resource(GUILD, "strang-18-06") == strang
    assert "strang-18-06" not in await store.catalog_for(OTHER_GUILD)
    assert "strang-18-06" not in await store.catalog_for(None)
    with pytest.raises(ConflictError, match="already in the catalog"):
        await store.add_resource(GUILD, MODERATOR, strang)
    with pytest.raises(ConflictError, match="edit it instead"):
        await store.add_resource(GUILD, MODERATOR, make_resource(LADR))


async def test_prerequisites_must_exist_and_never_go_round_in_a_circle(store: Store, db_location: Path | str) -> None:
    before = dump_database(db_location)
    with pytest.raises(InvalidInputError, match=r"not in the catalog \(did you mean 'Deep Learning'\?\)\."):
        await store.add_resource(GUILD, MODERATOR, make_resource("rnn-notes", prerequisites=["deep-learning-bok"]))
    circular = make_resource(LADR, title="Linear Algebra Done Right", prerequisites=[DEEP])
    with pytest.raises(InvalidInputError, match="round in a circle"):
        await store.edit_resource(GUILD, MODERATOR, circular)
    assert dump_database(db_location) == before


async def test_a_moderators_edit_of_a_curated_entry_survives_restarts_and_reloads(
    db_location: Path | str, curated: Catalog
) -> None:
    edited = make_resource(LADR, title="Linear Algebra Done Right, 4th ed.", length={"amount": 340, "unit": "pages"})
    async with await Store.open(db_location, curated) as store:
        before = await store.edit_resource(GUILD, MODERATOR, edited)
        assert before == curated[LADR]
        assert await store.resource(GUILD, LADR) == edited
        assert await store.resource(OTHER_GUILD, LADR) == curated[LADR]
    # The curated file changes the same entry and the bot restarts: the server's edit stays on top.
    newer = Catalog(make_resource(LADR, title="LADR, newly curated") if r.id == LADR else r for r in curated_catalog())
    async with await Store.open(db_location, newer) as store:
        assert await store.resource(GUILD, LADR) == edited
        assert (await store.resource(OTHER_GUILD, LADR)).title == "LADR, newly curated"
        store.replace_curated(curated_catalog())
        assert await store.resource(GUILD, LADR) == edited
        assert await store.guild_resources(GUILD) == [edited]


async def test_editing_back_to_the_curated_entry_follows_the_files_again(store: Store, curated: Catalog) -> None:
    await store.edit_resource(GUILD, MODERATOR, make_resource(LADR, title="Renamed"))
    await store.edit_resource(GUILD, MODERATOR, curated[LADR])
    assert await store.guild_resources(GUILD) == []
    assert await store.resource(GUILD, LADR) == curated[LADR]


async def test_editing_an_unknown_resource_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="to edit"):
        await store.edit_resource(GUILD, MODERATOR, make_resource("nothing-like-it"))


async def test_retiring_hides_a_resource_and_keeps_the_progress_on_it(store: Store) -> None:
    await store.log_progress(MEMBER, GUILD, DEEP, position=200)
    retired = await store.retire_resource(GUILD, MODERATOR, DEEP)
    assert retired.id == DEEP
    assert DEEP not in await store.catalog_for(GUILD)
    assert DEEP in await store.catalog_for(OTHER_GUILD)
    assert [r.id for r in await store.retired(GUILD)] == [DEEP]
    with pytest.raises(NotFoundError, match="retired on this server"):
        await store.resource(GUILD, DEEP)
    with pytest.raises(NotFoundError, match="retired on this server"):
        await store.log_progress(MEMBER, GUILD, DEEP, position=201)
    # The member's progress is all still there, and other servers still take updates on it.
    (entry,) = await store.shelf(MEMBER)
    assert (entry.resource_id, entry.position, entry.status) == (DEEP, 200, ReadingStatus.READING)
    assert len(await store.history(MEMBER)) == 1
    await store.log_progress(MEMBER, OTHER_GUILD, DEEP, position=210)
    with pytest.raises(ConflictError, match="already retired"):
        await store.retire_resource(GUILD, MODERATOR, DEEP)
    with pytest.raises(ConflictError, match="restore it"):
        await store.add_resource(GUILD, MODERATOR, make_resource(DEEP))

    assert (await store.restore_resource(GUILD, MODERATOR, DEEP)).id == DEEP
    assert DEEP in await store.catalog_for(GUILD)
    assert await store.retired(GUILD) == []
    with pytest.raises(ConflictError, match="not retired"):
        await store.restore_resource(GUILD, MODERATOR, DEEP)
    with pytest.raises(NotFoundError):
        await store.restore_resource(GUILD, MODERATOR, "never-heard-of-it")


async def test_the_cache_is_reused_until_a_write_invalidates_it(store: Store) -> None:
    first = await store.catalog_for(GUILD)
    assert await store.catalog_for(GUILD) is first
    other = await store.catalog_for(OTHER_GUILD)
    await store.add_resource(GUILD, MODERATOR, make_resource("fresh-one"))
    second = await store.catalog_for(GUILD)
    assert second is not first and "fresh-one" in second
    assert await store.catalog_for(OTHER_GUILD) is other  # another server's cache is untouched
    store.replace_curated(make_catalog(make_resource("only-curated")))
    assert (await store.catalog_for(GUILD)).ids == ["only-curated", "fresh-one"]


async def test_an_import_adds_updates_and_skips_in_one_go(
    store: Store, curated: Catalog, db_location: Path | str
) -> None:
    batch = [
        curated[LADR],  # unchanged
        make_resource(DEEP, title="Deep Learning (2nd printing)", prerequisites=[LADR]),  # updated
        make_resource("d2l", title="Dive into Deep Learning", prerequisites=[DEEP, "probability-primer"]),
        make_resource("probability-primer"),  # added, and a prerequisite of the one above
    ]
    before = dump_database(db_location)
    preview = await store.import_resources(GUILD, MODERATOR, batch, dry_run=True)
    assert (preview.added, preview.updated, preview.unchanged) == (["d2l", "probability-primer"], [DEEP], [LADR])
    assert dump_database(db_location) == before
    assert "d2l" not in await store.catalog_for(GUILD)

    summary = await store.import_resources(GUILD, MODERATOR, batch)
    assert summary == preview
    live = await store.catalog_for(GUILD)
    assert live[DEEP].title == "Deep Learning (2nd printing)" and "d2l" in live and "probability-primer" in live
    assert [r.id for r in await store.guild_resources(GUILD)] == [DEEP, "d2l", "probability-primer"]


async def test_an_import_with_one_bad_resource_changes_nothing(store: Store, db_location: Path | str) -> None:
    before = dump_database(db_location)
    batch = [make_resource("good-one"), make_resource("bad-one", prerequisites=["missing-thing"])]
    with pytest.raises(InvalidInputError, match="missing-thing"):
        await store.import_resources(GUILD, MODERATOR, batch)
    with pytest.raises(InvalidInputError, match="more than once"):
        await store.import_resources(GUILD, MODERATOR, [make_resource("twice"), make_resource("twice")])
    assert dump_database(db_location) == before
    assert "good-one" not in await store.catalog_for(GUILD)


async def test_every_moderator_action_is_audited_with_before_and_after(store: Store, curated: Catalog) -> None:
    added = make_resource("new-book")
    edited = make_resource(LADR, title="Edited")
    await store.add_resource(GUILD, MODERATOR, added)
    await store.edit_resource(GUILD, MODERATOR, edited)
    await store.retire_resource(GUILD, MODERATOR, DEEP)
    await store.restore_resource(GUILD, MODERATOR, DEEP)
    await store.import_resources(GUILD, MODERATOR, [make_resource("imported-one")])
    await store.import_resources(GUILD, MODERATOR, [make_resource("dry-one")], dry_run=True)
    suggestion = await store.add_suggestion(GUILD, MEMBER, "Spivak's Calculus", "https://example.org/spivak")
    await store.decide_suggestion(GUILD, MODERATOR, suggestion.id, approve=True)
    other = await store.add_suggestion(GUILD, MEMBER, "A blog", "https://example.org/blog")
    await store.decide_suggestion(GUILD, MODERATOR, other.id, approve=False)
    await store.update_guild_settings(GUILD, MODERATOR, moderator_role_id=777)
    await store.record_action(GUILD, MODERATOR, "reload", "data", before={"resources": 4}, after={"resources": 5})

    log = await store.audit_log(GUILD, limit=50)
    assert [e.action for e in log] == [
        "reload", "settings", "reject", "approve", "import", "restore", "retire", "edit", "add",
    ]  # fmt: skip
    by_action = {e.action: e for e in log}
    assert by_action["add"].before is None and by_action["add"].after == added.model_dump(mode="json")
    assert by_action["edit"].before == curated[LADR].model_dump(mode="json")
    assert by_action["edit"].after == edited.model_dump(mode="json")
    assert by_action["retire"].target == DEEP and by_action["retire"].after is None
    assert by_action["import"].after == {"imported-one": make_resource("imported-one").model_dump(mode="json")}
    assert by_action["approve"].target == str(suggestion.id) and by_action["approve"].after["status"] == "approved"
    assert by_action["settings"].before == {"moderator_role_id": None}
    assert by_action["settings"].after == {"moderator_role_id": 777}
    assert all(e.moderator_id == MODERATOR and e.guild_id == GUILD for e in log)
    assert await store.audit_log(OTHER_GUILD) == []
    assert len(await store.audit_log(GUILD, limit=3)) == 3


async def test_commands_waiting_on_one_read_of_a_servers_catalog_share_it(store: Store) -> None:
    await store.retire_resource(GUILD, MODERATOR, DEEP)  # the server's view is dropped from the cache
    waiting = [asyncio.ensure_future(store.catalog_for(GUILD)) for _ in range(20)]
    await asyncio.sleep(0)
    waiting[0].cancel()  # one member's interaction gone: the others still get their catalog

    seen = await asyncio.gather(*waiting[1:])

    assert all(catalog is seen[0] for catalog in seen) and DEEP not in seen[0]
    assert waiting[0].cancelled()


async def test_a_command_arriving_after_a_change_never_gets_the_read_from_before_it(store: Store) -> None:
    for i in range(10):
        resource = make_resource(f"late-{i}")
        before = asyncio.ensure_future(store.catalog_for(GUILD))  # a read in flight…
        await asyncio.sleep(0)
        await store.add_resource(GUILD, MODERATOR, resource)  # …then a change lands
        assert resource.id in await store.catalog_for(GUILD)  # a later caller does not join the old read
        await before
