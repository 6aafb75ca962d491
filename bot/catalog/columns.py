"""The catalog as columns: one array per attribute, so a query scores every resource at once.

Ranking 10,000 resources one Python call at a time takes tens of milliseconds; the same arithmetic over
numpy arrays takes a fraction of one. Built once per catalog (catalogs are immutable) and kept with it.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.catalog.catalog import Catalog
from bot.catalog.vocabulary import Background, Kind, Topic

_NOWHERE = np.zeros(0, dtype=np.int32)  # the positions of a concept nothing teaches


@dataclass(frozen=True)
class CatalogColumns:
    """Per-resource attributes as arrays indexed by catalog position."""

    ids: tuple[str, ...]
    position: dict[str, int]
    covers: dict[Topic, np.ndarray]  # bool: the resource lists the topic
    main: dict[Topic, np.ndarray]  # bool: the topic is the resource's first (main) topic
    suits: dict[Background, np.ndarray]  # bool: the resource is written for or suits the background
    written_for: dict[Background, np.ndarray]  # bool: the resource is written for the background
    level: np.ndarray  # int8: Level.rank
    kind: dict[Kind, np.ndarray]  # bool
    free: np.ndarray  # bool
    hands_on: np.ndarray  # bool
    short: np.ndarray  # bool
    catalog: Catalog
    dependents: dict[str, tuple[int, ...]]  # resource id → positions of resources that list it as a prerequisite

    @classmethod
    def of(cls, catalog: Catalog) -> CatalogColumns:
        """The columns of a catalog, computed once and cached on it."""
        return catalog.derived("columns", cls._build)

    @classmethod
    def _build(cls, catalog: Catalog) -> CatalogColumns:
        resources = list(catalog)
        size = len(resources)

        def flags(predicate: Callable[..., bool]) -> np.ndarray:  # called with one resource
            return np.fromiter((predicate(r) for r in resources), dtype=bool, count=size)

        dependents: dict[str, list[int]] = {}
        for index, resource in enumerate(resources):
            for prerequisite in resource.prerequisites:
                dependents.setdefault(prerequisite, []).append(index)
        return cls(
            ids=tuple(r.id for r in resources),
            position={r.id: index for index, r in enumerate(resources)},
            covers={t: flags(lambda r, t=t: t in r.topics) for t in Topic},
            main={t: flags(lambda r, t=t: r.topics[0] is t) for t in Topic},
            suits={b: flags(lambda r, b=b: b in r.suits) for b in Background},
            written_for={b: flags(lambda r, b=b: b in r.written_for) for b in Background},
            level=np.fromiter((r.level.rank for r in resources), dtype=np.int8, count=size),
            kind={k: flags(lambda r, k=k: r.kind is k) for k in Kind},
            free=flags(lambda r: r.is_free),
            hands_on=flags(lambda r: r.hands_on),
            short=flags(lambda r: r.is_short),
            catalog=catalog,
            dependents={rid: tuple(found) for rid, found in dependents.items()},
        )

    def teaches(self, concept_id: str) -> np.ndarray:
        """bool by position: the resource teaches the concept (as a whole or in a section)."""
        return self._flags(self.concept_places().teaching.get(concept_id))

    def teaching(self, concept_id: str) -> np.ndarray:
        """The positions of the resources that teach the concept, rising (a few of 10,000: cheaper than `teaches`
        where a query only adds to them)."""
        return self.concept_places().teaching.get(concept_id, _NOWHERE)

    def focusing(self, concept_id: str) -> np.ndarray:
        """The positions of the resources with a section about the concept by name, rising."""
        return self.concept_places().focus.get(concept_id, _NOWHERE)

    def focuses_at(self, concept_id: str, position: int) -> bool:
        """Whether the resource at `position` has a section about the concept by name."""
        places = self.focusing(concept_id)
        at = int(np.searchsorted(places, position))
        return at < len(places) and int(places[at]) == position

    def focus(self, concept_id: str) -> np.ndarray:
        """bool by position: a section of the resource is about the concept by name ('Chapter 11 · Markov chains')."""
        return self._flags(self.concept_places().focus.get(concept_id))

    def concept_places(self) -> ConceptPlaces:
        """Which resources teach each concept, and which have a section about it by name; built once."""
        return self.catalog.derived("concept-places", ConceptPlaces.of)

    def concepts_placed(self) -> bool:
        """Whether `concept_places` is built."""
        return self.catalog.has_derived("concept-places")

    def _flags(self, positions: np.ndarray | None) -> np.ndarray:
        found = np.zeros(len(self.ids), dtype=bool)
        if positions is not None:
            found[positions] = True
        return found


@dataclass(frozen=True)
class ConceptPlaces:
    """Per concept, the positions of the resources that teach it and of those with a section about it by name.

    Kept as positions, not as a bool column per concept: 0.8 MB at 10,000 resources with sections where
    185 concepts' two columns took 3.7 MB, and built in one pass over the catalog (about a second at 10,000,
    off the event loop) instead of 14 ms on the loop for each concept the first time a member named it.
    """

    teaching: dict[str, np.ndarray]  # int32 positions, rising
    focus: dict[str, np.ndarray]

    @classmethod
    def of(cls, catalog: Catalog) -> ConceptPlaces:
        from bot.catalog.questions import phrase_key

        names = {c.id: {phrase_key(word) for word in (c.name, *c.synonyms)} - {""} for c in catalog.concepts}
        # Typed arrays while collecting, not lists: no Python int is kept a place.
        teaching: defaultdict[str, array[int]] = defaultdict(lambda: array("i"))
        focus: defaultdict[str, array[int]] = defaultdict(lambda: array("i"))

        def add(places: array[int], position: int) -> None:
            if not places or places[-1] != position:  # positions come in order: a repeat can only be the last
                places.append(position)

        for position, resource in enumerate(catalog):
            for concept_id in resource.concepts:
                add(teaching[concept_id], position)
            sections = resource.sections
            titles = sections.titles
            for index in range(len(sections)):
                title = None
                for concept_id in sections.concepts_at(index):
                    add(teaching[concept_id], position)
                    concept_names = names.get(concept_id)
                    if not concept_names:
                        continue
                    if title is None:
                        title = f" {phrase_key(titles[index])} "
                    if any(f" {name} " in title for name in concept_names):
                        add(focus[concept_id], position)

        def positions(found: dict[str, array[int]]) -> dict[str, np.ndarray]:
            # A copy owns exactly its places; the array it was collected in grew with room to spare.
            return {concept_id: np.frombuffer(at, dtype=np.int32).copy() for concept_id, at in found.items()}

        return cls(positions(teaching), positions(focus))
