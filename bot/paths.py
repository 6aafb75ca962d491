"""Learning paths over concepts: what to study, in what order, and where to study each step.

A path leads to a target, a concept ("the SVD") or a topic ("probability"): the concepts it builds on, in
prerequisite order, then the target's own concepts, each with the best place to study it for this member
(a section of a resource where the catalog knows its contents), and what the target opens up next.

Only real prerequisites appear as groundwork: the vocabulary's prerequisite graph decides, never the
topics a resource happens to touch. What a member has already studied (a resource teaching it finished,
or a section passed in one they are reading) is marked done and needs no place to study.

Pure and deterministic, like the ranking: no I/O, no Discord.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Concept, Resource, Section
from bot.catalog.vocabulary import BACKGROUND_LEVEL, Background, Level, Topic
from bot.reading import ReadingStatus

MAX_STEPS = 40


@dataclass(frozen=True)
class Place:
    """Where to study a concept: a resource, and the section of it that teaches the concept (if known)."""

    resource: Resource
    section: Section | None

    @property
    def label(self) -> str:
        """'Linear Algebra Done Right, chapter 7 · Operators on Inner Product Spaces'."""
        if self.section is None:
            return self.resource.title
        return f"{self.resource.title}, {self.section.label_in(self.resource.length.unit)} · {self.section.title}"


@dataclass(frozen=True)
class Step:
    """One concept on a path: where to study it, whether it is groundwork, whether the member has it."""

    concept: Concept
    place: Place | None
    groundwork: bool
    done: bool


@dataclass(frozen=True)
class Path:
    """The steps to a target, in study order, and what the target opens up next."""

    target: str  # the concept's name or the topic's label
    steps: tuple[Step, ...]
    unlocks: tuple[Concept, ...]
    left_out: int = 0  # steps beyond MAX_STEPS, not shown

    @property
    def to_do(self) -> tuple[Step, ...]:
        """The steps the member has not done yet."""
        return tuple(step for step in self.steps if not step.done)


@dataclass(frozen=True)
class Member:
    """What a path needs to know about the member: their shelves, positions and background."""

    statuses: Mapping[str, ReadingStatus]
    positions: Mapping[str, int]
    background: Background | None = None
    level: Level | None = None

    @classmethod
    def anonymous(cls) -> Member:
        """A member with nothing on their shelves."""
        return cls({}, {})


def concept_path(catalog: Catalog, concept_id: str, member: Member | None = None) -> Path:
    """The path to one concept: everything it builds on, then the concept, then what it unlocks."""
    member = member or Member.anonymous()
    concept = catalog.concepts[concept_id]
    order = [*catalog.concepts.groundwork(concept_id), concept]
    steps = [_step(catalog, c, member, groundwork=c.id != concept_id) for c in order]
    unlocks = tuple(catalog.concepts.unlocks(concept_id))
    return _bounded(concept.name, steps, unlocks)


def topic_path(catalog: Catalog, topic: Topic, member: Member | None = None) -> Path:
    """The path through a topic: its concepts in prerequisite order, with the real groundwork from elsewhere."""
    member = member or Member.anonymous()
    own = catalog.concepts.in_topic(topic)
    needed = {c.id for c in own}
    for concept in own:
        needed.update(c.id for c in catalog.concepts.groundwork(concept.id))
    order = catalog.concepts.in_order(needed)
    steps = [_step(catalog, c, member, groundwork=c.topic is not topic) for c in order]
    own_ids = {c.id for c in own}
    unlocks = tuple(
        c
        for c in catalog.concepts.in_order({u.id for o in own for u in catalog.concepts.unlocks(o.id)})
        if c.id not in own_ids and c.id not in needed
    )
    return _bounded(topic.label, steps, unlocks)


def _bounded(target: str, steps: list[Step], unlocks: tuple[Concept, ...]) -> Path:
    """The path with at most MAX_STEPS steps: done groundwork goes first, then the earliest groundwork.

    The steps nearest the target are kept: they are what the member studies next.
    """
    if len(steps) > MAX_STEPS:
        steps = [s for s in steps if not (s.done and s.groundwork)] or steps
    left_out = max(0, len(steps) - MAX_STEPS)
    return Path(target, tuple(steps[left_out:]), unlocks, left_out)


def _step(catalog: Catalog, concept: Concept, member: Member, *, groundwork: bool) -> Step:
    """A concept's step: done when the member studied it, else with the best place to study it."""
    done = any(_studied(resource, section, member) for resource, section in catalog.teaching(concept.id))
    return Step(concept, None if done else best_place(catalog, concept, member), groundwork, done)


def _studied(resource: Resource, section: Section | None, member: Member) -> bool:
    """Whether the member has got through this place: finished the resource, or passed the section."""
    status = member.statuses.get(resource.id)
    if status is ReadingStatus.FINISHED:
        return True
    if status is not ReadingStatus.READING or section is None or resource.id not in member.positions:
        return False
    later = [s.start for s in resource.sections if s.start is not None and section.start is not None]
    following = [start for start in later if start > (section.start or 0)]
    if not following:
        return False
    position = member.positions[resource.id]
    place = position + 1 if resource.length.unit.counts_parts else position
    return place >= min(following)


def best_place(catalog: Catalog, concept: Concept, member: Member) -> Place | None:
    """The best place for this member to study a concept, or None when nothing in the catalog teaches it.

    In order: a resource the member is reading (keep going), one on their want-to-read shelf, never one
    they dropped; then one whose main topic is the concept's; then the level the member is ready for
    (beginner when unknown); a named section over a whole resource; free over paid; catalog order.
    """
    ready = member.level or (BACKGROUND_LEVEL[member.background] if member.background else Level.BEGINNER)
    best: tuple[tuple, Place] | None = None
    for position, (resource, section) in enumerate(catalog.teaching(concept.id)):
        status = member.statuses.get(resource.id)
        if status is ReadingStatus.DROPPED:
            continue
        key = (
            status is not ReadingStatus.READING,
            status is not ReadingStatus.WANT_TO_READ,
            resource.topics[0] is not concept.topic,
            abs(resource.level.rank - ready.rank),
            section is None,
            not resource.is_free,
            position,
        )
        if best is None or key < best[0]:
            best = (key, Place(resource, section))
    return best[1] if best else None
