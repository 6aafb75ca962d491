"""What is inside a resource, as members read it: its sections, its concepts, and where a position falls.

`/resource info` lists the contents; `/progress show` and `/progress log` say which section a member's
position is in and what comes next (for resources whose sections give where they start).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog.concepts import ConceptGraph
from bot.catalog.schema import Resource, Section
from bot.catalog.vocabulary import LengthUnit
from bot.ui import limits
from bot.ui.text import literal

CONTENTS_FIELDS = 2  # at most this many fields of sections, so the card keeps room for everything else
SECTION_LINE = 200


def start_label(start: int, unit: LengthUnit) -> str:
    """Where a section starts, in the resource's unit: 'p. 225', 'lecture 3', '40%'."""
    if unit is LengthUnit.PAGES:
        return f"p. {start}"
    if unit is LengthUnit.PERCENT:
        return f"{start}%"
    return f"{unit.singular} {start}"


def section_name(resource: Resource, section: Section) -> str:
    """'chapter 7 · Operators on Inner Product Spaces', its title escaped (a moderator may have typed it)."""
    title = literal(limits.cut(section.title, 80))
    return f"{section.label_in(resource.length.unit)} · {title}"


def concept_names(concept_ids: Sequence[str], concepts: ConceptGraph) -> list[str]:
    """The names of these concepts, in order; ids the vocabulary does not know are left out."""
    return [concepts[cid].name for cid in concept_ids if cid in concepts]


def section_lines(resource: Resource, concepts: ConceptGraph) -> list[str]:
    """One line per section: '**7** Operators on Inner Product Spaces (p. 225) — spectral theorem, SVD'."""
    lines = []
    for section in resource.sections:
        title = literal(section.title)
        line = f"**{section.number}** {title}"
        if section.start is not None and not resource.length.unit.counts_parts:  # 'lecture 3' says it already
            line += f" ({start_label(section.start, resource.length.unit)})"
        names = concept_names(section.concepts, concepts)
        if names:
            line += " — " + ", ".join(names)
        lines.append(limits.cut(line, SECTION_LINE))
    return lines


def contents_fields(resource: Resource, concepts: ConceptGraph) -> list[tuple[str, str]]:
    """The sections as embed fields, 'Contents' then 'Contents (more)', ending '…and N more' when they do not fit."""
    lines = section_lines(resource, concepts)
    chunks: list[list[str]] = []
    chunk: list[str] = []
    for index, line in enumerate(lines):
        last_field = len(chunks) == CONTENTS_FIELDS - 1
        reserve = len(f"\n…and {len(lines)} more") if last_field and index < len(lines) - 1 else 0
        if chunk and len("\n".join([*chunk, line])) + reserve > limits.EMBED_FIELD_VALUE:
            if last_field:
                chunk.append(f"…and {len(lines) - index} more")
                break
            chunks.append(chunk)
            chunk = []
        chunk.append(line)
    if chunk:
        chunks.append(chunk)
    return [("Contents" if n == 0 else "Contents (more)", "\n".join(c)) for n, c in enumerate(chunks)]


def concepts_text(resource: Resource, concepts: ConceptGraph, limit: int = limits.EMBED_FIELD_VALUE) -> str:
    """Every concept the resource teaches, by name, ending 'and N more' when they do not fit."""
    names = concept_names(resource.taught_concepts, concepts)
    shown: list[str] = []
    for index, name in enumerate(names):
        more = f", and {len(names) - index} more"
        if len(", ".join([*shown, name])) + (len(more) if index < len(names) - 1 else 0) > limit:
            return ", ".join(shown) + more
        shown.append(name)
    return ", ".join(shown)


def whereabouts(resource: Resource, position: int | None) -> str | None:
    """'in chapter 7 · Operators…; next: chapter 8 · … (p. 255)', or None where sections give no starts."""
    if position is None:
        return None
    started = [section for section in resource.sections if section.start is not None]
    if not started:
        return None
    current = resource.section_at(position)
    if current is None:
        first = started[0]
        return f"before {section_name(resource, first)}"
    later = [section for section in started if (section.start or 0) > (current.start or 0)]
    if not later:
        return f"in {section_name(resource, current)}, the last part"
    following = later[0]
    unit = resource.length.unit
    where = "" if unit.counts_parts else f" ({start_label(following.start or 1, unit)})"
    return f"in {section_name(resource, current)}; next: {section_name(resource, following)}{where}"
