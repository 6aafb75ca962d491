"""The resource form as plain text: what a moderator types, read into a validated `Resource`.

Discord allows five inputs in a form, so the structured fields share one compact line, read in any order:

    linear algebra, probability · beginner · book · free · 390 pages · 2024 · software engineer

Each item is recognised by the vocabulary it belongs to (topic, level, kind, cost, "<number> <unit>" for the
length, a four-digit year, a background); the summary and why-it's-here share the last input, split at the
first blank line. `resource_from_form` turns the five texts into a validated `Resource` or raises one
`InvalidInputError` naming each field that is wrong, in the words the moderator saw on the form. The modal
that shows the form is `bot.ui.catalog.ResourceModal`; nothing here needs Discord.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.catalog.concepts import ConceptGraph, concept_key
from bot.catalog.matching import closest, did_you_mean
from bot.catalog.schema import Resource, Section
from bot.catalog.vocabulary import (
    COST_LABELS,
    Background,
    Cost,
    Kind,
    LengthUnit,
    Level,
    SectionKind,
    Topic,
    topic_words,
)
from bot.errors import InvalidInputError

TITLE_LABEL = "Title"
URL_LABEL = "Link"
AUTHORS_LABEL = "Authors (comma-separated)"
FACTS_LABEL = "Topics · level · kind · cost · length"
TEXT_LABEL = "Summary, blank line, why it's here"
FACTS_PLACEHOLDER = "linear algebra, probability · beginner · book · free · 390 pages"
FACTS_HELP = "Any order. Optional: a year (2024) and who it suits (software engineer)."
TEXT_PLACEHOLDER = "What it covers, in two or three sentences.\n\nWhy it belongs here: who it suits, what it does best."
MAX_AUTHORS_TEXT = 400
MAX_FACTS_TEXT = 400
MAX_SLUG = 80

_SEPARATORS = re.compile(r"\s*[·•|;,\n]\s*")
_LENGTH = re.compile(r"^(\d[\d_']*)\s*([a-z%]+)$")
_YEAR = re.compile(r"^(19|20|21)\d\d$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")

# Where each schema field sits on the form, so an error names what the moderator can see.
_WHERE: dict[str, str] = {
    "id": "Id",
    "title": TITLE_LABEL,
    "url": URL_LABEL,
    "authors": "Authors",
    "topics": "Topics",
    "level": "Level",
    "kind": "Kind",
    "cost": "Cost",
    "length": "Length",
    "amount": "Length",
    "unit": "Length",
    "year": "Year",
    "backgrounds": "Who it suits",
    "summary": "Summary",
    "why": "Why it's here",
}


@dataclass(frozen=True)
class ResourceForm:
    """The five texts of the resource modal, as typed (or as prefilled from a resource)."""

    title: str = ""
    url: str = ""
    authors: str = ""
    facts: str = ""
    text: str = ""


def _words(value: str) -> str:
    """Lower-case, hyphens and underscores as spaces, single spaces: how items are compared."""
    return " ".join(value.lower().replace("-", " ").replace("_", " ").split())


def _vocabulary(values: Iterable[StrEnum], *labels: dict[Any, str]) -> dict[str, Any]:
    """Every way to write each member: its value, and its labels, compared as `_words`."""
    table: dict[str, Any] = {}
    for member in values:
        table[_words(member.value)] = member
        for names in labels:
            if member in names:
                table[_words(names[member])] = member
    return table


_TOPICS: dict[str, Topic] = {_words(word): topic for word, topic in topic_words().items()}
_LEVELS: dict[str, Level] = _vocabulary(Level)
_KINDS: dict[str, Kind] = _vocabulary(Kind)
_COSTS: dict[str, Cost] = {
    **_vocabulary(Cost, COST_LABELS),
    "free online": Cost.FREE_ONLINE_PAID_PRINT,
    "free to audit": Cost.FREE_TO_AUDIT,
}
_BACKGROUNDS: dict[str, Background] = _vocabulary(Background)
_UNITS: dict[str, LengthUnit] = {}
for _unit in LengthUnit:
    _UNITS[_unit.value] = _unit
    _UNITS[_unit.singular] = _unit
_UNITS.update({"pp": LengthUnit.PAGES, "%": LengthUnit.PERCENT, "h": LengthUnit.HOURS, "hrs": LengthUnit.HOURS})
_ALL_WORDS = [*_TOPICS, *_LEVELS, *_KINDS, *_COSTS, *_BACKGROUNDS]


def _shortened(item: str, limit: int = 60) -> str:
    """An item as quoted back in a problem: whole when short, else its beginning and an ellipsis."""
    return item if len(item) <= limit else item[: limit - 1].rstrip() + "…"


def parse_facts(line: str) -> tuple[dict[str, Any], list[str]]:
    """The compact facts line as schema fields, and the problems found (each naming its part of the line)."""
    fields: dict[str, Any] = {"topics": [], "backgrounds": []}
    problems: list[str] = []
    singles: dict[str, dict[str, Any]] = {"level": _LEVELS, "kind": _KINDS, "cost": _COSTS}
    for raw in _SEPARATORS.split(line.strip()):
        item = _words(raw)
        if not item:
            continue
        if item in _TOPICS:
            if _TOPICS[item] not in fields["topics"]:
                fields["topics"].append(_TOPICS[item])
            continue
        if item in _BACKGROUNDS:
            if _BACKGROUNDS[item] not in fields["backgrounds"]:
                fields["backgrounds"].append(_BACKGROUNDS[item])
            continue
        single = next((name for name, table in singles.items() if item in table), None)
        if single is not None:
            value = singles[single][item]
            if single in fields and fields[single] != value:
                problems.append(f"**{_WHERE[single]}**: two given, '{fields[single]}' and '{value}'; keep one")
            fields[single] = value
            continue
        if _YEAR.match(item):
            if "year" in fields:
                problems.append(f"**Year**: two given, {fields['year']} and {item}; keep one")
            fields["year"] = int(item)
            continue
        length = _LENGTH.match(raw.strip().lower())
        if length:
            amount, unit_word = length.groups()
            unit = _UNITS.get(unit_word)
            if unit is None:
                units = ", ".join(u.value for u in LengthUnit)
                hint = did_you_mean(closest(unit_word, [u.value for u in LengthUnit]))
                problems.append(f"**Length**: '{unit_word}' is not a unit I know{hint}; units: {units}")
            elif "length" in fields:
                problems.append(f"**Length**: two given, '{fields['length']['amount']} …' and '{raw.strip()}'")
            else:
                fields["length"] = {"amount": int(amount.replace("_", "").replace("'", "")), "unit": unit}
            continue
        if item.isdigit():
            problems.append(f"**Length**: '{item}' needs a unit, like '{item} pages' or '{item} lectures'")
            continue
        hint = did_you_mean(closest(item, _ALL_WORDS))
        problems.append(
            f"**{FACTS_LABEL}**: '{_shortened(raw.strip())}' is not a topic, level, kind, cost, length, "
            f"year or background I know{hint}"
        )
    missing = []
    if not fields["topics"]:
        missing.append("at least one topic (" + ", ".join(t.label for t in list(Topic)[:4]) + ", …)")
    if "level" not in fields:
        missing.append("a level (" + ", ".join(level.value for level in Level) + ")")
    if "kind" not in fields:
        missing.append("a kind (" + ", ".join(kind.label for kind in Kind) + ")")
    if "cost" not in fields:
        missing.append("a cost (" + ", ".join(cost.value for cost in Cost) + ")")
    if "length" not in fields and not any(p.startswith("**Length**") for p in problems):
        missing.append("a length (like '390 pages' or '12 videos')")
    if missing:
        problems.append(f"**{FACTS_LABEL}** is missing " + "; ".join(missing))
    return fields, problems


def facts_line(resource: Resource) -> str:
    """A resource's structured fields as the compact line `parse_facts` reads back."""
    parts = [
        ", ".join(topic.label for topic in resource.topics),
        resource.level.value,
        resource.kind.label,
        resource.cost.value,
        str(resource.length),
    ]
    if resource.year is not None:
        parts.append(str(resource.year))
    if resource.suits:
        parts.append(", ".join(background.label for background in resource.suits))
    return " · ".join(parts)


def form_for(resource: Resource) -> ResourceForm:
    """The form filled with a resource's current values (for /catalog edit)."""
    return ResourceForm(
        title=resource.title,
        url=resource.url,
        authors=", ".join(resource.authors),
        facts=facts_line(resource),
        text=f"{resource.summary}\n\n{resource.why}",
    )


def form_for_suggestion(title: str, url: str, note: str | None) -> ResourceForm:
    """The form started from a member's suggestion: its title and link, its note as a first summary."""
    note = (note or "").strip()
    return ResourceForm(title=title, url=url, text=f"{note}\n\n" if note else "")


def slug_for(title: str, taken: Iterable[str] = ()) -> str:
    """An id for a new resource from its title ('Linear Algebra Done Right' → 'linear-algebra-done-right')."""
    base = _NOT_SLUG.sub("-", title.lower()).strip("-")[:MAX_SLUG].strip("-") or "resource"
    if len(base) < 2:
        base = f"resource-{base}"
    used = set(taken)
    slug, number = base, 2
    while slug in used:
        suffix = f"-{number}"
        slug = base[: MAX_SLUG - len(suffix)].strip("-") + suffix
        number += 1
    return slug


def _describe(error: ErrorDetails) -> str:
    """One pydantic error as '**Field**: what is wrong'."""
    names = [part for part in error["loc"] if isinstance(part, str)]
    field = names[0] if names else "entry"
    where = _WHERE.get(field, field)
    if error["type"] == "missing":
        return f"**{where}** is required"
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind in ("too_short", "string_too_short") and error.get("input") in ("", [], (), None):
        return f"**{where}** is required"
    if kind in ("too_long", "string_too_long") and "max_length" in context:
        return f"**{where}** is too long: at most {context['max_length']} characters"
    if kind == "greater_than" and field == "length":
        return f"**{where}**: must be more than 0"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"**{where}**: {message}"


def resource_from_form(form: ResourceForm, resource_id: str, *, keep: Resource | None = None) -> Resource:
    """The resource the form describes, validated; InvalidInputError listing every problem, by field.

    `keep` is the resource being edited: what the form does not show (prerequisites, what is not covered)
    is kept from it.
    """
    problems: list[str] = []
    facts, fact_problems = parse_facts(form.facts)
    problems.extend(fact_problems)
    parts = _BLANK_LINE.split(form.text.strip().replace("\r\n", "\n"), maxsplit=1)
    summary = parts[0].strip()
    why = parts[1].strip() if len(parts) > 1 else ""
    if summary and not why:
        problems.append(f"**{TEXT_LABEL}**: leave an empty line after the summary, then say why it belongs here")
    authors = [name.strip() for name in re.split(r"[,;\n]", form.authors) if name.strip()]
    data: dict[str, Any] = {
        "id": resource_id,
        "title": form.title.strip(),
        "url": form.url.strip(),
        "authors": authors,
        "topics": facts["topics"],
        "backgrounds": facts["backgrounds"],
        "level": facts.get("level"),
        "kind": facts.get("kind"),
        "cost": facts.get("cost"),
        "length": facts.get("length"),
        "year": facts.get("year"),
        "summary": summary,
        "why": why,
    }
    if keep is not None:
        data["prerequisites"] = list(keep.prerequisites)
        data["not_covered"] = list(keep.not_covered)
        # Not on the form either: who it was written for, its other names, contents and concepts.
        data["written_for"] = list(keep.written_for)
        data["backgrounds"] = [b for b in facts["backgrounds"] if b not in keep.written_for]
        data["aliases"] = list(keep.aliases)
        data["hands_on"] = keep.hands_on
        data["concepts"] = list(keep.concepts)
        data["sections"] = list(keep.sections)  # validated already: frozen sections are taken as they are
    # Fields the facts line already reported as missing or wrong are not reported twice.
    reported = {name for name in ("topics", "level", "kind", "cost", "length") if data[name] in (None, [])}
    if "**Length**" in " ".join(fact_problems):
        reported.add("length")
    if not why:
        reported.add("why")
    data = {key: value for key, value in data.items() if value is not None}
    try:
        resource = Resource.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            names = [part for part in error["loc"] if isinstance(part, str)]
            if names and names[0] in reported:
                continue
            problems.append(_describe(error))
        resource = None
    if problems or resource is None:
        unique = list(dict.fromkeys(problems))
        raise InvalidInputError("Nothing was saved; please fix:\n" + "\n".join(f"• {problem}" for problem in unique))
    return resource


# --- the contents form: a resource's sections and the concepts it teaches ------------------------------
#
# Discord allows five inputs in a form and the resource form uses them all, so the contents have a form of
# their own: the concepts the resource teaches as a whole, and its sections, one a line:
#
#     7 · Operators on Inner Product Spaces · p. 225 · spectral-theorem, svd
#
# number (optionally after its kind: "appendix A"), title, where it starts (optional) and the concepts it
# teaches (optional), by id, name or synonym. A paragraph input holds 4,000 characters: contents longer than
# that are not cut to fit; the form says so and points to /catalog export and /catalog import.

CONTENTS_LABEL = "Sections, one a line"
CONCEPTS_LABEL = "Concepts it teaches as a whole"
CONTENTS_PLACEHOLDER = "7 · Operators on Inner Product Spaces · p. 225 · spectral-theorem, svd"
CONTENTS_HELP = "number · title · where it starts (optional) · concepts (optional)"
CONCEPTS_PLACEHOLDER = "singular value decomposition, pca"
MAX_CONTENTS_TEXT = 4000  # what one paragraph input holds
MAX_CONCEPTS_TEXT = 1000

_PART_SEPARATOR = re.compile(r"\s*[·|]\s*")
_NUMBERED = re.compile(rf"^(?:({'|'.join(kind.value for kind in SectionKind)})\s+)?([A-Za-z0-9][A-Za-z0-9.]*)$", re.I)
_START_WORDS = "|".join(
    sorted({"p", "pp", "page", "pages", "from", "at", "starts at", *(u.singular for u in LengthUnit)}, key=len)[::-1]
)
_START = re.compile(rf"^(?:(?:{_START_WORDS})\.?\s*)?(\d{{1,6}})\s*%?$", re.I)
_LONGEST_CONCEPT_NAME = 4  # comma-separated pieces a concept's name may span ("joint, marginal and conditional…")


@dataclass(frozen=True)
class ContentsForm:
    """The two texts of the contents modal: the concepts taught as a whole, and the sections, one a line."""

    concepts: str = ""
    sections: str = ""


class ContentsTooLong(ValueError):
    """The resource's contents, written out, do not fit the form's input."""

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length


def section_line(section: Section, unit: LengthUnit) -> str:
    """One section as the contents form writes it: '7 · Operators on Inner Product Spaces · p. 225 · svd'."""
    # A kind the section names itself is written, even where it is the unit's own: what is stored is shown.
    number = f"{section.kind.value} {section.number}" if section.kind else section.number
    parts = [number, section.title]
    if section.start is not None:
        parts.append(f"p. {section.start}" if unit is LengthUnit.PAGES else f"{unit.singular} {section.start}")
    if section.concepts:
        parts.append(", ".join(section.concepts))
    return " · ".join(parts)


def contents_form_for(resource: Resource) -> ContentsForm:
    """The contents form filled with a resource's sections and concepts; ContentsTooLong when they do not fit."""
    sections = "\n".join(section_line(section, resource.length.unit) for section in resource.sections)
    if len(sections) > MAX_CONTENTS_TEXT:
        raise ContentsTooLong(len(sections))
    concepts = ", ".join(resource.concepts)
    if len(concepts) > MAX_CONCEPTS_TEXT:
        raise ContentsTooLong(len(concepts))
    return ContentsForm(concepts=concepts, sections=sections)


def parse_concepts(text: str, graph: ConceptGraph) -> tuple[list[str], list[str]]:
    """Comma-separated concept names, ids or synonyms as ids (each once), and a problem for each unknown one.

    A name that itself holds commas ("joint, marginal and conditional distributions") is found by trying the
    longest run of pieces first.
    """
    pieces = [piece.strip() for piece in text.split(",")]
    found: list[str] = []
    problems: list[str] = []
    index = 0
    while index < len(pieces):
        if not pieces[index]:
            index += 1
            continue
        for size in range(min(_LONGEST_CONCEPT_NAME, len(pieces) - index), 0, -1):
            concept = graph.named(", ".join(pieces[index : index + size]))
            if concept is not None:
                if concept.id not in found:
                    found.append(concept.id)
                index += size
                break
        else:
            typed = pieces[index]
            close = closest(concept_key(typed), list(graph.words), limit=2)
            hint = did_you_mean(dict.fromkeys(graph.words[word].name for word in close))
            problems.append(f"'{_shortened(typed)}' is not a concept I know{hint}")
            index += 1
    return found, problems


def parse_section_line(line: str, graph: ConceptGraph) -> tuple[dict[str, Any], list[str]]:
    """One line of the contents as a section's fields, and what is wrong with it (without the line number)."""
    parts = _PART_SEPARATOR.split(line.strip())
    problems: list[str] = []
    numbered = _NUMBERED.match(parts[0])
    if not numbered:
        problems.append(f"'{_shortened(parts[0], 30)}' is not a section number (like 7, 2.3 or appendix A)")
        return {}, problems
    kind_word, number = numbered.groups()
    fields: dict[str, Any] = {"number": number}
    if kind_word:
        fields["kind"] = SectionKind(kind_word.lower())
    if len(parts) < 2 or not parts[1]:
        problems.append("give the section's title after its number, like '7 · Operators on Inner Product Spaces'")
        return fields, problems
    fields["title"] = parts[1]
    concepts_given = False
    for part in parts[2:]:
        start = _START.match(part)
        if start and "start" not in fields and not concepts_given:
            fields["start"] = int(start.group(1))
            continue
        if concepts_given:
            problems.append(f"'{_shortened(part, 30)}' is one part too many: number · title · start · concepts")
            continue
        concepts_given = True
        fields["concepts"], concept_problems = parse_concepts(part, graph)
        problems.extend(concept_problems)
    return fields, problems


def resource_with_contents(form: ContentsForm, resource: Resource, graph: ConceptGraph) -> Resource:
    """The resource with the form's concepts and sections, validated; InvalidInputError naming each bad line."""
    problems: list[str] = []
    concepts, concept_problems = parse_concepts(form.concepts, graph)
    problems.extend(f"**{CONCEPTS_LABEL}**: {problem}" for problem in concept_problems)
    sections: list[dict[str, Any]] = []
    lines: list[tuple[int, str]] = []  # (line number in the input, text) of each section given
    for number, line in enumerate(form.sections.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        fields, line_problems = parse_section_line(line, graph)
        problems.extend(f"**Line {number}** ('{_shortened(line.strip(), 40)}'): {p}" for p in line_problems)
        sections.append(fields)
        lines.append((number, line.strip()))
    if not problems:
        data = resource.model_dump(exclude_defaults=True)
        data["concepts"] = concepts
        data["sections"] = sections
        try:
            return Resource.model_validate(data)
        except ValidationError as exc:
            numbers = [str(fields.get("number")) for fields in sections]
            for error in exc.errors():
                problems.append(_describe_contents_error(error, lines, numbers))
    unique = list(dict.fromkeys(problems))
    raise InvalidInputError("Nothing was saved; please fix:\n" + "\n".join(f"• {problem}" for problem in unique))


def _describe_contents_error(error: ErrorDetails, lines: list[tuple[int, str]], numbers: list[str]) -> str:
    """One validation error of the contents, naming the line it comes from where it has one."""
    location = list(error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] in ("too_long", "string_too_long") and "max_length" in (error.get("ctx") or {}):
        message = f"is too long: at most {error['ctx']['max_length']} characters"
    index: int | None = None
    if len(location) >= 2 and location[0] == "sections" and isinstance(location[1], int):
        index = location[1]
        field = location[2] if len(location) > 2 else "section"
        message = f"the {field} {message}"
    elif location and location[0] == "sections":
        # An error about the sections together ("section 1 starts at 50, not after…") names a section.
        named = re.search(r"section (\S+)", message)
        if named and named.group(1) in numbers:
            # A number listed twice is wrong on its second line; any other, on its own.
            matching = [i for i, number in enumerate(numbers) if number == named.group(1)]
            index = matching[-1] if "twice" in message else matching[0]
    if index is not None and index < len(lines):
        number, text = lines[index]
        return f"**Line {number}** ('{_shortened(text, 40)}'): {message}"
    where = CONTENTS_LABEL if location and location[0] == "sections" else CONCEPTS_LABEL
    return f"**{where}**: {message}"
