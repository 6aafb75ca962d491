"""The sandbox with the test bot, fresh for each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.sandbox import Sandbox
from tests.sandbox.study_bot import make_study_bot


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """The emulator with the study bot connected and ready."""
    async with Sandbox(make_study_bot) as running:
        yield running
