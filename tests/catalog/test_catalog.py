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
