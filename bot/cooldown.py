"""The per-member write cooldown: at most `rate` writes per `per` seconds, buttons and commands alike.

A sliding window of each member's recent writes. Pure: the clock is injected, nothing here knows
Discord, so a burst of a thousand presses is a plain loop in a test.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class WriteLimiter:
    """Counts each member's writes and says how long to wait once they used up the window."""

    def __init__(
        self,
        rate: int,
        per: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_write: Callable[[int], None] | None = None,
    ) -> None:
        if rate < 1 or per <= 0:
            raise ValueError("rate must be at least 1 and per more than 0")
        self.rate = rate
        self.per = per
        self._clock = clock
        self.on_write = on_write  # told of every write counted here (the bot tells its other processes)
        self._writes: dict[int, deque[float]] = {}
        self._last_sweep = clock()

    def hit(self, user_id: int) -> float | None:
        """Count one write by this member; None when allowed, else the seconds to wait (nothing counted)."""
        now = self._clock()
        self._sweep(now)
        writes = self._writes.setdefault(user_id, deque())
        while writes and now - writes[0] >= self.per:
            writes.popleft()
        if len(writes) >= self.rate:
            return max(0.0, writes[0] + self.per - now)
        writes.append(now)
        if self.on_write is not None:
            self.on_write(user_id)
        return None

    def record(self, user_id: int) -> None:
        """Count a write the member made elsewhere (another process of the bot), now; it is never refused here."""
        now = self._clock()
        self._sweep(now)
        self._writes.setdefault(user_id, deque()).append(now)

    def retry_after(self, user_id: int) -> float | None:
        """The wait before this member's next write, without counting one; None when they may write now."""
        now = self._clock()
        writes = [t for t in self._writes.get(user_id, ()) if now - t < self.per]
        return max(0.0, writes[0] + self.per - now) if len(writes) >= self.rate else None

    def reset(self, user_id: int) -> None:
        """Forget a member's writes (their data was deleted)."""
        self._writes.pop(user_id, None)

    def _sweep(self, now: float) -> None:
        """Drop members whose window is empty, at most once a period, so memory follows active members."""
        if now - self._last_sweep < self.per:
            return
        self._last_sweep = now
        for user_id in [u for u, writes in self._writes.items() if not writes or now - writes[-1] >= self.per]:
            del self._writes[user_id]

    def __len__(self) -> int:
        return len(self._writes)
