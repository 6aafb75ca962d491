"""Reading catalog files: YAML in, validated resources out, every problem reported with file and line.

A curator edits YAML by hand and a moderator uploads it from Discord, so errors are written for
people: all of them at once, each with the file and line it comes from and a plain-English message
(with a "did you mean" where a word is close to an allowed one).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.catalog.catalog import Catalog
from bot.catalog.schema import Length, Resource
from bot.catalog.vocabulary import Background, Cost, Kind, LengthUnit, Level, Topic
from bot.errors import InvalidInputError

# Field name → the vocabulary it draws from, for friendly "not a known topic" messages.
_VOCABULARIES: dict[str, type[StrEnum]] = {
    "topics": Topic,
    "backgrounds": Background,
    "level": Level,
    "kind": Kind,
    "cost": Cost,
    "unit": LengthUnit,
}
_FIELDS = tuple(Resource.model_fields) + tuple(Length.model_fields)


@dataclass(frozen=True, order=True)
class CatalogIssue:
    """One problem in a catalog file, located by file and line."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


class CatalogError(InvalidInputError):
    """A catalog file has problems; `issues` lists every one of them."""

    def __init__(self, issues: Sequence[CatalogIssue]) -> None:
        self.issues = sorted(issues)
        count = len(self.issues)
        heading = f"The catalog has {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([heading, *(f"  {issue}" for issue in self.issues)]))


@dataclass(frozen=True)
class _Entry:
    """A resource mapping as read from YAML, with the node that locates its parts."""

    source: str
    node: yaml.MappingNode
    data: dict[str, Any]


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
            self.constructed_objects = {}
            self.recursive_objects = {}
            self.state_generators = []
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
        self.anchors: dict[str, yaml.Node] = {}

    def expect(self, kind: type[yaml.Event], value: str | None = None) -> bool:
        """Take the next event if it is of this kind (and, for a scalar, has this value)."""
        if not self.check_event(kind):
            return False
        event = self.get_event()
        return value is None or getattr(event, "value", None) == value

    def items(self) -> list[Any] | None:
        """Each item of the one `resources:` list as data; None as soon as anything is unusual.

        Unusual is anything the careful path (`_compose`) would report or must look at: not exactly one
        top-level key `resources` holding a list, an item that is not a mapping, a key repeated in an item.
        """
        events = yaml.events
        if not self.expect(events.StreamStartEvent):
            return None
        if self.expect(events.StreamEndEvent):
            return []
        opened = (
            self.expect(events.DocumentStartEvent)
            and self.expect(events.MappingStartEvent)
            and self.expect(events.ScalarEvent, "resources")
            and self.expect(events.SequenceStartEvent)
        )
        if not opened:
            return None
        data = []
        while not self.check_event(events.SequenceEndEvent):
            item = self.compose_node(None, None)
            if not isinstance(item, yaml.MappingNode):
                return None
            keys = [key.value for key, _ in item.value]
            if len(set(keys)) != len(keys):
                return None
            data.append(self.construct_document(item))
        closed = (
            self.expect(events.SequenceEndEvent)
            and self.expect(events.MappingEndEvent)
            and self.expect(events.DocumentEndEvent)
            and self.expect(events.StreamEndEvent)
        )
        return data if closed else None


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


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    """' (did you mean X?)' when one option is close to the word, else ''."""
    close = difflib.get_close_matches(str(word).lower(), list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _field_name(loc: tuple[int | str, ...]) -> str:
    """The last named field of a pydantic location: ('topics', 2) → 'topics'."""
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else "entry"


def _describe(error: dict[str, Any]) -> str:
    """A pydantic error as one plain-English sentence."""
    loc = tuple(error["loc"])
    field = _field_name(loc)
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        return f"unknown field '{field}'{_did_you_mean(field, _FIELDS)}"
    if kind == "missing":
        return f"missing required field '{field}'"
    if kind == "enum" and field in _VOCABULARIES:
        allowed = [member.value for member in _VOCABULARIES[field]]
        what = {"topics": "topic", "backgrounds": "background"}.get(field, field)
        return f"'{value}' is not a known {what}{_did_you_mean(value, allowed)}; allowed: {', '.join(allowed)}"
    if kind == "string_pattern_mismatch" and field in ("id", "prerequisites"):
        return f"{field}: '{value}' must be a slug of lowercase letters, digits and hyphens, like 'linear-algebra'"
    message = error["msg"].removeprefix("Value error, ")
    return f"{field}: {message}"


def _compose(text: str, source: str) -> tuple[list[_Entry], list[CatalogIssue]]:
    """Parse one file's text into resource entries, or the issues that stop it being read."""
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
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return [], [CatalogIssue(source, line, f"not valid YAML: {problem}")]
    if root is None:
        return [], []
    if not isinstance(root, yaml.MappingNode) or [k.value for k, _ in root.value] != ["resources"]:
        message = "the file must hold one top-level key, 'resources:', with a list"
        return [], [CatalogIssue(source, _line(root), message)]
    items = root.value[0][1]
    if not isinstance(items, yaml.SequenceNode):
        message = "'resources:' must be a list of resources (each starting with '- ')"
        return [], [CatalogIssue(source, _line(items), message)]
    entries: list[_Entry] = []
    issues: list[CatalogIssue] = []
    for item in items.value:
        if not isinstance(item, yaml.MappingNode):
            message = "each resource must be a mapping of fields (id:, title:, …)"
            issues.append(CatalogIssue(source, _line(item), message))
            continue
        seen: set[str] = set()
        for key, _ in item.value:
            if key.value in seen:
                issues.append(CatalogIssue(source, _line(key), f"field '{key.value}' appears twice in one resource"))
            seen.add(key.value)
        try:
            data = loader.construct_item(item)
        except yaml.YAMLError as exc:
            issues.append(CatalogIssue(source, _line(item), f"not valid YAML: {exc}"))
            continue
        entries.append(_Entry(source, item, data))
    return entries, issues


def _validate(entries: list[_Entry]) -> tuple[list[tuple[_Entry, Resource]], list[CatalogIssue]]:
    """Validate every entry against the schema, collecting all errors."""
    valid: list[tuple[_Entry, Resource]] = []
    issues: list[CatalogIssue] = []
    for entry in entries:
        try:
            valid.append((entry, Resource.model_validate(entry.data)))
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
    entries: list[_Entry], valid: list[tuple[_Entry, Resource]], known_ids: frozenset[str]
) -> list[CatalogIssue]:
    """Checks across resources: unique ids, prerequisites that exist, no prerequisite cycles.

    Ids are taken from every entry, valid or not, so one broken entry does not hide a duplicate id or
    turn prerequisites that point at it into false "not in the catalog" errors.
    """
    issues: list[CatalogIssue] = []
    first_seen: dict[str, _Entry] = {}
    for entry in entries:
        resource_id = entry.data.get("id")
        if not isinstance(resource_id, str):
            continue
        if resource_id in first_seen:
            other = first_seen[resource_id]
            where = f"{other.source}:{_line(_locate(other.node, ('id',)))}"
            line = _line(_locate(entry.node, ("id",)))
            issues.append(CatalogIssue(entry.source, line, f"id '{resource_id}' is already used at {where}"))
        else:
            first_seen[resource_id] = entry
    ids = set(first_seen) | known_ids
    for entry, resource in valid:
        for index, prerequisite in enumerate(resource.prerequisites):
            if prerequisite == resource.id:
                message = f"'{resource.id}' lists itself as a prerequisite"
            elif prerequisite not in ids:
                message = f"prerequisite '{prerequisite}' is not in the catalog{_did_you_mean(prerequisite, ids)}"
            else:
                continue
            line = _line(_locate(entry.node, ("prerequisites", index)))
            issues.append(CatalogIssue(entry.source, line, message))
    graph = {res.id: [p for p in res.prerequisites if p in first_seen and p != res.id] for _, res in valid}
    located = {res.id: entry for entry, res in valid}
    for cycle in find_cycles(graph):
        entry = located[cycle[0]]
        chain = " → ".join([*cycle, cycle[0]])
        line = _line(_locate(entry.node, ("prerequisites",)))
        issues.append(CatalogIssue(entry.source, line, f"prerequisite cycle: {chain}"))
    return issues


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


def parse_resources(documents: Sequence[tuple[str, str]], known_ids: Iterable[str] = ()) -> list[Resource]:
    """Validate catalog documents given as (source name, YAML text); raise CatalogError with every issue.

    `known_ids` are resources that exist elsewhere (the curated catalog, for a moderator's import), so
    prerequisites may point at them.
    """
    known = frozenset(known_ids)
    resources = _parse_valid(documents, known)
    if resources is not None:
        return resources
    # Something is wrong: read again keeping every node, so each problem is reported with its line.
    entries: list[_Entry] = []
    issues: list[CatalogIssue] = []
    for source, text in documents:
        found, problems = _compose(text, source)
        entries.extend(found)
        issues.extend(problems)
    valid, problems = _validate(entries)
    issues.extend(problems)
    issues.extend(_cross_check(entries, valid, known))
    if issues:
        raise CatalogError(issues)
    return [resource for _, resource in valid]


def _parse_valid(documents: Sequence[tuple[str, str]], known_ids: frozenset[str]) -> list[Resource] | None:
    """The resources when every document is valid, read fast and without line tracking; None at the first problem.

    Returns exactly what the careful path would for a valid catalog, and hands any doubt to it: a YAML
    error, an unusual file, a schema error, a repeated id, a missing or circular prerequisite.
    """
    resources: list[Resource] = []
    for _, text in documents:
        loader = _StreamLoader(text)
        try:
            items = loader.items()
        except yaml.YAMLError:
            return None
        finally:
            loader.dispose()
        if items is None:
            return None
        try:
            resources.extend(Resource.model_validate(item) for item in items)
        except ValidationError:
            return None
    ids = {resource.id for resource in resources}
    if len(ids) != len(resources):
        return None
    for resource in resources:
        if any(p == resource.id or (p not in ids and p not in known_ids) for p in resource.prerequisites):
            return None
    if find_cycles({r.id: [p for p in r.prerequisites if p in ids] for r in resources}):
        return None
    return resources


def catalog_files(path: Path) -> list[Path]:
    """The YAML files a catalog path stands for: the file itself, or every *.yaml / *.yml in a folder."""
    if path.is_dir():
        return sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    return [path]


def read_catalog_files(path: Path | str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each YAML file a catalog path stands for; CatalogError when there are none."""
    path = Path(path)
    if not path.exists():
        raise CatalogError([CatalogIssue(str(path), 0, "no such file or folder")])
    files = []
    for file in catalog_files(path):
        try:
            files.append((str(file), file.read_bytes()))
        except OSError as exc:
            raise CatalogError([CatalogIssue(str(file), 0, f"cannot be read: {exc}")]) from exc
    if not files:
        raise CatalogError([CatalogIssue(str(path), 0, "holds no *.yaml files")])
    return files


def parse_catalog_files(files: Sequence[tuple[str, bytes]]) -> Catalog:
    """The catalog the files hold, validated; CatalogError with every issue."""
    documents = []
    for name, data in files:
        try:
            # As Path.read_text reads it: UTF-8, universal newlines.
            documents.append((name, data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")))
        except UnicodeDecodeError as exc:
            raise CatalogError([CatalogIssue(name, 0, f"cannot be read: {exc}")]) from exc
    return Catalog(parse_resources(documents))


def load_catalog(path: Path | str) -> Catalog:
    """Load and validate the curated catalog from a file or a folder; raise CatalogError with every issue."""
    return parse_catalog_files(read_catalog_files(path))


def dump_resources(resources: Iterable[Resource]) -> str:
    """Resources as catalog YAML, in the same format the curated files use (for moderator export)."""
    items = [resource.model_dump(mode="json", exclude_defaults=True) for resource in resources]
    return yaml.safe_dump({"resources": items}, sort_keys=False, allow_unicode=True, width=100)
