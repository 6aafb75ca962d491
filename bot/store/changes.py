"""What other processes changed: the names a write sends with its commit, handed to this process's caches.

A process keeps some rows in memory (a member's statuses, each server's live catalog) and some counts that
are not rows (a member's write cooldown). With one process per database (SQLite) it is the only writer and
nothing arrives here. With PostgreSQL several processes share the rows; each write names what it changed
(`Session.notify`), the names reach the other processes with the commit (LISTEN/NOTIFY), and each delivers
them here, to the caches that subscribed:

- `MEMBER`, a user id: the member's read-throughs or history changed; their cached statuses go.
- `CATALOG`, a guild id: the server's added, edited or retired resources changed; its cached catalog goes.
- `COOLDOWN`, a user id: the member made a write in another process; the cooldown counts it here too.
- `CURATED`, a guild id: a moderator reloaded the curated files there; this process reloads its own.

When the connection that listens is lost, notifications may be missed: every cache drops everything, and
`exact` stays False (caches keep nothing they read) until listening again, when everything is dropped once
more (whatever was read meanwhile may predate a missed change).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

log = logging.getLogger(__name__)

MEMBER = "member"
CATALOG = "catalog"
COOLDOWN = "cooldown"
CURATED = "curated"
TOPICS = (MEMBER, CATALOG, COOLDOWN, CURATED)

# A subscriber gets the key that changed, or None for "anything may have changed".
Subscriber = Callable[[str | None], None]


class Changes:
    """Deliveries of other processes' changes to the caches of this one."""

    def __init__(self) -> None:
        self._subscribers: defaultdict[str, list[Subscriber]] = defaultdict(list)
        self.exact = True  # whether a cache may keep what it reads: no notification can have been missed
        self.delivered = 0  # notifications handed to subscribers (for tests and the log)

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        """Call `subscriber(key)` when another process changed `key` of `topic`, `subscriber(None)` when anything
        may have changed."""
        if topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}; known: {', '.join(TOPICS)}")
        self._subscribers[topic].append(subscriber)

    def deliver(self, topic: str, key: str | None) -> None:
        """Another process changed `key` of `topic` (None: anything of it)."""
        self.delivered += 1
        for subscriber in self._subscribers.get(topic, ()):
            try:
                subscriber(key)
            except Exception:  # one cache's bug must not stop the others from dropping what they hold
                log.exception("Dropping %s %s from a cache failed", topic, key)

    def lost(self) -> None:
        """Notifications may be missed from now on: keep nothing, and drop everything held."""
        self.exact = False
        self._everything()

    def regained(self) -> None:
        """Listening again: drop what was read while deaf, then cache again."""
        self._everything()
        self.exact = True

    def _everything(self) -> None:
        """Every subscriber of every topic drops everything."""
        for topic in TOPICS:
            self.deliver(topic, None)
