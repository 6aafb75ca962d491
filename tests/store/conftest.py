"""Fixtures for the store's tests: a real database of each backend, a small curated catalog, a fixed clock.

Every test that takes `store` or `db_location` (tests/conftest.py) runs twice: on a SQLite file in tmp_path and
on a PostgreSQL database (`tests/postgres.py`), with the same assertions. A test about SQLite's own machinery
(its pragmas, its files, the writer's read-through cache only one process may keep) is marked
`@pytest.mark.sqlite_only` and takes `db_path`; one about PostgreSQL's alone takes `postgres_url`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.catalog import Catalog
from bot.store import Store
from tests.database import count
from tests.factories import DEEP, ESSENCE, LADR, POST, make_catalog, make_resource

__all__ = ["count"]

GUILD = 1001
OTHER_GUILD = 1002
MODERATOR = 501
MEMBER = 42


def curated_catalog() -> Catalog:
    """Four resources of different units: pages, videos, a prerequisite chain and a percent article."""
    return make_catalog(
        make_resource(LADR, title="Linear Algebra Done Right", length={"amount": 390, "unit": "pages"}),
        make_resource(
            ESSENCE,
            title="Essence of Linear Algebra",
            kind="video-series",
            cost="free",
            length={"amount": 16, "unit": "videos"},
        ),
        make_resource(
            DEEP,
            title="Deep Learning",
            topics=["deep-learning"],
            prerequisites=[LADR],
            length={"amount": 800, "unit": "pages"},
        ),
        make_resource(
            POST,
            title="Gradient Descent from Scratch",
            kind="article",
            topics=["optimization"],
            length={"amount": 100, "unit": "percent"},
        ),
    )


def at(day: int, hour: int = 12, month: int = 3, year: int = 2025) -> datetime:
    """A fixed moment in UTC, for tests that need a clock."""
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def curated() -> Catalog:
    """The curated catalog the store serves."""
    return curated_catalog()


@pytest.fixture
async def store(db_location: Path | str, curated: Catalog) -> AsyncIterator[Store]:
    """An open store on a fresh database."""
    opened = await Store.open(db_location, curated)
    try:
        yield opened
    finally:
        await opened.close()
