"""An in-memory catalog: the resources a recommendation is drawn from, in a stable order."""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from bot.catalog.by_id import ById
from bot.catalog.concepts import ConceptGraph
from bot.catalog.schema import Resource, Section

T = TypeVar("T")

_NO_CONCEPTS = ConceptGraph()


class Catalog(ById[Resource]):
    """An ordered, read-only collection of resources, looked up by id, with the concept vocabulary they use."""

    __slots__ = ("_derived", "concepts")
    ITEM = "resource"

    def __init__(self, resources: Iterable[Resource] = (), concepts: ConceptGraph | None = None) -> None:
        super().__init__(resources)
        self._derived: dict[Hashable, object] = {}
        self.concepts = concepts if concepts is not None else _NO_CONCEPTS

    @classmethod
    def _of(cls, by_id: dict[str, Resource], concepts: ConceptGraph) -> Catalog:
        """A catalog of an id → resource mapping, which cannot hold an id twice (so no duplicate check)."""
        catalog = cls.__new__(cls)
        catalog._by_id, catalog._derived, catalog.concepts = by_id, {}, concepts
        return catalog

    def derived(self, key: Hashable, build: Callable[[Catalog], T]) -> T:
        """A value computed from this catalog once and kept with it (search keys, ranking columns).

        A catalog never changes, so what is derived from it never goes stale; a changed catalog is a new one.
        """
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]  # type: ignore[return-value]

    def has_derived(self, key: Hashable) -> bool:
        """Whether the value derived under `key` is already built."""
        return key in self._derived

    def index_teaching(self) -> None:
        """Build where each concept is taught now (it is otherwise built when a concept is first asked for)."""
        self.derived("teaching", _TeachingIndex)

    def teaching_indexed(self) -> bool:
        """Whether where each concept is taught is built."""
        return self.has_derived("teaching")

    def teaching(self, concept_id: str) -> list[tuple[Resource, Section | None]]:
        """Where a concept is taught: (resource, section), or (resource, None) for a resource as a whole."""
        return self.derived("teaching", _TeachingIndex).where(concept_id)

    def search_keys(self, key_of: Callable[[Resource], str]) -> list[tuple[str, Resource]]:
        """(search text, resource) pairs, computed once per catalog: autocomplete runs on every keystroke."""
        return self.derived(("search-keys", key_of), lambda catalog: [(key_of(r), r) for r in catalog])

    def merged(self, overrides: Iterable[Resource] = (), hidden: Iterable[str] = ()) -> Catalog:
        """A catalog where these resources replace or extend ours and the hidden ids are left out.

        This very catalog when that changes nothing (a server that edited nothing), so what is derived from
        it (ranking columns, the autocomplete index) is built and held once, not once per server.
        """
        overrides = list(overrides)
        # A hidden id may be one of the overrides (a resource a server added, then retired), not only ours.
        known = self._by_id.keys() | {resource.id for resource in overrides}
        hidden = [resource_id for resource_id in hidden if resource_id in known]
        if not overrides and not hidden:
            return self
        by_id = dict(self._by_id)  # keyed by id: 0.5 ms at 10,000 resources, where building anew took 7
        for resource in overrides:
            by_id[resource.id] = resource
        for resource_id in hidden:
            by_id.pop(resource_id, None)
        return Catalog._of(by_id, self.concepts)


class _TeachingIndex:
    """Concept id → where it is taught, in catalog order: each section naming it, or the resource itself.

    Kept as one packed integer a place (position and section), 8 bytes where a (resource, section) tuple
    took 64: at 10,000 resources with sections, 1.6 MB instead of 10.4. The pairs are made when asked for.
    """

    __slots__ = ("_places", "_resources")
    _WHOLE = 0  # the section part of a place that is the resource as a whole; a section is its index + 1
    _SPAN = 512  # more than a resource's sections may number (at most 300)

    def __init__(self, catalog: Catalog) -> None:
        self._resources = tuple(catalog)
        # Appended to typed arrays as found: lists would hold a Python int a place until the end (6 MB more at
        # 10,000 resources), and the heap they leave behind is not given back.
        places: defaultdict[str, array[int]] = defaultdict(lambda: array("q"))
        for position, resource in enumerate(self._resources):
            place = position * self._SPAN
            for concept_id in resource.concepts:
                places[concept_id].append(place + self._WHOLE)
            for index in range(len(resource.sections)):
                for concept_id in resource.sections.concepts_at(index):
                    places[concept_id].append(place + index + 1)
        self._places = dict(places)  # a concept no resource teaches is not added by asking for it

    def where(self, concept_id: str) -> list[tuple[Resource, Section | None]]:
        """(resource, section) for every place that teaches the concept, (resource, None) for a whole one."""
        taught: list[tuple[Resource, Section | None]] = []
        for place in self._places.get(concept_id, ()):
            position, index = divmod(place, self._SPAN)
            resource = self._resources[position]
            taught.append((resource, resource.sections[index - 1] if index else None))
        return taught
