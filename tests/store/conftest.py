"""Fixtures for the store's tests: a real SQLite file in tmp_path, a small curated catalog, a fixed clock."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.catalog import Catalog
from bot.store import Store
from tests.factories import DEEP, ESSENCE, LADR, POST, make_catalog, make_resource

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
def db_path(tmp_path: Path) -> Path:
    """Where the test's database file lives."""
    return tmp_path / "pillars.db"


@pytest.fixture
async def store(db_path: Path, curated: Catalog) -> AsyncIterator[Store]:
    """An open store on a fresh file."""
    opened = await Store.open(db_path, curated)
    try:
        yield opened
    finally:
        await opened.close()


def count(path: Path, sql: str, params: tuple[Any, ...] = ()) -> int:
    """The single number a query returns, read through a separate connection."""
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchone()[0]
