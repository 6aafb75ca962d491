"""What the community's reading tells one member: outcomes per resource, and the signals the ranking may use.

Privacy first, decided here once:

- **The threshold.** A figure is shown only when at least `PRIVACY_THRESHOLD` (3) different members stand
  behind it, so no single member's reading can be read off it; a figure made of others (a completion rate is
  finished ÷ started) is shown only when each of them is. `publish` and `community_facts` are the only ways
  from the store's raw counts (`Tally`, `FactRow`) to anything shown, and both apply it through `stands`.
- **The opt-out** (`/progress privacy`) is applied by the store where the counts are kept: a member who is left
  out is in no count at all, so no threshold can let them through.

Pure: no I/O, no Discord. The scope of a figure is a server ("here") or every server.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from bot.catalog.schema import Resource, Section
from bot.catalog.vocabulary import Words
from bot.errors import InvalidInputError

if TYPE_CHECKING:
    import numpy as np

    from bot.catalog.catalog import Catalog
    from bot.catalog.columns import CatalogColumns

PRIVACY_THRESHOLD = 3
EVERY_SERVER = 0  # the scope of figures across every server (and direct messages)
MAX_WENT_ON = 3
MIN_RATING, MAX_RATING = 1, 5
MAX_REASON_DETAIL = 200


def stands(members: int) -> bool:
    """Whether a figure standing on this many different members may be shown."""
    return members >= PRIVACY_THRESHOLD


class DropReason(Words):
    """Why a member stopped reading a resource: a short list, or their own words (OTHER)."""

    TOO_HARD = "too-hard"
    TOO_SLOW = "too-slow"
    NOT_WHAT_I_NEEDED = "not-what-i-needed"
    OTHER = "other"

    @property
    def label(self) -> str:
        """'too hard', 'not what I needed': the reason as a member says it."""
        return "not what I needed" if self is DropReason.NOT_WHAT_I_NEEDED else self.value.replace("-", " ")


LISTED_REASONS = (DropReason.TOO_HARD, DropReason.TOO_SLOW, DropReason.NOT_WHAT_I_NEEDED)


def read_drop_reason(text: str) -> tuple[DropReason, str | None]:
    """A reason as a member gave it: one of the listed ones (forgivingly), else OTHER with their words.

    Their own words are for them alone (their export); others only ever see that some reason was 'other'.
    """
    if not isinstance(text, str):
        raise InvalidInputError("The reason must be text.")
    if len(text) > MAX_REASON_DETAIL:
        raise InvalidInputError(f"The reason is {len(text):,} characters long; keep it to {MAX_REASON_DETAIL}.")
    words = " ".join(text.replace("-", " ").replace("_", " ").split()).strip(" .!").casefold()
    if not words:
        raise InvalidInputError("Say why you stopped, or pick one of the reasons.")
    for reason in DropReason:
        if words == reason.label.casefold():
            return reason, None
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return DropReason.OTHER, cleaned or None


def check_rating(rating: object) -> int:
    """A rating is a whole number of stars from 1 to 5; InvalidInputError for anything else."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not MIN_RATING <= rating <= MAX_RATING:
        raise InvalidInputError(f"A rating is a whole number of stars from {MIN_RATING} to {MAX_RATING}.")
    return rating


class Figure(StrEnum):
    """What one stored count is of (the store's `outcome_counts.figure`)."""

    STARTED = "started"
    FINISHED = "finished"
    DROPPED = "dropped"
    DAYS = "days"  # key: whole days from start to first finish
    STOP = "stop"  # key: the position a dropped read-through stopped at
    REASON = "reason"  # key: a DropReason value
    NEXT = "next"  # key: the resource members started next
    RATING = "rating"  # key: stars


_FIGURES = {figure.value: figure for figure in Figure}  # a dict lookup is cheaper than Figure(text), per row


@dataclass(frozen=True)
class Tally:
    """One resource's raw counts in one scope, as the store keeps them: never shown as they are (see `publish`)."""

    counts: Mapping[Figure, Mapping[Any, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, Any, int]]) -> Tally:
        """The tally of (figure, key, members) rows."""
        counts: dict[Figure, dict[Any, int]] = {}
        for figure, key, members in rows:
            if members <= 0:
                continue
            bucket = counts.setdefault(_FIGURES[figure], {})
            bucket[key] = bucket.get(key, 0) + members
        return cls(counts)

    def total(self, figure: Figure) -> int:
        """Members behind a figure, over all its keys."""
        return sum(self.counts.get(figure, {}).values())

    def keyed(self, figure: Figure) -> Mapping[Any, int]:
        """Key → members for a figure."""
        return self.counts.get(figure, {})


@dataclass(frozen=True)
class Stop:
    """Where the members who drop a resource usually stop: a section, or (without sections) a position."""

    members: int  # who stopped there
    of: int  # who stopped at a known position
    section: Section | None = None
    position: int | None = None  # the median stopping position, for a resource without sections


@dataclass(frozen=True)
class Outcomes:
    """What a resource's readers in one scope show the others; each figure is None below the threshold."""

    started: int | None = None
    finished: int | None = None
    dropped: int | None = None
    completion: float | None = None  # finished ÷ started, 0 to 1
    median_days: float | None = None  # from start to first finish
    stop: Stop | None = None
    reason: tuple[DropReason, int] | None = None  # the reason most of those who dropped it gave, and how many
    rating: float | None = None  # the average, 1 to 5
    ratings: int | None = None
    went_on: tuple[tuple[str, int], ...] = ()  # (resource id, members): what finishers most often started next

    @property
    def shows_anything(self) -> bool:
        """Whether any figure stands."""
        return any(v is not None for v in (self.started, self.finished, self.dropped, self.rating)) or bool(
            self.went_on
        )


def publish(tally: Tally, resource: Resource | None = None) -> Outcomes:
    """The figures of a tally that may be shown (the threshold: see the module docstring).

    `resource` names the section where droppers stop, where it has sections with starts.
    """
    started, finished, dropped = (tally.total(f) for f in (Figure.STARTED, Figure.FINISHED, Figure.DROPPED))
    ratings = tally.keyed(Figure.RATING)
    rated = sum(ratings.values())
    reasons = [(DropReason(k), n) for k, n in tally.keyed(Figure.REASON).items() if k in set(LISTED_REASONS)]
    reasons.sort(key=lambda pair: (-pair[1], LISTED_REASONS.index(pair[0])))
    went_on = sorted(((str(k), n) for k, n in tally.keyed(Figure.NEXT).items() if stands(n)), key=_most_first)
    return Outcomes(
        started=started if stands(started) else None,
        finished=finished if stands(finished) else None,
        dropped=dropped if stands(dropped) else None,
        completion=finished / started if stands(started) and stands(finished) else None,
        median_days=_median(tally.keyed(Figure.DAYS)),
        stop=_stop(tally.keyed(Figure.STOP), resource),
        reason=reasons[0] if reasons and stands(reasons[0][1]) else None,
        rating=sum(int(k) * n for k, n in ratings.items()) / rated if stands(rated) else None,
        ratings=rated if stands(rated) else None,
        went_on=tuple(went_on[:MAX_WENT_ON]),
    )


def _most_first(pair: tuple[str, int]) -> tuple[int, str]:
    """Sort key of (resource id, members): most members first, then by id."""
    return -pair[1], pair[0]


def _median(histogram: Mapping[Any, int]) -> float | None:
    """The exact median of the values a histogram counts, when enough members stand behind it."""
    total = sum(histogram.values())
    if not stands(total):
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2  # the middle one or two, counted from 0
    low = None
    seen = 0
    for value, members in sorted((int(k), n) for k, n in histogram.items()):
        if low is None and seen + members > low_rank:
            low = value
        if seen + members > high_rank:
            assert low is not None
            return (low + value) / 2
        seen += members
    raise AssertionError("the ranks are within the total")


def _stop(positions: Mapping[Any, int], resource: Resource | None) -> Stop | None:
    """Where droppers stop: the section most of them stopped in, else (no sections) their median position."""
    known = sum(positions.values())
    if not stands(known):
        return None
    sections = [s for s in resource.sections if s.start is not None] if resource is not None else []
    if resource is None or not sections:
        median = _median(positions)
        return Stop(known, known, position=round(median)) if median is not None else None
    in_section = _members_per_section(resource, sections, positions)
    best = max(range(len(sections)), key=lambda index: (in_section[index], -index))
    return Stop(in_section[best], known, section=sections[best]) if stands(in_section[best]) else None


def _members_per_section(resource: Resource, sections: list[Section], positions: Mapping[Any, int]) -> list[int]:
    """Members who stopped in each section, by `Resource.section_at`.

    A popular resource has a count at hundreds of positions; since a later position is never in an earlier
    section, each section's first position is found by bisection, asking `section_at` a few times per section.
    """
    # By number, unique within a resource: a section is made anew each time it is read (see `Sections`).
    index_of = {section.number: index for index, section in enumerate(sections)}

    def section_index(position: int) -> int:
        found = resource.section_at(position)
        return -1 if found is None else index_of[found.number]

    ordered = sorted((int(position), members) for position, members in positions.items())
    places = [position for position, _ in ordered]
    before = [0, *accumulate(members for _, members in ordered)]  # members at the positions before index i
    firsts = [
        bisect_left(range(len(places)), index, key=lambda i: section_index(places[i])) for index in range(len(sections))
    ]
    ends = [*firsts[1:], len(places)]
    return [before[end] - before[first] for first, end in zip(firsts, ends, strict=True)]


# --- signals for the ranking -----------------------------------------------------------------------

FINISHED_BONUS = 0.125  # at FINISHED_FOR_FULL_BONUS finishers or more; less below
FINISHED_FOR_FULL_BONUS = 10
RATING_BONUS = 0.125  # at 5/5, falling to nothing at 3/5; a rating at or under 3/5 lifts nothing
WENT_ON_BONUS = 0.125  # members who finished what this member finished went on to it
MAX_BONUS = FINISHED_BONUS + RATING_BONUS + WENT_ON_BONUS  # 0.375: less than the smallest ranking rule (0.5)
_STEP = 1 / 64  # bonuses are multiples of this, so adding them in any order gives the same float


def _quantised(value: float) -> float:
    """The value rounded to a multiple of 1/64, exact in binary."""
    return round(value / _STEP) * _STEP


@dataclass(frozen=True)
class ResourceFacts:
    """What a scope's members show about one resource, already past the threshold."""

    finished: int | None = None
    rating: float | None = None
    ratings: int | None = None

    @property
    def finished_bonus(self) -> float:
        """What the finishers are worth: FINISHED_BONUS at FINISHED_FOR_FULL_BONUS of them, less for fewer."""
        if self.finished is None:
            return 0.0
        return _quantised(FINISHED_BONUS * min(1.0, self.finished / FINISHED_FOR_FULL_BONUS))

    @property
    def rating_bonus(self) -> float:
        """What the rating is worth: RATING_BONUS at 5/5, nothing at 3/5 or below."""
        if self.rating is None:
            return 0.0
        return _quantised(RATING_BONUS * max(0.0, self.rating - 3) / 2)


@dataclass(frozen=True)
class FactRow:
    """One stored count of a scope, as the store reads it for the ranking."""

    resource_id: str
    figure: str
    key: Any
    members: int


@dataclass
class CommunityFacts:
    """A scope's facts about every resource, for the ranking: built once per scope and state, shared by members."""

    here: bool  # a server's figures ("finished by 12 members here"), or every server's
    resources: Mapping[str, ResourceFacts]
    went_on: Mapping[str, tuple[tuple[str, int], ...]]  # finished → (started next, members), most first
    _columns: dict[int, tuple[CatalogColumns, np.ndarray]] = field(default_factory=dict, repr=False)

    def bonus(self, resource_id: str) -> float:
        """The part of a resource's bonus that is the same for every member: finishers and rating."""
        facts = self.resources.get(resource_id)
        return 0.0 if facts is None else facts.finished_bonus + facts.rating_bonus

    def column(self, columns: CatalogColumns) -> np.ndarray:
        """`bonus` for every resource of a catalog, by position; computed once per catalog."""
        import numpy as np

        cached = self._columns.get(id(columns))
        if cached is not None and cached[0] is columns:
            return cached[1]
        values = np.zeros(len(columns.ids))
        for resource_id in self.resources:
            position = columns.position.get(resource_id)
            if position is not None:
                values[position] = self.bonus(resource_id)
        self._columns[id(columns)] = (columns, values)
        return values

    def for_member(self, finished: Collection[str], catalog: Catalog) -> CommunitySignals:
        """The signals for a member who finished these: what members went on to from each, named by title."""
        best: dict[str, tuple[int, str]] = {}  # started next → (members, the finished resource's title)
        for done in finished:
            if done not in catalog:
                continue
            title = catalog[done].title
            for next_id, members in self.went_on.get(done, ()):
                if next_id not in best or (-members, title) < (-best[next_id][0], best[next_id][1]):
                    best[next_id] = (members, title)
        return CommunitySignals(self, {next_id: title for next_id, (_, title) in best.items()})


def community_facts(rows: Iterable[FactRow], *, here: bool) -> CommunityFacts:
    """A scope's facts for the ranking from its stored counts, each past the threshold (`stands`)."""
    finished: dict[str, int] = {}
    stars: dict[str, dict[int, int]] = {}
    went_on: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        if row.figure == Figure.FINISHED:
            finished[row.resource_id] = finished.get(row.resource_id, 0) + row.members
        elif row.figure == Figure.RATING:
            histogram = stars.setdefault(row.resource_id, {})
            histogram[int(row.key)] = histogram.get(int(row.key), 0) + row.members
        elif row.figure == Figure.NEXT and stands(row.members):
            went_on.setdefault(row.resource_id, []).append((str(row.key), row.members))
    resources: dict[str, ResourceFacts] = {}
    for resource_id in finished.keys() | stars.keys():
        count = finished.get(resource_id, 0)
        histogram = stars.get(resource_id, {})
        rated = sum(histogram.values())
        facts = ResourceFacts(
            finished=count if stands(count) else None,
            rating=sum(k * n for k, n in histogram.items()) / rated if stands(rated) else None,
            ratings=rated if stands(rated) else None,
        )
        if facts != ResourceFacts():
            resources[resource_id] = facts
    ordered = {k: tuple(sorted(v, key=_most_first)) for k, v in went_on.items()}
    return CommunityFacts(here, resources, ordered)


@dataclass(frozen=True)
class CommunitySignals:
    """Per-resource facts for one member's ranking, already past the privacy threshold (`community_facts`).

    They add a small bonus (at most `MAX_BONUS`, less than the smallest ranking rule) to resources the ranking
    already allows: they break ties and lift good fits, never pass a filter or a level, and a resource with no
    data gets nothing, so where no resource has data the curated order stands.
    """

    facts: CommunityFacts
    after: Mapping[str, str] = field(default_factory=dict)  # resource id → the title this member finished first

    def bonus(self, resource_id: str) -> float:
        """A resource's bonus for this member (0 without data)."""
        return self.facts.bonus(resource_id) + (WENT_ON_BONUS if resource_id in self.after else 0.0)

    def column(self, columns: CatalogColumns) -> np.ndarray:
        """`bonus` for every resource of a catalog, by position (the scope's column plus this member's part)."""
        values = self.facts.column(columns)
        if not self.after:
            return values
        values = values.copy()
        for resource_id in self.after:
            position = columns.position.get(resource_id)
            if position is not None:
                values[position] += WENT_ON_BONUS
        return values

    def reasons(self, resource_id: str) -> list[str]:
        """What the bonus rests on, in words: 'finished by 12 members here · 4.6/5', 'members who finished …'."""
        where = " here" if self.facts.here else ""
        reasons = []
        facts = self.facts.resources.get(resource_id)
        if facts is not None:
            rated = f"{facts.rating:.1f}/5" if facts.rating_bonus > 0 else ""
            if facts.finished_bonus > 0:
                reasons.append(f"finished by {facts.finished} members{where}" + (f" · {rated}" if rated else ""))
            elif rated:
                reasons.append(f"rated {rated} by {facts.ratings} members{where}")
        if resource_id in self.after:
            reasons.append(f"members who finished {self.after[resource_id]} went on to this")
        return reasons
