"""Fixtures every part of the suite may use: the production bot in the sandbox, on a database in tmp_path.

    async def test_something(pillars: PillarsSandbox) -> None: ...         # tests/e2e, tests/reliability
    async with make_pillars(write_cooldown_rate=1) as sandbox: ...         # other settings
    async with make_pillars(sandbox_options={"heartbeat_interval": 0.05}) as sandbox: ...

Each folder's conftest.py says what its `pillars` checks on the way out. `sandbox.bot` is the running
`PillarsBot`, typed, so a test reads `sandbox.bot.store` as it is; `sandbox.restart()` is a deploy on the
same database and the same Discord.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import PillarsBot, create_bot
from bot.sandbox import Sandbox, sandbox_settings

PillarsSandbox = Sandbox[PillarsBot]
# The backends a test taking `db_location` (or a fixture built on it) runs on, each with the same assertions.
BACKENDS = ("sqlite", "postgres")
MakePillars = Callable[..., AbstractAsyncContextManager[PillarsSandbox]]


@pytest.fixture
def make_pillars(tmp_path: Path) -> MakePillars:
    """Start the production bot in a sandbox with these settings overrides (and `sandbox_options`)."""

    @asynccontextmanager
    async def start(
        *, sandbox_options: dict[str, Any] | None = None, **overrides: Any
    ) -> AsyncIterator[PillarsSandbox]:
        settings = sandbox_settings(tmp_path, **overrides)
        running = Sandbox(lambda: create_bot(settings), **(sandbox_options or {}))
        await running.start()
        try:
            yield running
        finally:
            await running.stop()

    return start


async def empty_postgres_database() -> str:
    """The test server's database, emptied (the test is skipped, or failed under CI, when there is no server)."""
    from tests.postgres import fresh_database, server_url

    url = server_url()
    await fresh_database(url)
    return url


@pytest.fixture
async def postgres_url() -> str:
    """A PostgreSQL database emptied for this test (skipped, or failed under CI, when there is no server)."""
    return await empty_postgres_database()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test that needs a database on every backend (on SQLite alone when marked `sqlite_only`)."""
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"] if metafunc.definition.get_closest_marker("sqlite_only") else list(BACKENDS)
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which backend this run of the test is on."""
    return str(request.param)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a SQLite test's database file lives."""
    return tmp_path / "pillars.db"


@pytest.fixture
async def db_location(backend: str, db_path: Path) -> Path | str:
    """The test's database, empty: a SQLite file, or a PostgreSQL database emptied for it."""
    if backend == "sqlite":
        return db_path
    return await empty_postgres_database()
