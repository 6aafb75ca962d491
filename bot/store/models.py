"""What the store hands back: plain, frozen records with no database or Discord types in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from bot.catalog.vocabulary import LengthUnit
from bot.community import Outcomes
from bot.reading import ReadingStatus


@dataclass(frozen=True)
class ShelfEntry:
    """Where one member stands with one resource: the current read-through."""

    user_id: int
    resource_id: str
    status: ReadingStatus
    position: int | None
    unit: LengthUnit
    total: int
    started_at: datetime | None
    finished_at: datetime | None
    read_count: int  # read-throughs so far, this one included; a re-read makes it 2
    note: str | None
    updated_at: datetime
    times_finished: int = 0  # read-throughs of it finished, this one included (`finished_resources`)
    # What the update that returned this entry did, not where the member stands: equal entries ignore it.
    new_read_through: bool = field(default=False, compare=False)

    @property
    def ever_finished(self) -> bool:
        """Whether the member has finished it at least once: it counts as finished, even while re-read."""
        return self.times_finished > 0

    @property
    def reread_started_by_last_update(self) -> bool:
        """Whether the update that returned this entry started a re-read of a resource finished before."""
        return self.new_read_through and self.read_count > 1

    @property
    def finished_by_last_update(self) -> bool:
        """Whether the latest update is the one that finished it: a finish is stamped with its update's time."""
        return self.status is ReadingStatus.FINISHED and self.finished_at == self.updated_at

    @property
    def fraction(self) -> float:
        """How far along, 0.0 to 1.0; a finished resource is 1.0 whatever its last position."""
        if self.status is ReadingStatus.FINISHED:
            return 1.0
        return min(1.0, (self.position or 0) / self.total) if self.total else 0.0


@dataclass(frozen=True)
class ProgressEvent:
    """One update a member logged, kept forever (until they delete their data) for history and streaks."""

    user_id: int
    resource_id: str
    status: ReadingStatus
    position: int | None
    note: str | None
    at: datetime


@dataclass(frozen=True)
class ReadingStats:
    """A member's totals."""

    want_to_read: int  # by the current read-through's status, as the shelves are
    reading: int
    finished: int  # resources finished at least once (`bot.store.progress.finished_resources`), re-reads too
    dropped: int
    rereads: int
    updates: int
    active_days: int
    current_streak: int  # consecutive days with an update, ending today or yesterday
    longest_streak: int
    finished_this_year: int  # resources with a finish this year, each once
    time_zone: str = "UTC"  # the zone the days and the year are counted in: the member's own, once they set one


@dataclass(frozen=True)
class LeaderboardRow:
    """One member's line on a server's leaderboard."""

    user_id: int
    finished: int
    updates: int


class SuggestionStatus(StrEnum):
    """Where a member's suggestion (approved or rejected) or report (resolved or dismissed) stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class SuggestionKind(StrEnum):
    """What waits in the moderators' queue: a resource to add, or a problem with one already there."""

    RESOURCE = "resource"
    REPORT = "report"


class Problem(StrEnum):
    """What a member can report about a resource."""

    DEAD_LINK = "dead-link"
    WRONG_FACTS = "wrong-facts"

    @property
    def label(self) -> str:
        """'dead link', as the queue names it."""
        return self.value.replace("-", " ")


@dataclass(frozen=True)
class Suggestion:
    """A resource a member proposed, or a problem they reported with one, waiting for (or decided by) a moderator.

    A report names the resource (`resource_id`, and its title and link when reported) and the `problem`.
    """

    id: int
    guild_id: int
    user_id: int
    title: str
    url: str
    note: str | None
    status: SuggestionStatus
    created_at: datetime
    decided_by: int | None = None
    decided_at: datetime | None = None
    kind: SuggestionKind = SuggestionKind.RESOURCE
    resource_id: str | None = None
    problem: Problem | None = None

    @property
    def is_report(self) -> bool:
        """Whether this is a problem reported with a resource, not a resource suggested."""
        return self.kind is SuggestionKind.REPORT


@dataclass(frozen=True)
class AuditEntry:
    """One moderator action: who did what to which thing, when, and the before/after."""

    id: int
    guild_id: int
    moderator_id: int
    action: str  # "add", "edit", "retire", "restore", "import", "approve", "reject", "settings", "reload"
    target: str | None  # a resource id, a suggestion id, a setting name
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime


@dataclass(frozen=True)
class GuildSettings:
    """Per-server settings; every field has a safe default for a server that set nothing."""

    guild_id: int
    moderator_role_id: int | None = None
    announce_channel_id: int | None = None
    reminder_channel_id: int | None = None  # where reminders go for members whose DMs are closed
    members_start_clubs: bool = False  # whether members, not only moderators, may start reading clubs


@dataclass(frozen=True)
class ImportSummary:
    """What a moderator's import did (or, in a dry run, would do)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rating:
    """A member's own rating of a resource, with their review if they wrote one."""

    user_id: int
    resource_id: str
    rating: int  # stars, 1 to 5
    review: str | None
    named: bool  # the member chose to sign the review
    updated_at: datetime


@dataclass(frozen=True)
class Review:
    """A review as others see it: its text and rating, and who wrote it only when they chose to be named."""

    rating: int
    text: str
    author_id: int | None  # None unless the member chose to be named
    updated_at: datetime


@dataclass(frozen=True)
class CommunityCard:
    """What a resource's readers show others: outcomes here (in a server) and everywhere, and the latest reviews.

    Every figure is already past the privacy threshold and leaves out members who opted out.
    """

    here: Outcomes | None  # None in a direct message
    everywhere: Outcomes
    reviews: tuple[Review, ...] = ()


@dataclass(frozen=True)
class Reminder:
    """A member's study reminder: at `at` local time on `weekdays` in `time_zone`, and the streak nudge if asked."""

    user_id: int
    guild_id: int | None  # the server it was set in: its reminder channel is the fallback for closed DMs
    at: time
    weekdays: frozenset[int]
    time_zone: str
    streak_nudge: bool


class ClubState(StrEnum):
    """Whether a club still reads."""

    OPEN = "open"
    ENDED = "ended"


@dataclass(frozen=True)
class Club:
    """A reading club: a resource, a pace in sections a week from `starts_on`, its thread."""

    id: int
    guild_id: int
    resource_id: str
    title: str
    channel_id: int
    thread_id: int | None
    starts_on: date
    pace: int
    weeks: int
    time_zone: str
    started_by: int
    state: ClubState
    created_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class ClubMember:
    """A member of a club: whether they appear on its board and want a word when they fall behind."""

    id: int
    club_id: int
    user_id: int
    on_board: bool
    nudges: bool
    joined_at: datetime
