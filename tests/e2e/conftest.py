"""Fixtures for end-to-end tests: the production bot (`bot.app.create_bot`) connected to the sandbox.

    async def test_recommend(sandbox: Sandbox) -> None:
        reply = await sandbox.command("alice", "recommend", topic="linear algebra")

`sandbox` is fresh for each test (its own emulator, a database in `tmp_path`). For other settings use
`make_sandbox`: `async with make_sandbox(write_cooldown_rate=1) as sandbox: ...`. `sandbox.restart()`
starts a new bot on the same database and the same Discord, as after a deploy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_bot
from bot.sandbox import Sandbox, sandbox_settings


@pytest.fixture
def make_sandbox(tmp_path: Path) -> Callable[..., AbstractAsyncContextManager[Sandbox]]:
    """Start the production bot in a sandbox with these settings overrides."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Sandbox]:
        settings = sandbox_settings(tmp_path, **overrides)
        running = Sandbox(lambda: create_bot(settings))
        try:
            await running.start()
            yield running
        finally:
            await running.stop()

    return start


@pytest.fixture
async def sandbox(make_sandbox: Callable[..., AbstractAsyncContextManager[Sandbox]]) -> AsyncIterator[Sandbox]:
    """The production bot, connected to a fresh emulator and ready."""
    async with make_sandbox() as running:
        yield running
