"""The catalog loader: a valid file loads; every kind of error is reported with its file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.catalog.loader import CatalogError, load_catalog, parse_resources
from bot.catalog.writer import dump_resources
from tests.factories import make_resource

VALID_ENTRY = """\
  - id: {id}
    title: {title}
    authors: [Sheldon Axler]
    kind: book
    url: https://linear.axler.net/
    cost: free-online-paid-print
    topics: [linear-algebra]
    level: intermediate
    length: {{amount: 390, unit: pages}}
    summary: Vector spaces first.
    why: Friendly and intuitive.
"""


def write(tmp_path: Path, name: str, body: str) -> Path:
    """Write a catalog file and return its path."""
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def issues_of(path: Path) -> list[tuple[int, str]]:
    """(line, message) of every issue loading the path raises."""
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    return [(issue.line, issue.message) for issue in caught.value.issues]


def test_a_valid_folder_loads_every_file_in_order(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "resources:\n" + VALID_ENTRY.format(id="first", title="First"))
    write(tmp_path, "b.yaml", "resources:\n" + VALID_ENTRY.format(id="second", title="Second"))
    catalog = load_catalog(tmp_path)
    assert catalog.ids == ["first", "second"]
    assert catalog["first"].length.amount == 390


def test_unknown_field_is_reported_on_its_own_line_with_a_hint(tmp_path: Path) -> None:
    body = "resources:\n" + VALID_ENTRY.format(id="x-book", title="X") + "    summry: typo\n"
    path = write(tmp_path, "c.yaml", body)
    assert issues_of(path) == [(13, "unknown field 'summry' (did you mean 'summary'?)")]


def test_bad_url_unknown_topic_and_missing_field_all_reported_at_once(tmp_path: Path) -> None:
    body = textwrap.dedent(
        """\
        resources:
          - id: broken
            title: Broken
            authors: [Someone]
            kind: book
            url: javascript:alert(1)
            cost: free
            topics: [linear-algebra, probabilty]
            level: beginner
            length: {amount: 10, unit: pages}
            summary: s
        """
    )
    path = write(tmp_path, "broken.yaml", body)
    issues = issues_of(path)
    assert (2, "missing required field: why") in issues
    assert (6, "url: must be a web address starting with http:// or https://") in issues
    line8 = [message for line, message in issues if line == 8]
    assert line8 and "'probabilty' is not a known topic (did you mean 'probability'?)" in line8[0]
    assert len(issues) == 3


def test_data_urls_are_refused(tmp_path: Path) -> None:
    body = "resources:\n" + VALID_ENTRY.format(id="x-book", title="X").replace(
        "https://linear.axler.net/", "data:text/html,hi"
    )
    assert issues_of(write(tmp_path, "d.yaml", body))[0][0] == 6


def test_duplicate_ids_across_files_point_at_both(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "resources:\n" + VALID_ENTRY.format(id="same-id", title="One"))
    write(tmp_path, "b.yaml", "resources:\n" + VALID_ENTRY.format(id="same-id", title="Two"))
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path)
    [issue] = caught.value.issues
    assert issue.source.endswith("b.yaml") and issue.line == 2
    assert "id 'same-id' is already used at" in issue.message and "a.yaml:2" in issue.message


def test_duplicate_key_in_one_resource_is_an_error(tmp_path: Path) -> None:
    body = "resources:\n" + VALID_ENTRY.format(id="x-book", title="X") + "    title: Again\n"
    assert issues_of(write(tmp_path, "e.yaml", body)) == [(13, "field 'title' appears twice in one resource")]


def test_unknown_prerequisite_and_cycle(tmp_path: Path) -> None:
    body = (
        "resources:\n"
        + VALID_ENTRY.format(id="alpha", title="A").replace("    summary:", "    prerequisites: [beta]\n    summary:")
        + VALID_ENTRY.format(id="beta", title="B").replace(
            "    summary:", "    prerequisites: [alpha, gamma]\n    summary:"
        )
    )
    issues = issues_of(write(tmp_path, "f.yaml", body))
    messages = [message for _, message in issues]
    assert any(message.startswith("prerequisite cycle: alpha → beta → alpha") for message in messages)
    assert (23, "prerequisite 'gamma' is not in the catalog") in issues


def test_self_prerequisite(tmp_path: Path) -> None:
    body = "resources:\n" + VALID_ENTRY.format(id="alpha", title="A").replace(
        "    summary:", "    prerequisites: [alpha]\n    summary:"
    )
    assert issues_of(write(tmp_path, "g.yaml", body)) == [(11, "'alpha' lists itself as a prerequisite")]


def test_broken_yaml_gives_the_line(tmp_path: Path) -> None:
    body = "resources:\n  - id: a\n    title: [unclosed\n    kind: book\n"
    [(line, message)] = issues_of(write(tmp_path, "h.yaml", body))
    assert message.startswith("not valid YAML") and line >= 3


def test_wrong_top_level_shape(tmp_path: Path) -> None:
    assert issues_of(write(tmp_path, "i.yaml", "- id: a\n")) == [
        (1, "the file must hold one top-level key, 'resources:' (or 'concepts:' for the vocabulary), with a list")
    ]


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    assert issues_of(tmp_path / "nope") == [(0, "no such file or folder")]


def test_import_may_point_at_known_ids_and_round_trips_through_export() -> None:
    resources = [make_resource("added", prerequisites=["curated-one"]), make_resource("other")]
    text = dump_resources(resources)
    assert parse_resources([("export.yaml", text)], known_ids={"curated-one"}) == resources
    with pytest.raises(CatalogError):
        parse_resources([("export.yaml", text)])
