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

import difflib
import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import concept_key
from bot.catalog.matching import ACCEPT_RATIO, SUGGEST_RATIO, resolve_topic
from bot.catalog.schema import Concept, Resource, Section
from bot.catalog.vocabulary import BACKGROUND_LEVEL, Background, Cost, Level, Topic, topic_words
from bot.pace import Pace
from bot.reading import ReadingStatus

if TYPE_CHECKING:  # for its type only: importing the store would cost a command line that draws no path 30 ms
    from bot.store.models import ShelfEntry

# Every topic path of the shipped vocabulary fits (the longest, machine learning, has 75 steps); the bound
# is for a vocabulary that grows past what a member would read through.
MAX_STEPS = 100

# What a path leads to; autocomplete's values say which ("topic:probability", "concept:svd").
PathTarget = Topic | Concept
TOPIC_PREFIX = "topic:"
CONCEPT_PREFIX = "concept:"
_TOPIC_KEYS: dict[str, Topic] = {concept_key(word): topic for word, topic in topic_words().items()}


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
    # For a concept it unlocks, the direct prerequisites that are neither on the path nor done yet.
    also_needs: Mapping[str, tuple[Concept, ...]] = field(default_factory=dict)

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

    @classmethod
    def from_shelf(cls, entries: Iterable[ShelfEntry]) -> Member:
        """A member as their shelves show them: each resource's status, and the position in what they read."""
        entries = list(entries)
        statuses = {entry.resource_id: entry.status for entry in entries}
        positions = {
            entry.resource_id: entry.position
            for entry in entries
            if entry.status is ReadingStatus.READING and entry.position is not None
        }
        return cls(statuses, positions)


def resolve_target(catalog: Catalog, text: str) -> PathTarget | None:
    """The topic or concept a typed value names, or None.

    An autocomplete value says which it is. Typed text is a topic by its name ("gradient descent" is the
    topic), then a concept by name, id or synonym ("SVD", "eigenvalues"), then a topic by a synonym
    ("linalg"), then a close misspelling of either.
    """
    text = text.strip()
    if text.startswith(TOPIC_PREFIX):
        value = text.removeprefix(TOPIC_PREFIX)
        return next((topic for topic in Topic if topic.value == value), None)
    if text.startswith(CONCEPT_PREFIX):
        return catalog.concepts.get(text.removeprefix(CONCEPT_PREFIX))
    key = concept_key(text)
    topic = _TOPIC_KEYS.get(key)
    if topic is not None and key in (concept_key(topic.label), concept_key(topic.value)):
        return topic
    concept = catalog.concepts.named(text)
    if concept is not None:
        return concept
    if topic is not None:
        return topic
    close = difflib.get_close_matches(key, list(catalog.concepts.words), n=2, cutoff=ACCEPT_RATIO)
    if close and len({catalog.concepts.words[word].id for word in close}) == 1:
        return catalog.concepts.words[close[0]]
    return resolve_topic(text)


def close_targets(catalog: Catalog, text: str, limit: int = 3, *, same_start: bool = False) -> list[str]:
    """Names of topics and concepts close to what was typed, for "did you mean…".

    `same_start` compares only words starting with the same letter: a typo rarely hits the first one, and
    autocomplete, asking on every keystroke, then compares a fifteenth of the words.
    """
    key = concept_key(text)
    words = {word: topic.label for word, topic in _TOPIC_KEYS.items()}
    words.update((word, concept.name) for word, concept in catalog.concepts.words.items())
    if same_start:
        words = {word: name for word, name in words.items() if word[:1] == key[:1]}
    close = difflib.get_close_matches(key, list(words), n=limit * 3, cutoff=SUGGEST_RATIO)
    return list(dict.fromkeys(words[word] for word in close))[:limit]


def target_choices(catalog: Catalog, typed: str, limit: int = 25) -> list[tuple[str, str]]:
    """Autocomplete for a path's target: (shown name, value); what is named exactly first, then topics, concepts.

    Each topic and concept is offered once, under its name when the name matches, else under the synonym
    that matched best: starting with what was typed, then with a later word starting with it. A word that is
    both a concept's and a topic's synonym ("eigenvalues") offers the concept. A scan of the ~1,000 words
    prepared once per catalog costs about a millisecond, so it runs on every keystroke without an index.
    """
    typed_key = concept_key(typed)
    if not typed_key:
        return [(f"{topic.label} · topic", TOPIC_PREFIX + topic.value) for topic in Topic][:limit]
    found: dict[str, tuple[int, bool, str]] = {}  # value → (rank: 0 exact, 1 start, 2 inner; by name; shown)
    padded = f" {typed_key}"
    for word, value, name, is_name in catalog.derived("path-target-words", _target_words):
        if word == typed_key:
            rank = 0
        elif word.startswith(typed_key):
            rank = 1
        elif padded in f" {word}":
            rank = 2
        else:
            continue
        best = found.get(value)
        if best is None or (rank, not is_name) < (best[0], not best[1]):
            found[value] = (rank, is_name, name if is_name else f"{word} → {name}")
    ranked = sorted(found.items(), key=lambda item: (item[1][0], not item[0].startswith(TOPIC_PREFIX)))
    choices = [(shown, value) for value, (_, _, shown) in ranked[:limit]]
    if not choices and len(typed_key) >= 4:
        for name in close_targets(catalog, typed, same_start=True):
            target = resolve_target(catalog, name)
            if target is not None:
                choices.append((f"{name} (did you mean?)", target_value(target)))
    return choices


def _target_words(catalog: Catalog) -> list[tuple[str, str, str, bool]]:
    """(word, value, shown name, whether the word is the name) for every topic and concept word."""
    concept_words = catalog.concepts.words
    rows: list[tuple[str, str, str, bool]] = []
    for word, topic in _TOPIC_KEYS.items():
        label = concept_key(topic.label)
        if word not in concept_words or word == label:  # a concept's synonym names the concept
            rows.append((word, TOPIC_PREFIX + topic.value, f"{topic.label} · topic", word == label))
    for word, concept in concept_words.items():
        name = concept_key(concept.name)
        where = "concept" if concept_key(concept.topic.label) == name else concept.topic.label
        rows.append((word, CONCEPT_PREFIX + concept.id, f"{concept.name} · {where}", word == name))
    return rows


def path_to(catalog: Catalog, target: PathTarget, member: Member | None = None) -> Path:
    """The path to a topic or a concept."""
    if isinstance(target, Topic):
        return topic_path(catalog, target, member)
    return concept_path(catalog, target.id, member)


def target_value(target: PathTarget) -> str:
    """The value that names a target unambiguously ('topic:probability', 'concept:svd')."""
    return TOPIC_PREFIX + target.value if isinstance(target, Topic) else CONCEPT_PREFIX + target.id


def concept_path(catalog: Catalog, concept_id: str, member: Member | None = None) -> Path:
    """The path to one concept: everything it builds on, then the concept, then what it unlocks."""
    member = member or Member.anonymous()
    concept = catalog.concepts[concept_id]
    order = [*catalog.concepts.groundwork(concept_id), concept]
    shelf = _shelf_of(catalog, member)
    steps = [_step(catalog, c, shelf, groundwork=c.id != concept_id) for c in order]
    unlocks = tuple(catalog.concepts.unlocks(concept_id))
    return _bounded(concept.name, steps, unlocks, _also_needs(catalog, steps, unlocks, shelf), keep="end")


def topic_path(catalog: Catalog, topic: Topic, member: Member | None = None) -> Path:
    """The path through a topic: its concepts in prerequisite order, each after the real groundwork it needs.

    Groundwork from another topic comes just before the first concept that needs it, so the path starts in
    the topic wherever it can ("/path probability" opens with sample spaces, not with vectors).

    Two topics can each build on the other (the multivariate normal needs positive-definite matrices; PCA
    needs covariance). The one that builds on the other more (a larger share of its concepts does) is studied
    after it: a concept of this topic that needs such a later topic is where the path leads next, not a step,
    so "/path linear algebra" does not teach half of probability on the way to PCA.
    """
    member = member or Member.anonymous()
    graph = catalog.concepts
    later = topics_studied_after(catalog, topic)
    own = graph.in_topic(topic)
    bridges = [c for c in own if any(g.topic in later for g in graph.groundwork(c.id))]
    bridge_ids = {c.id for c in bridges}
    placed: dict[str, Concept] = {}
    for concept in own:
        if concept.id in bridge_ids:
            continue
        for needed in graph.groundwork(concept.id):
            placed.setdefault(needed.id, needed)
        placed.setdefault(concept.id, concept)
    shelf = _shelf_of(catalog, member)
    steps = [_step(catalog, c, shelf, groundwork=c.topic is not topic) for c in placed.values()]
    beyond = graph.in_order(
        {u.id for o in own if o.id not in bridge_ids for u in graph.unlocks(o.id)} - placed.keys() - bridge_ids
    )
    unlocks = (*bridges, *(c for c in beyond if c.topic is not topic))
    return _bounded(topic.label, steps, unlocks, _also_needs(catalog, steps, unlocks, shelf), keep="start")


def topics_studied_after(catalog: Catalog, topic: Topic) -> frozenset[Topic]:
    """The topics that build on this one more than it builds on them (see `topic_path`)."""
    reliance = catalog.derived("topic-reliance", _topic_reliance)
    return frozenset(
        other
        for (first, other), share in reliance.items()
        if first is topic and reliance.get((other, topic), 0.0) > share
    )


def _topic_reliance(catalog: Catalog) -> dict[tuple[Topic, Topic], float]:
    """(topic, other) → the share of the topic's concepts that build on the other topic, directly or not."""
    graph = catalog.concepts
    relying: dict[tuple[Topic, Topic], int] = {}
    sizes: dict[Topic, int] = {}
    for concept in graph:
        sizes[concept.topic] = sizes.get(concept.topic, 0) + 1
        for other in {g.topic for g in graph.groundwork(concept.id)} - {concept.topic}:
            relying[(concept.topic, other)] = relying.get((concept.topic, other), 0) + 1
    return {pair: count / sizes[pair[0]] for pair, count in relying.items()}


def _also_needs(
    catalog: Catalog, steps: list[Step], unlocks: tuple[Concept, ...], shelf: _Shelf
) -> dict[str, tuple[Concept, ...]]:
    """For each unlocked concept, its direct prerequisites that are not on the path and not done."""
    on_path = {step.concept.id for step in steps}
    found: dict[str, tuple[Concept, ...]] = {}
    for concept in unlocks:
        missing = tuple(
            catalog.concepts[p]
            for p in concept.prerequisites
            if p in catalog.concepts and p not in on_path and p not in shelf.done
        )
        if missing:
            found[concept.id] = missing
    return found


def study_days(path: Path, pace: Pace) -> float:
    """Days the steps left take at a member's pace (`bot.pace`): each place to study counted once, a section by
    its own length, and a whole resource once with every section of it that the path also names."""
    places: dict[tuple[str, str | None], float] = {}
    for step in path.to_do:
        if step.place is None:
            continue
        resource, section = step.place.resource, step.place.section
        key = (resource.id, None if section is None else section.number)
        if key not in places:
            places[key] = pace.days_for(resource, section=section)
    whole = {resource_id for resource_id, number in places if number is None}
    return sum(days for (resource_id, number), days in places.items() if number is None or resource_id not in whole)


def _bounded(
    target: str,
    steps: list[Step],
    unlocks: tuple[Concept, ...],
    also_needs: dict[str, tuple[Concept, ...]],
    *,
    keep: str,
) -> Path:
    """The path with at most MAX_STEPS steps: done groundwork goes first, then what lies furthest from `keep`.

    A concept path keeps its end: the target, and the groundwork nearest it. A topic path keeps its start:
    where the member begins; what lies beyond is reached with a path to a later concept.
    """
    if len(steps) > MAX_STEPS:
        steps = [s for s in steps if not (s.done and s.groundwork)] or steps
    left_out = max(0, len(steps) - MAX_STEPS)
    kept = steps[left_out:] if keep == "end" else steps[:MAX_STEPS]
    return Path(target, tuple(kept), unlocks, left_out, also_needs)


def _step(catalog: Catalog, concept: Concept, shelf: _Shelf, *, groundwork: bool) -> Step:
    """A concept's step: done when the member studied it, else with the best place to study it."""
    done = concept.id in shelf.done
    return Step(concept, None if done else _best_place(catalog, concept, shelf), groundwork, done)


# Where a concept is taught in one resource: (order, resource, section). The order sorts places as
# `Catalog.teaching` lists them: catalog order, then the resource's own concepts before its sections'.
_Taught = tuple[int, Resource, Section | None]
_ORDER_SPAN = 1_000  # more than a resource's sections (at most 300), so orders of two resources never mix


def _positions(catalog: Catalog) -> dict[str, int]:
    """Each resource's place in the catalog's order."""
    return catalog.derived("resource-positions", lambda c: {rid: index for index, rid in enumerate(c.ids)})


def _places_in(catalog: Catalog, resource: Resource) -> dict[str, list[_Taught]]:
    """Concept id → where this resource teaches it (as a whole, or in a section)."""
    base = _positions(catalog)[resource.id] * _ORDER_SPAN
    found: dict[str, list[_Taught]] = {}
    for concept_id in resource.concepts:
        found.setdefault(concept_id, []).append((base, resource, None))
    for number, section in enumerate(resource.sections, start=1):
        for concept_id in section.concepts:
            found.setdefault(concept_id, []).append((base + number, resource, section))
    return found


@dataclass(frozen=True)
class _Shelf:
    """What a path needs of the member's shelves, read once per path: what they studied, where they are."""

    member: Member
    done: frozenset[str]  # concepts studied: in a finished resource, or in a section passed in one being read
    reading: Mapping[str, list[_Taught]]  # concept id → its places in what the member is reading
    wanted: Mapping[str, list[_Taught]]  # … and on their want-to-read shelf


def _shelf_of(catalog: Catalog, member: Member) -> _Shelf:
    """The member's shelves as a path reads them; only their own resources are looked at, never the catalog's
    hundreds of places per concept."""
    done: set[str] = set()
    reading: dict[str, list[_Taught]] = {}
    wanted: dict[str, list[_Taught]] = {}
    for resource_id, status in member.statuses.items():
        resource = catalog.get(resource_id)
        if resource is None or status is ReadingStatus.DROPPED:
            continue
        for concept_id, places in _places_in(catalog, resource).items():
            if any(_studied(place_resource, section, member) for _, place_resource, section in places):
                done.add(concept_id)
            if status is ReadingStatus.READING:
                reading.setdefault(concept_id, []).extend(places)
            elif status is ReadingStatus.WANT_TO_READ:
                wanted.setdefault(concept_id, []).extend(places)
    return _Shelf(member, frozenset(done), reading, wanted)


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


# How many of a concept's best places (for a level) are kept ranked; a member who dropped every one of them
# is rare enough to be served by a full scan.
_RANKED_PLACES = 16


def best_place(catalog: Catalog, concept: Concept, member: Member) -> Place | None:
    """The best place for this member to study a concept, or None when nothing in the catalog teaches it.

    In order: a resource the member is reading (keep going), one on their want-to-read shelf, never one
    they dropped; then one whose main topic is the concept's; then the level the member is ready for
    (beginner when unknown); a named section over a whole resource; free over paid; catalog order.

    The member's shelves are looked at first, then the concept's places ranked once per catalog and level,
    so a path over 10,000 resources costs what the member's shelf costs, not what the catalog does.
    """
    return _best_place(catalog, concept, _shelf_of(catalog, member))


def _best_place(catalog: Catalog, concept: Concept, shelf: _Shelf) -> Place | None:
    """`best_place`, with the member's shelves already read."""
    member = shelf.member
    ready = member.level or (BACKGROUND_LEVEL[member.background] if member.background else Level.BEGINNER)
    for on_shelf in (shelf.reading.get(concept.id), shelf.wanted.get(concept.id)):
        if on_shelf:
            _, resource, section = min(on_shelf, key=lambda taught: _place_key(taught, concept, ready))
            return Place(resource, section)
    ranked = _ranked_places(catalog, concept, ready)
    dropped = [r for _, r, _ in ranked if member.statuses.get(r.id) is ReadingStatus.DROPPED]
    if len(ranked) == _RANKED_PLACES and len(dropped) == len(ranked):
        ranked = _ranked_places(catalog, concept, ready, limit=None)
    for _, resource, section in ranked:
        if member.statuses.get(resource.id) is not ReadingStatus.DROPPED:
            return Place(resource, section)
    return None


_RANK = {level: level.rank for level in Level}  # `Level.rank` looks the level up in a list each time


def _place_key(taught: _Taught, concept: Concept, ready: Level) -> tuple[bool, int, bool, bool, int]:
    """How good a place is, smaller first, leaving the member's shelves aside (see `best_place`)."""
    order, resource, section = taught
    return (
        resource.topics[0] is not concept.topic,
        abs(_RANK[resource.level] - _RANK[ready]),
        section is None,
        resource.cost is Cost.PAID,
        order,
    )


def _ranked_places(
    catalog: Catalog, concept: Concept, ready: Level, limit: int | None = _RANKED_PLACES
) -> list[_Taught]:
    """A concept's best places for a member ready for `ready`, best first; the top ones kept with the catalog."""

    def places() -> list[_Taught]:
        return [(order, r, s) for order, (r, s) in enumerate(catalog.teaching(concept.id))]

    if limit is None:
        return sorted(places(), key=lambda taught: _place_key(taught, concept, ready))
    cache: dict[tuple[str, Level], list[_Taught]] = catalog.derived("ranked-places", lambda _: {})
    key = (concept.id, ready)
    if key not in cache:
        cache[key] = heapq.nsmallest(limit, places(), key=lambda taught: _place_key(taught, concept, ready))
    return cache[key]


def path_as_dict(path: Path) -> dict[str, Any]:
    """The path as JSON-ready data: every step with its groundwork and done flags and its place."""

    def place(step: Step) -> dict[str, Any] | None:
        if step.place is None:
            return None
        resource, section = step.place.resource, step.place.section
        where = None if section is None else section.label_in(resource.length.unit)
        return {
            "resource": resource.id,
            "title": resource.title,
            "url": resource.url,
            "section": None if section is None else section.number,
            "section_title": None if section is None else section.title,
            "where": where,
        }

    return {
        "target": path.target,
        "steps": [
            {
                "concept": step.concept.id,
                "name": step.concept.name,
                "topic": step.concept.topic.value,
                "groundwork": step.groundwork,
                "done": step.done,
                "place": place(step),
            }
            for step in path.steps
        ],
        "left_out": path.left_out,
        "unlocks": [
            {
                "concept": concept.id,
                "name": concept.name,
                "also_needs": [needed.id for needed in path.also_needs.get(concept.id, ())],
            }
            for concept in path.unlocks
        ],
    }
