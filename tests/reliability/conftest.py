"""Fixtures for the reliability suite: the production bot in the sandbox, with settings and faults to order.

    async def test_something(pillars: PillarsSandbox) -> None: ...        # no cooldown in the way
    async with make_pillars(write_cooldown_rate=1) as sandbox: ...          # other settings
    async with make_pillars(sandbox_options={"heartbeat_interval": 0.05}) as sandbox: ...
    async def test_child(driver: PillarsSandbox) -> None: ...             # the emulator alone, for a BotProcess

`make_pillars` is the suite's own (tests/conftest.py) with one more promise: no test may leave the emulator
refusing a request or a bot message that could ping (checked on exit).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from bot.sandbox import Sandbox
from tests.conftest import MakePillars, PillarsSandbox
from tests.reliability.support import emulator_problems

__all__ = ["MakePillars", "PillarsSandbox"]


@pytest.fixture
def make_pillars(make_pillars: MakePillars) -> MakePillars:
    """The suite's `make_pillars`, checking on exit that the emulator refused nothing and nothing could ping."""

    @asynccontextmanager
    async def start(**options: Any) -> AsyncIterator[PillarsSandbox]:
        async with make_pillars(**options) as running:
            yield running
            assert emulator_problems(running) == []

    return start


@pytest.fixture
async def pillars(make_pillars: MakePillars) -> AsyncIterator[PillarsSandbox]:
    """The production bot on a fresh database, with a write cooldown loose enough not to get in the way."""
    async with make_pillars(write_cooldown_rate=100_000) as running:
        yield running


@pytest.fixture
async def driver() -> AsyncIterator[PillarsSandbox]:
    """The emulator alone, with the harness to build members' interactions, for a bot in a child process
    (`bot.sandbox.process.BotProcess`)."""
    sandbox: PillarsSandbox = Sandbox(None, timeout=10.0)
    await sandbox.emulator.start()
    try:
        yield sandbox
    finally:
        await sandbox.emulator.stop()
