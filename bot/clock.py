"""The bot's clock: the real time plus an offset that tests and the sandbox can move forward.

Everything that decides *when* (the scheduler, reminders, goal weeks, club weeks) asks `Clock.now()`
instead of `datetime.now()`, so a test can say "it is now Monday 19:00 in Paris" and the bot believes it.
Production never moves it: the offset stays zero. Moving it wakes whatever follows the clock (the
scheduler), and `advance` returns only once each follower has caught up with the new time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

Follower = Callable[[], Awaitable[None]]


class Clock:
    """Wall-clock time in UTC, shifted by `offset`; `advance` and `set` move it and wake the followers."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset
        self._followers: list[Follower] = []
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        """The current time as the bot sees it, timezone-aware UTC."""
        return datetime.now(UTC) + self.offset

    def follow(self, follower: Follower) -> None:
        """Call (and await) `follower` every time the clock is moved."""
        self._followers.append(follower)

    def unfollow(self, follower: Follower) -> None:
        """Stop calling `follower`."""
        if follower in self._followers:
            self._followers.remove(follower)

    async def advance(self, by: timedelta) -> None:
        """Move the clock forward by `by` (never back: time that was lived stays lived), then let followers catch up."""
        if by < timedelta(0):
            raise ValueError("the clock only moves forward")
        self.offset += by
        await self._moved_now()

    async def set(self, moment: datetime) -> None:
        """Move the clock forward to `moment` (aware); an earlier moment is refused."""
        if moment.tzinfo is None:
            raise ValueError("give an aware datetime")
        await self.advance(max(timedelta(0), moment - self.now()))

    async def _moved_now(self) -> None:
        """Wake whoever sleeps on the clock, and wait for each follower in turn."""
        self._moved.set()
        self._moved = asyncio.Event()
        for follower in list(self._followers):
            await follower()
