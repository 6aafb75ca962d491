"""End-to-end tests: the production bot (`bot.app.create_bot`) connected to the sandbox, fresh for each test.

    async def test_recommend(pillars: PillarsSandbox) -> None:
        reply = await pillars.command("alice", "recommend", topic="linear algebra")

`pillars` has the default settings and a database of its own; no test may leave an error logged. For other
settings use `make_pillars` (tests/conftest.py): `async with make_pillars(write_cooldown_rate=1) as sandbox:`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import MakePillars, PillarsSandbox


@pytest.fixture
async def pillars(make_pillars: MakePillars) -> AsyncIterator[PillarsSandbox]:
    """The production bot, connected to a fresh emulator and ready; it must log no error."""
    async with make_pillars() as running:
        yield running
        assert running.logged_errors == [], "the bot logged errors"
