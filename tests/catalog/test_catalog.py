"""The in-memory catalog: a merge that changes nothing is the catalog itself, so what is derived is shared."""

from __future__ import annotations

from bot.catalog.catalog import Catalog
from bot.catalog.columns import CatalogColumns
from tests.factories import make_resource


def test_a_server_that_changed_nothing_shares_the_curated_catalog_and_its_columns() -> None:
    curated = Catalog([make_resource("first"), make_resource("second")])

    same = curated.merged([], hidden=["not-in-the-catalog"])

    assert same is curated
    assert CatalogColumns.of(same) is CatalogColumns.of(curated)


def test_a_merge_that_changes_something_is_a_new_catalog() -> None:
    curated = Catalog([make_resource("first"), make_resource("second")])
    edited = make_resource("first", title="First, revised")

    assert curated.merged(hidden=["first"]).ids == ["second"]
    changed = curated.merged([edited])
    assert changed is not curated and changed["first"].title == "First, revised"
    assert curated["first"].title != "First, revised"


def test_a_server_that_retires_a_resource_it_added_no_longer_sees_it() -> None:
    curated = Catalog([make_resource("first")])
    added = make_resource("added-here")

    live = curated.merged([added], hidden=["added-here"])

    assert live.ids == ["first"]


def test_each_concepts_columns_say_who_teaches_it_and_whose_section_is_named_for_it() -> None:
    """The columns built in one pass agree, for every shipped concept, with where the catalog says it is taught."""
    from pathlib import Path

    from bot.catalog.loader import load_catalog
    from bot.catalog.questions import phrase_key

    catalog = load_catalog(Path(__file__).resolve().parents[2] / "data")
    columns = CatalogColumns.of(catalog)
    focused = 0
    for concept in catalog.concepts:
        places = catalog.teaching(concept.id)
        teachers = {resource.id for resource, _ in places}
        assert {rid for rid, flag in zip(columns.ids, columns.teaches(concept.id), strict=True) if flag} == teachers
        names = {phrase_key(word) for word in (concept.name, *concept.synonyms)}
        about = {
            resource.id
            for resource, section in places
            if section is not None and any(f" {n} " in f" {phrase_key(section.title)} " for n in names)
        }
        assert {rid for rid, flag in zip(columns.ids, columns.focus(concept.id), strict=True) if flag} == about
        # The same places as positions, and asked of one resource at a time.
        assert {columns.ids[p] for p in columns.teaching(concept.id)} == teachers
        assert {columns.ids[p] for p in columns.focusing(concept.id)} == about
        assert {rid for p, rid in enumerate(columns.ids) if columns.focuses_at(concept.id, p)} == about
        focused += len(about)
    assert focused > 20  # sections named for their concept exist: the comparison is not of empty columns
    assert not columns.teaches("no-such-concept").any() and not columns.focus("no-such-concept").any()
    assert not len(columns.teaching("no-such-concept")) and not columns.focuses_at("no-such-concept", 0)
