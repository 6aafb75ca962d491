"""Reading catalog files: YAML in, validated resources out, every problem reported with file and line.

Imported only where YAML is read (a cold start, a reload, an upload, the command line): a warm start reads
the cache and never imports PyYAML (about 1 MB and 12 ms). What start-up needs is in `bot.catalog.files`.

A curator edits YAML by hand and a moderator uploads it from Discord, so errors are written for
people: all of them at once, each with the file and line it comes from and a plain-English message
(with a "did you mean" where a word is close to an allowed one).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.catalog.catalog import Catalog
from bot.catalog.concepts import ConceptGraph, concept_key, find_cycles
from bot.catalog.files import CONCEPTS, RESOURCES, CatalogError, CatalogIssue, catalog_files, read_catalog_files
from bot.catalog.matching import closest, did_you_mean
from bot.catalog.schema import Concept, Length, Resource, Section, equal_values_shared
from bot.catalog.vocabulary import Background, Cost, Kind, LengthUnit, Level, SectionKind, Topic

# Field name → the vocabulary it draws from, for friendly "not a known topic" messages.
_VOCABULARIES: dict[str, type[StrEnum]] = {
    "topics": Topic,
    "topic": Topic,
    "backgrounds": Background,
    "written_for": Background,
    "level": Level,
    "kind": Kind,
    "cost": Cost,
    "unit": LengthUnit,
}
_FIELDS = tuple(
    dict.fromkeys(
        [*Resource.model_fields, *(f.name for m in (Length, Section) for f in fields(m)), *Concept.model_fields]
    )
)

# What a file holds, by its one top-level key, and the model each item of its list is.
_MODELS: dict[str, type[Resource] | type[Concept]] = {RESOURCES: Resource, CONCEPTS: Concept}

# What one file's YAML may make of itself, checked on its nodes before anything expands them. An alias
# (`*name`) repeats what its anchor (`&name`) wrote, so a few hundred bytes of nested aliases stand for
# billions of values (an "alias bomb"): printed or validated, they take minutes and gigabytes. A real
# entry needs five levels at most (a resource, `sections:`, a section, its `concepts:`, their values).
MAX_DEPTH = 10
MAX_REPEATED_IN_ENTRY = 1_000  # values that aliases repeat in one resource or concept
MAX_REPEATED_VALUES = 10_000  # that aliases repeat in one file, beyond as many as the file writes out itself
MAX_QUOTED = 60  # characters of a value quoted in an error message


@dataclass(frozen=True)
class _Entry:
    """A resource or concept mapping as read from YAML, with the node that locates its parts."""

    source: str
    node: yaml.MappingNode
    data: dict[str, Any]
    holds: str = RESOURCES  # RESOURCES or CONCEPTS: the file's top-level key


# libyaml's parser when PyYAML was built with it: 5-10x faster on a large catalog, same nodes and marks.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """A safe loader that keeps the composed nodes (for lines) and builds each resource's data from them.

    Duplicate keys, which plain YAML silently lets the last one win, are found on the nodes in `_compose`.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """As SafeLoader does, but a merge key (`<<: *defaults`) is flattened on a copy of the node.

        SafeLoader flattens merges by rewriting the node in place; the nodes are kept to locate errors, and
        must keep pointing where the curator wrote each key.
        """
        if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
            node = yaml.MappingNode(node.tag, list(node.value), node.start_mark, node.end_mark, node.flow_style)
        return super().construct_mapping(node, deep=deep)

    def construct_item(self, node: yaml.Node) -> Any:
        """The Python data of one node, as `yaml.load` of that node alone would build it."""
        try:
            return self.construct_document(node)
        finally:  # a failed construction leaves state behind that would leak into the next item
            self.constructed_objects: dict[Any, Any] = {}
            self.recursive_objects: dict[Any, Any] = {}
            self.state_generators: list[Any] = []
            self.deep_construct = False


class _StreamLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """Reads `resources:` one item at a time, so a 10,000-resource file never becomes one tree of nodes.

    A whole file's nodes take ~30x its size in memory, and building them (mostly the garbage collector
    walking them) costs more than the parsing; one item's nodes are dropped as soon as its data is built.
    """

    compose_node = yaml.composer.Composer.compose_node
    compose_scalar_node = yaml.composer.Composer.compose_scalar_node
    compose_sequence_node = yaml.composer.Composer.compose_sequence_node
    compose_mapping_node = yaml.composer.Composer.compose_mapping_node

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.anchors: _Anchors = _Anchors()

    def expect(self, kind: type[yaml.Event], value: str | None = None) -> bool:
        """Take the next event if it is of this kind (and, for a scalar, has this value)."""
        if not self.check_event(kind):
            return False
        event = self.get_event()
        return value is None or getattr(event, "value", None) == value

    def items(self) -> tuple[str, list[Any]] | None:
        """The file's top-level key and each item of its one list as data; None as soon as anything is unusual.

        Unusual is anything the careful path (`_compose`) would report or must look at: not exactly one
        top-level key (`resources` or `concepts`) holding a list, an item that is not a mapping, any problem
        of its shape (`_shape_problems`: a repeated or complex key, too deep, aliases repeating too much).
        """
        events = yaml.events
        if not self.expect(events.StreamStartEvent):
            return None
        if self.expect(events.StreamEndEvent):
            return RESOURCES, []
        if not (self.expect(events.DocumentStartEvent) and self.expect(events.MappingStartEvent)):
            return None
        if not self.check_event(events.ScalarEvent):
            return None
        holds = self.get_event().value
        if holds not in _MODELS or not self.expect(events.SequenceStartEvent):
            return None
        data = []
        budget = _Budget(shared=self.anchors.nodes)
        while not self.check_event(events.SequenceEndEvent):
            item = self.compose_node(None, None)  # type: ignore[arg-type]  # the stub wants an index; a root has none
            if not isinstance(item, yaml.MappingNode):
                return None
            # No anchor in the file yet means no alias in this item: a plain one needs no full walk.
            plain = None if self.anchors else _plain_values(item)
            if plain is not None:
                budget.written += plain
            elif _shape_problems(item, budget, holds.removesuffix("s")):
                return None
            data.append(self.construct_document(item))
        closed = (
            self.expect(events.SequenceEndEvent)
            and self.expect(events.MappingEndEvent)
            and self.expect(events.DocumentEndEvent)
            and self.expect(events.StreamEndEvent)
        )
        return (holds, data) if closed else None


class _Anchors(dict[str, yaml.Node]):
    """The composer's anchors, also keeping which nodes they name: the only nodes an alias can repeat."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: set[int] = set()  # ids; the nodes stay alive in the dict for the whole document

    def __setitem__(self, name: str, node: yaml.Node) -> None:
        super().__setitem__(name, node)
        self.nodes.add(id(node))


@dataclass
class _Budget:
    """The values one file's entries wrote and repeated so far, held against the alias bounds."""

    shared: Container[int] | None  # ids of the nodes an alias may stand for; None: any node seen before
    seen: set[int] = field(default_factory=set)
    written: int = 0
    repeated: int = 0


def _shape_problems(item: yaml.Node, budget: _Budget, what: str) -> list[tuple[yaml.Node, str, bool]]:
    """What makes one entry's YAML ambiguous or unsafe to read: (node to point at, message, fatal).

    Walks the nodes as the data would expand them (an alias visits its anchor's nodes again), without
    recursion, so nothing is ever expanded past the bounds. A key repeated in a mapping (which YAML lets the
    last one win) is reported and the entry can still be read; a key that is not a plain word, nesting past
    MAX_DEPTH and aliases repeating past MAX_REPEATED_IN_ENTRY or MAX_REPEATED_VALUES are fatal: the walk
    stops there and the entry must not be constructed. Problems point at the field they are in. `what`
    names the entry ("resource", "concept").
    """
    problems: list[tuple[yaml.Node, str, bool]] = []
    repeated = 0  # values this entry repeats through aliases
    checked: set[int] = set()  # mappings already checked for repeated keys (an alias may bring one back)
    # (node, depth, inside a repeat, the entry's field it is in: the key's node)
    stack: list[tuple[yaml.Node, int, bool, yaml.Node]] = [(item, 1, False, item)]
    while stack:
        node, depth, repeat, field_key = stack.pop()
        if not repeat and (budget.shared is None or id(node) in budget.shared):
            repeat = id(node) in budget.seen
            budget.seen.add(id(node))
        size = 1 + len(node.value) if isinstance(node, yaml.MappingNode) else 1  # its keys are values too
        if repeat:
            repeated += size
            budget.repeated += size
        else:
            budget.written += size
        where = f"'{_shown(field_key.value, quoted=False)}'" if field_key is not item else f"this {what}"
        if repeated > MAX_REPEATED_IN_ENTRY:
            message = f"{where} repeats more than {MAX_REPEATED_IN_ENTRY:,} values through YAML aliases (*name)"
            return [*problems, (field_key, message + "; write the values out instead", True)]
        if budget.repeated > budget.written + MAX_REPEATED_VALUES:
            message = f"{where}: YAML aliases (*name) repeat more values than this file writes out; write them out"
            return [*problems, (field_key, message, True)]
        if depth > MAX_DEPTH:
            message = f"{where} is nested more than {MAX_DEPTH} levels deep; a {what} needs five at most"
            return [*problems, (field_key, message, True)]
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, _ in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    message = "a key must be a plain word (like 'title:'), not a list or a mapping"
                    return [*problems, (key, message, True)]
                if key.value in keys and id(node) not in checked:
                    name = _shown(key.value, quoted=False)
                    if depth == 1:
                        message = f"field '{name}' appears twice in one {what}"
                    else:
                        message = f"'{name}' appears twice in {where}"
                    problems.append((key, message, False))
                keys.add(key.value)
            checked.add(id(node))
            children = [(value, key if depth == 1 else field_key) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(child, field_key) for child in node.value]
        else:
            continue
        stack.extend((child, depth + 1, repeat, key) for child, key in reversed(children))
    return problems


def _plain_values(item: yaml.MappingNode) -> int | None:
    """How many values an entry holds when its shape is plainly fine (what nearly every one looks like: plain
    keys, once each, and values that are scalars, lists of scalars, or mappings of those, such as `length:`
    and each of `sections:`); None when it needs `_shape_problems`.

    The same verdict as the full walk on an entry without aliases, at a fraction of its cost.
    """
    count = _plain_mapping(item, inner=True)
    if count is None:
        return None
    for _, value in item.value:
        if type(value) is yaml.SequenceNode and value.value and type(value.value[0]) is yaml.MappingNode:
            for child in value.value:  # a list of mappings: `sections:`
                inner = _plain_mapping(child, inner=False) if type(child) is yaml.MappingNode else None
                if inner is None:
                    return None
                count += inner
    return count


def _plain_mapping(node: yaml.MappingNode, *, inner: bool) -> int | None:
    """The values of a mapping whose keys are plain words once each and whose values are scalars or lists of
    scalars (or, when `inner`, also lists of mappings, counted by the caller, and mappings of scalars)."""
    scalar, sequence, mapping = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
    count = 1 + len(node.value)
    keys: set[str] = set()
    for key, value in node.value:
        if type(key) is not scalar or key.value in keys:
            return None
        keys.add(key.value)
        kind = type(value)
        if kind is scalar:
            count += 1
        elif kind is sequence:
            children = value.value
            if inner and children and type(children[0]) is mapping:
                count += 1  # its mappings are counted by `_plain_values`
            elif any(type(child) is not scalar for child in children):
                return None
            else:
                count += 1 + len(children)
        elif kind is mapping and inner:
            inner_count = _plain_mapping(value, inner=False)
            if inner_count is None or any(type(child) is not scalar for _, child in value.value):
                return None
            count += inner_count
        else:
            return None
    return count


def _line(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def _locate(node: yaml.Node, loc: Iterable[int | str]) -> yaml.Node:
    """The deepest node found along a pydantic error location, for the most precise line."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    node = value
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _key_node(node: yaml.MappingNode, key: str) -> yaml.Node:
    """The node of a mapping's key, so an unknown field points at its own line."""
    for key_node, _ in node.value:
        if key_node.value == key:
            return key_node
    return node


def _did_you_mean(word: object, options: Iterable[str]) -> str:
    """' (did you mean X?)' when one option is close to the word, else ''; only a short word is compared."""
    if not isinstance(word, str) or len(word) > 2 * MAX_QUOTED:
        return ""
    return did_you_mean(closest(word.lower(), options))


def _shown(value: object, *, quoted: bool = True) -> str:
    """A value as an error message shows it: text quoted and cut to MAX_QUOTED characters, a list or a mapping
    named by what it is (its contents may be huge), anything else as short text."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = str(value) if isinstance(value, str | int | float | bool) or value is None else type(value).__name__
    if len(text) > MAX_QUOTED:
        text = text[: MAX_QUOTED - 1] + "…"
    return f"'{text}'" if quoted and isinstance(value, str) else text


def _field_name(loc: tuple[int | str, ...]) -> str:
    """The last named field of a pydantic location: ('topics', 2) → 'topics'."""
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else "entry"


def _describe(error: ErrorDetails) -> str:
    """A pydantic error as one plain-English sentence."""
    loc = tuple(error["loc"])
    field = _field_name(loc)
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        return f"unknown field {_shown(field)}{_did_you_mean(field, _FIELDS)}"
    if kind == "missing":
        return f"missing required field '{field}'"
    in_section = "sections" in loc[:-1]
    if kind == "enum" and field == "kind" and in_section:
        allowed = [member.value for member in SectionKind]
        hint = _did_you_mean(value, allowed)
        return f"{_shown(value)} is not a known kind of section{hint}; allowed: {', '.join(allowed)}"
    if kind == "enum" and field in _VOCABULARIES:
        allowed = [member.value for member in _VOCABULARIES[field]]
        what = {"topics": "topic", "backgrounds": "background", "written_for": "background"}.get(field, field)
        return f"{_shown(value)} is not a known {what}{_did_you_mean(value, allowed)}; allowed: {', '.join(allowed)}"
    if kind == "string_pattern_mismatch" and field in ("id", "prerequisites", "concepts"):
        slug = "a slug of lowercase letters, digits and hyphens, like 'linear-algebra'"
        return f"{field}: {_shown(value)} must be {slug}"
    if kind == "string_pattern_mismatch" and field == "number":
        return f"number: {_shown(value)} must be a section number such as 7, A, II or 3.2"
    message = error["msg"].removeprefix("Value error, ")
    return f"{_shown(field, quoted=False)}: {message}"


def _compose(text: str, source: str) -> tuple[list[_Entry], list[CatalogIssue]]:
    """Parse one file's text into resource or concept entries, or the issues that stop it being read."""
    loader = _LineLoader(text)
    try:
        return _compose_with(loader, source)
    finally:
        loader.dispose()


def _compose_with(loader: _LineLoader, source: str) -> tuple[list[_Entry], list[CatalogIssue]]:
    """`_compose` with the loader reading the text."""
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        return [], [_yaml_issue(exc, source, 1)]
    except RecursionError:  # PyYAML without libyaml composes in Python, one frame per level
        return [], [CatalogIssue(source, 1, "values are nested too deeply to read; an entry needs five levels")]
    if root is None:
        return [], []
    keys = [k.value for k, _ in root.value] if isinstance(root, yaml.MappingNode) else []
    if len(keys) != 1 or not isinstance(keys[0], str) or keys[0] not in _MODELS:
        message = "the file must hold one top-level key, 'resources:' (or 'concepts:' for the vocabulary), with a list"
        return [], [CatalogIssue(source, _line(root), message)]
    holds = keys[0]
    what = holds.removesuffix("s")
    items = root.value[0][1]
    if not isinstance(items, yaml.SequenceNode):
        message = f"'{holds}:' must be a list of {holds} (each starting with '- ')"
        return [], [CatalogIssue(source, _line(items), message)]
    entries: list[_Entry] = []
    issues: list[CatalogIssue] = []
    budget = _Budget(shared=None)  # the whole tree is held, so a node seen before is one an alias repeats
    for item in items.value:
        if not isinstance(item, yaml.MappingNode):
            message = f"each {what} must be a mapping of fields (id:, {'title' if holds == RESOURCES else 'name'}:, …)"
            issues.append(CatalogIssue(source, _line(item), message))
            continue
        problems = _shape_problems(item, budget, what)
        issues.extend(CatalogIssue(source, _line(node), message) for node, message, _ in problems)
        if any(fatal for _, _, fatal in problems):
            continue
        try:
            data = loader.construct_item(item)
        except yaml.YAMLError as exc:
            issues.append(_yaml_issue(exc, source, _line(item)))
            continue
        entries.append(_Entry(source, item, data, holds))
    return entries, issues


def _yaml_issue(exc: yaml.YAMLError, source: str, line: int) -> CatalogIssue:
    """A YAML error as an issue on the line it names (else `line`), in its own short words."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return CatalogIssue(source, mark.line + 1 if mark else line, f"not valid YAML: {problem[:200]}")


def _validate(entries: list[_Entry]) -> tuple[list[tuple[_Entry, Resource | Concept]], list[CatalogIssue]]:
    """Validate every entry against the schema of what its file holds, collecting all errors."""
    valid: list[tuple[_Entry, Resource | Concept]] = []
    issues: list[CatalogIssue] = []
    for entry in entries:
        try:
            valid.append((entry, _MODELS[entry.holds].model_validate(entry.data)))
        except ValidationError as exc:
            errors = exc.errors()
            missing = [str(e["loc"][0]) for e in errors if e["type"] == "missing" and len(e["loc"]) == 1]
            if missing:
                plural = "s" if len(missing) > 1 else ""
                message = f"missing required field{plural}: {', '.join(missing)}"
                issues.append(CatalogIssue(entry.source, _line(entry.node), message))
            for error in errors:
                loc = tuple(error["loc"])
                if error["type"] == "missing" and len(loc) == 1:
                    continue
                if error["type"] == "extra_forbidden" and len(loc) == 1:
                    node = _key_node(entry.node, str(loc[0]))
                else:
                    node = _locate(entry.node, loc)
                issues.append(CatalogIssue(entry.source, _line(node), _describe(error)))
    return valid, issues


def _cross_check(
    entries: list[_Entry],
    valid: list[tuple[_Entry, Resource | Concept]],
    known_ids: frozenset[str],
    known_concepts: ConceptGraph,
) -> list[CatalogIssue]:
    """Checks across entries: both prerequisite graphs, the vocabulary's words, the concepts resources name."""
    resources = [(entry, item) for entry, item in valid if isinstance(item, Resource)]
    concepts = [(entry, item) for entry, item in valid if isinstance(item, Concept)]
    issues = _check_graph([e for e in entries if e.holds == RESOURCES], resources, known_ids, "resource")
    issues += _check_graph(
        [e for e in entries if e.holds == CONCEPTS], concepts, frozenset(known_concepts.ids), "concept"
    )
    issues += _check_concept_words(concepts)
    graph = ConceptGraph([*known_concepts, *(c for _, c in concepts if c.id not in known_concepts)])
    # A concept whose entry is broken is still a concept: naming it is no second error.
    named = {e.data.get("id") for e in entries if e.holds == CONCEPTS} | set(known_concepts.ids)
    issues += _check_concepts_named(resources, graph, named)
    return issues


def _check_graph(
    entries: list[_Entry],
    valid: Sequence[tuple[_Entry, Resource | Concept]],
    known_ids: frozenset[str],
    what: str,
) -> list[CatalogIssue]:
    """Unique ids, prerequisites that exist, no prerequisite cycles, among resources or among concepts.

    Ids are taken from every entry, valid or not, so one broken entry does not hide a duplicate id or
    turn prerequisites that point at it into false "not in the catalog" errors.
    """
    issues: list[CatalogIssue] = []
    where_known = "in the catalog" if what == "resource" else "in the concept vocabulary"
    first_seen: dict[str, _Entry] = {}
    for entry in entries:
        item_id = entry.data.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in first_seen:
            other = first_seen[item_id]
            where = f"{other.source}:{_line(_locate(other.node, ('id',)))}"
            line = _line(_locate(entry.node, ("id",)))
            issues.append(CatalogIssue(entry.source, line, f"id {_shown(item_id)} is already used at {where}"))
        else:
            first_seen[item_id] = entry
    ids = set(first_seen) | known_ids
    for entry, item in valid:
        for index, prerequisite in enumerate(item.prerequisites):
            if prerequisite == item.id:
                message = f"'{item.id}' lists itself as a prerequisite"
            elif prerequisite not in ids:
                message = f"prerequisite '{prerequisite}' is not {where_known}{_did_you_mean(prerequisite, ids)}"
            else:
                continue
            line = _line(_locate(entry.node, ("prerequisites", index)))
            issues.append(CatalogIssue(entry.source, line, message))
    graph = {item.id: [p for p in item.prerequisites if p in first_seen and p != item.id] for _, item in valid}
    located = {item.id: entry for entry, item in valid}
    for cycle in find_cycles(graph):
        entry = located[cycle[0]]
        chain = " → ".join([*cycle, cycle[0]])
        line = _line(_locate(entry.node, ("prerequisites",)))
        issues.append(
            CatalogIssue(entry.source, line, f"{'' if what == 'resource' else 'concept '}prerequisite cycle: {chain}")
        )
    return issues


def _check_concept_words(concepts: list[tuple[_Entry, Concept]]) -> list[CatalogIssue]:
    """Each name and synonym names one concept: a word two concepts claim would make questions ambiguous."""
    issues: list[CatalogIssue] = []
    claimed: dict[str, tuple[Concept, _Entry, int]] = {}
    for entry, concept in concepts:
        words = [(concept.name, _line(_locate(entry.node, ("name",))))]
        words += [(word, _line(_locate(entry.node, ("synonyms", i)))) for i, word in enumerate(concept.synonyms)]
        for word, line in words:
            key = concept_key(word)
            owner = claimed.get(key)
            if owner is None:
                claimed[key] = (concept, entry, line)
            elif owner[0].id != concept.id:
                where = f"{owner[1].source}:{owner[2]}"
                message = f"'{word}' already names concept '{owner[0].id}' at {where}"
                issues.append(CatalogIssue(entry.source, line, message))
    return issues


def _check_concepts_named(
    resources: list[tuple[_Entry, Resource]], concepts: ConceptGraph, known: set[object]
) -> list[CatalogIssue]:
    """Every concept a resource or one of its sections names is in the vocabulary (with a "did you mean")."""
    issues: list[CatalogIssue] = []
    for entry, resource in resources:
        places: list[tuple[str, tuple[int | str, ...]]] = [
            (c, ("concepts", i)) for i, c in enumerate(resource.concepts)
        ]
        for s_index, section in enumerate(resource.sections):
            places += [(c, ("sections", s_index, "concepts", i)) for i, c in enumerate(section.concepts)]
        for concept_id, loc in places:
            if concept_id in known:
                continue
            named = concepts.named(concept_id)
            hint = did_you_mean([named.id]) if named else _did_you_mean(concept_id, concepts.ids)
            message = f"concept '{concept_id}' is not in the concept vocabulary{hint}"
            issues.append(CatalogIssue(entry.source, _line(_locate(entry.node, loc)), message))
    return issues


def parse_documents(
    documents: Sequence[tuple[str, str]],
    known_ids: Iterable[str] = (),
    known_concepts: ConceptGraph | None = None,
) -> tuple[list[Resource], list[Concept]]:
    """Validate catalog documents given as (source name, YAML text): their resources and concepts.

    Raises CatalogError with every issue. `known_ids` and `known_concepts` exist elsewhere (the curated
    catalog, for a moderator's import), so prerequisites and sections may point at them.
    """
    known = frozenset(known_ids)
    concepts = known_concepts if known_concepts is not None else ConceptGraph()
    parsed = _parse_valid(documents, known, concepts)
    if parsed is not None:
        return parsed
    # Something is wrong: read again keeping every node, so each problem is reported with its line.
    entries: list[_Entry] = []
    issues: list[CatalogIssue] = []
    for source, text in documents:
        found, problems = _compose(text, source)
        entries.extend(found)
        issues.extend(problems)
    valid, problems = _validate(entries)
    issues.extend(problems)
    issues.extend(_cross_check(entries, valid, known, concepts))
    if issues:
        raise CatalogError(issues)
    return (
        [item for _, item in valid if isinstance(item, Resource)],
        [item for _, item in valid if isinstance(item, Concept)],
    )


def parse_resources(
    documents: Sequence[tuple[str, str]], known_ids: Iterable[str] = (), concepts: ConceptGraph | None = None
) -> list[Resource]:
    """The resources of documents that may hold only resources (a moderator's import); CatalogError otherwise.

    The concept vocabulary is curated with the code, so an import names concepts from `concepts` but adds none.
    """
    resources, found = parse_documents(documents, known_ids, concepts)
    if found:
        raise CatalogError(
            [
                CatalogIssue(
                    documents[0][0] if documents else "import",
                    1,
                    "an import holds resources only: concepts are curated in the bot's data/concepts.yaml",
                )
            ]
        )
    return resources


def _parse_valid(
    documents: Sequence[tuple[str, str]], known_ids: frozenset[str], known_concepts: ConceptGraph
) -> tuple[list[Resource], list[Concept]] | None:
    """The resources and concepts when every document is valid, read fast without line tracking; else None.

    Returns exactly what the careful path would for a valid catalog, and hands any doubt to it: a YAML
    error, an unusual file, a schema error, a repeated id, a missing or circular prerequisite, a repeated
    concept word, an unknown concept.
    """
    resources: list[Resource] = []
    concepts: list[Concept] = []
    for _, text in documents:
        loader = _StreamLoader(text)
        try:
            read = loader.items()
        except (yaml.YAMLError, RecursionError):  # its composer is Python, one frame per level: deep → careful
            return None
        finally:
            loader.dispose()
        if read is None:
            return None
        holds, items = read
        try:
            if holds == RESOURCES:
                resources.extend(Resource.model_validate(item) for item in items)
            else:
                concepts.extend(Concept.model_validate(item) for item in items)
        except ValidationError:
            return None
    if not _graph_is_sound(resources, known_ids) or not _graph_is_sound(concepts, frozenset(known_concepts.ids)):
        return None
    words = [concept_key(w) for c in concepts for w in dict.fromkeys(concept_key(x) for x in (c.name, *c.synonyms))]
    if len(set(words)) != len(words):
        return None
    vocabulary = {*known_concepts.ids, *(c.id for c in concepts)}
    if any(concept_id not in vocabulary for r in resources for concept_id in r.taught_concepts):
        return None
    return resources, concepts


def _graph_is_sound(items: Sequence[Resource | Concept], known_ids: frozenset[str]) -> bool:
    """Ids unique, every prerequisite known and not the item itself, and no cycle."""
    ids = {item.id for item in items}
    if len(ids) != len(items):
        return False
    for item in items:
        if any(p == item.id or (p not in ids and p not in known_ids) for p in item.prerequisites):
            return False
    return not find_cycles({i.id: [p for p in i.prerequisites if p in ids] for i in items})


def parse_catalog_files(files: Sequence[tuple[str, bytes]]) -> Catalog:
    """The catalog the files hold, validated; CatalogError with every issue."""
    documents = []
    for name, data in files:
        try:
            # As Path.read_text reads it: UTF-8, universal newlines.
            documents.append((name, data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")))
        except UnicodeDecodeError as exc:
            raise CatalogError([CatalogIssue(name, 0, f"cannot be read: {exc}")]) from exc
    with equal_values_shared():
        resources, concepts = parse_documents(documents)
    return Catalog(resources, ConceptGraph(concepts))


def load_catalog(path: Path | str) -> Catalog:
    """Load and validate the curated catalog from a file or a folder; raise CatalogError with every issue."""
    return parse_catalog_files(read_catalog_files(path))


__all__ = [
    "CONCEPTS",
    "RESOURCES",
    "CatalogError",
    "CatalogIssue",
    "catalog_files",
    "find_cycles",
    "load_catalog",
    "parse_catalog_files",
    "parse_documents",
    "parse_resources",
    "read_catalog_files",
]
