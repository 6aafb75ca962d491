"""Due work, as the scheduler and the store pass it around: a job, and what became of it.

A job is one firing of a schedule (a member's reminder on one day, a club's week), recorded in the
database before anything is sent. Its `nonce` is the idempotency key sent with the message: Discord
returns the message already created for the same nonce instead of creating a second one, so a job sent
again after a crash (the process killed between sending and recording "sent") still arrives once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

NONCE_PREFIX = "pillars-job-"  # Discord takes nonces of up to 25 characters: the prefix and an id fit


class JobKind(StrEnum):
    """What a job does when it fires."""

    REMINDER = "reminder"  # a member's study reminder
    STREAK = "streak"  # a member's streak-at-risk nudge, before their day ends
    CLUB_WEEK = "club-week"  # a club's weekly target in its thread (and, after the last week, the summary)
    CLUB_NUDGE = "club-nudge"  # a gentle weekly word to a club member who fell behind


class JobState(StrEnum):
    """Where a job stands: due, claimed by one scheduler (sending), or done one way or another."""

    DUE = "due"
    CLAIMED = "claimed"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """One firing to deliver: `subject_id` is the reminder's member, the club, or the club membership."""

    id: int
    kind: JobKind
    schedule_id: int | None
    subject_id: int
    user_id: int | None
    due_at: datetime
    missed: int  # earlier firings folded into this one after downtime (0 normally)
    attempts: int
    guild_id: int | None = None  # the server it concerns (None: none, a reminder set in a DM)

    @property
    def nonce(self) -> str:
        """The idempotency key sent with the job's message (at most 25 characters)."""
        return f"{NONCE_PREFIX}{self.id}"[:25]


@dataclass(frozen=True)
class Shards:
    """The shards one bot process runs, of the whole bot's `count`: its scheduler sends the jobs of the servers
    on them (it has their members and channels in its cache) and the jobs of no server. Discord puts a server on
    shard (guild_id >> 22) % count."""

    count: int
    ids: frozenset[int]

    def carry(self, guild_id: int | None) -> bool:
        """Whether a job of this server (None: of none) is this process's to send."""
        return guild_id is None or (guild_id >> 22) % self.count in self.ids


@dataclass(frozen=True)
class Sent:
    """Delivered: where (dm, channel, thread) and the message's id."""

    where: str
    message_id: int | None = None


@dataclass(frozen=True)
class Skipped:
    """Nothing to send, on purpose: the member already read today, a nudge already went, the club ended…"""

    reason: str


@dataclass(frozen=True)
class Retry:
    """Not delivered this time (Discord refused for now): try again after `after`."""

    reason: str
    after: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class Failed:
    """Cannot be delivered, and trying again would not help (the channel is gone, DMs closed and no fallback)."""

    reason: str


Outcome = Sent | Skipped | Retry | Failed
