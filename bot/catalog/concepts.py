"""The concept vocabulary: the ideas members ask about, the words they use for them, and what each builds on.

A concept ("singular value decomposition") is finer than a topic ("linear algebra"): questions, paths and
sections of resources speak in concepts. The vocabulary is curated in `data/concepts.yaml`; the loader
checks that prerequisites name known concepts and never form a cycle, so the graph here is a DAG.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.catalog.by_id import ById
from bot.catalog.schema import Concept
from bot.catalog.vocabulary import Topic


def concept_key(text: str) -> str:
    """A word or phrase as the vocabulary indexes it: lower-case, hyphens as spaces, single spaces."""
    return " ".join(text.lower().replace("-", " ").replace("’", "'").split())


class ConceptGraph(ById[Concept]):
    """The concepts in file order, looked up by id or by any name members type for them."""

    __slots__ = ("_by_word", "_order", "_unlocks")
    ITEM = "concept"

    def __init__(self, concepts: Iterable[Concept] = ()) -> None:
        super().__init__(concepts)
        by_id = self._by_id
        # The name first, then the id and each synonym; a word two concepts claim keeps the first (the
        # loader refuses such files, so this only matters for hand-built graphs in tests).
        by_word: dict[str, Concept] = {}
        for concept in by_id.values():
            for word in (concept.name, concept.id, *concept.synonyms):
                by_word.setdefault(concept_key(word), concept)
        self._by_word = by_word
        unlocks: dict[str, list[str]] = {}
        for concept in by_id.values():
            for prerequisite in concept.prerequisites:
                unlocks.setdefault(prerequisite, []).append(concept.id)
        self._unlocks = {cid: tuple(found) for cid, found in unlocks.items()}
        self._order = {cid: index for index, cid in enumerate(self._topological())}

    def _topological(self) -> list[str]:
        """Every id, each after its prerequisites, otherwise in file order (depth-first, iterative)."""
        placed: dict[str, None] = {}
        for root in self._by_id:
            stack = [(root, iter(self._prerequisites_of(root)))]
            visiting = {root}
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    stack.pop()
                    visiting.discard(node)
                    placed.setdefault(node)
                elif child not in placed and child not in visiting:
                    visiting.add(child)
                    stack.append((child, iter(self._prerequisites_of(child))))
        return list(placed)

    def _prerequisites_of(self, concept_id: str) -> list[str]:
        """The known prerequisites of a concept (unknown ids are the loader's to report)."""
        concept = self._by_id.get(concept_id)
        return [p for p in concept.prerequisites if p in self._by_id] if concept else []

    @property
    def words(self) -> dict[str, Concept]:
        """Every name, id and synonym (as `concept_key` writes it) and the concept it names."""
        return self._by_word

    def named(self, text: str) -> Concept | None:
        """The concept a typed name, id or synonym stands for exactly, or None."""
        return self._by_word.get(concept_key(text))

    def in_topic(self, topic: Topic) -> list[Concept]:
        """The concepts of a topic, each after its prerequisites."""
        return self.in_order(c.id for c in self._by_id.values() if c.topic is topic)

    def in_order(self, concept_ids: Iterable[str]) -> list[Concept]:
        """These concepts, each after its prerequisites (unknown ids left out)."""
        known = {cid for cid in concept_ids if cid in self._by_id}
        return [self._by_id[cid] for cid in sorted(known, key=self._order.__getitem__)]

    def groundwork(self, concept_id: str) -> list[Concept]:
        """Everything a concept builds on, directly or not, each after its own prerequisites."""
        found: set[str] = set()
        pending = list(self._prerequisites_of(concept_id))
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(self._prerequisites_of(current))
        return self.in_order(found)

    def unlocks(self, concept_id: str) -> list[Concept]:
        """The concepts that list this one as a direct prerequisite: what it opens up next."""
        return self.in_order(self._unlocks.get(concept_id, ()))


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each prerequisite cycle once, as the list of ids along it (iterative DFS, so deep chains are fine)."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    cycles: list[list[str]] = []
    for start in graph:
        if colour[start] != white:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                colour[node] = grey
                path.append(node)
            children = graph.get(node, [])
            if index < len(children):
                stack.append((node, index + 1))
                child = children[index]
                if colour.get(child, black) == white:
                    stack.append((child, 0))
                elif colour.get(child) == grey:
                    cycles.append(path[path.index(child) :])
            else:
                colour[node] = black
                path.pop()
    return cycles
