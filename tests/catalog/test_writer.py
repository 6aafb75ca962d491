"""What `/catalog export` writes reads back as the same resources, whatever their text holds."""

from __future__ import annotations

import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.catalog.loader import parse_resources
from bot.catalog.schema import Resource
from bot.catalog.writer import dump_resources
from tests.factories import make_resource

# Text as anyone could type it: any character a resource's text may hold, YAML's indicators and the words
# YAML 1.1 reads as booleans or numbers well represented.
TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)) | st.sampled_from(list("#:-?[]{},&*!|>'\"%@`\\ \n\t")),
    min_size=1,
    max_size=60,
) | st.sampled_from(["yes", "No", "ON", "null", "~", "12", "1e3", "0x1f", "2024-01-01", "1:20", "=", "<<", "- x"])


def resource_with(text: str, words: list[str]) -> Resource:
    """A resource whose every text field holds what was typed (skipped by hypothesis when the schema refuses it)."""
    try:
        return make_resource(
            "typed-resource",
            title=text,
            authors=list(dict.fromkeys(words)),
            summary=text,
            why=f"{text} ({len(text)})",
            not_covered=[text],
            sections=[{"number": "1.2", "title": text.replace("\n", " ").strip() or "x", "start": 1}],
        )
    except ValidationError:
        assume(False)
        raise


@settings(max_examples=300, deadline=None)
@given(text=TEXT, words=st.lists(TEXT, min_size=1, max_size=3))
def test_whatever_text_a_resource_holds_the_export_reads_back_as_the_same_resource(text: str, words: list[str]) -> None:
    resource = resource_with(text, words)
    written = dump_resources([resource])

    assert parse_resources([("export.yaml", written)]) == [resource]
    assert yaml.safe_load(written) == {"resources": [resource.model_dump(mode="json", exclude_defaults=True)]}


def test_the_export_is_laid_out_as_the_curated_files_are() -> None:
    resource = make_resource(
        "linear-algebra-done-right",
        title="Linear Algebra Done Right",
        authors=["Sheldon Axler"],
        sections=[{"number": "1", "title": "Vector Spaces", "start": 1}],
    )
    assert dump_resources([resource]) == (
        "resources:\n"
        "  - id: linear-algebra-done-right\n"
        "    title: Linear Algebra Done Right\n"
        "    authors: [Sheldon Axler]\n"
        "    kind: book\n"
        "    url: https://example.org/linear-algebra-done-right\n"
        "    cost: paid\n"
        "    topics: [linear-algebra]\n"
        "    level: intermediate\n"
        "    length: {amount: 300, unit: pages}\n"
        "    summary: A summary.\n"
        "    why: A reason.\n"
        "    sections:\n"
        '      - {number: "1", title: Vector Spaces, start: 1}\n'
    )
