"""Fixtures for the reliability suite: the production bot in the sandbox, with settings and faults to order.

    async def test_something(pillars: Sandbox) -> None: ...          # default settings, fresh database
    async with make_pillars(write_cooldown_rate=1) as sandbox: ...   # other settings
    async with make_pillars(sandbox_options={"heartbeat_interval": 0.05}) as sandbox: ...

No test may leave the emulator refusing a request or a bot message that could ping (checked on exit).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_bot
from bot.sandbox import Sandbox, sandbox_settings
from tests.reliability.support import emulator_problems

MakePillars = Callable[..., AbstractAsyncContextManager[Sandbox]]


@pytest.fixture
def make_pillars(tmp_path: Path) -> MakePillars:
    """Start the production bot in a sandbox with these settings overrides (and `sandbox_options`)."""

    @asynccontextmanager
    async def start(*, sandbox_options: dict[str, Any] | None = None, **overrides: Any) -> AsyncIterator[Sandbox]:
        settings = sandbox_settings(tmp_path, **overrides)
        running = Sandbox(lambda: create_bot(settings), **(sandbox_options or {}))
        await running.start()
        try:
            yield running
            assert emulator_problems(running) == []
        finally:
            await running.stop()

    return start


@pytest.fixture
async def pillars(make_pillars: MakePillars) -> AsyncIterator[Sandbox]:
    """The production bot on a fresh database, with a write cooldown loose enough not to get in the way."""
    async with make_pillars(write_cooldown_rate=100_000) as running:
        yield running
