"""The catalog cache: a restart reads JSON instead of YAML, and never serves what the files no longer say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalog import cache, loader
from bot.catalog.cache import load_catalog_cached
from bot.catalog.loader import CatalogError, load_catalog
from tests.catalog.test_loader import VALID_ENTRY

DATA = Path(__file__).resolve().parents[2] / "data"


def catalog_folder(tmp_path: Path, *titles: str) -> Path:
    """A catalog folder with one file holding a resource per title."""
    folder = tmp_path / "catalog"
    folder.mkdir(exist_ok=True)
    entries = "".join(VALID_ENTRY.format(id=f"book-{n}", title=title) for n, title in enumerate(titles))
    (folder / "books.yaml").write_text("resources:\n" + entries, encoding="utf-8")
    return folder


def test_the_shipped_catalog_reads_back_from_the_cache_as_it_was_loaded(tmp_path: Path) -> None:
    cache_file = tmp_path / "pillars.db.catalog-cache.json"

    cold = load_catalog_cached(DATA, cache_file)
    warm = load_catalog_cached(DATA, cache_file)

    assert cache_file.exists()
    assert list(warm) == list(cold) == list(load_catalog(DATA))
    assert warm.ids == cold.ids
    assert len(warm.concepts) > 0
    assert list(warm.concepts) == list(cold.concepts) == list(load_catalog(DATA).concepts)


def test_the_cache_is_used_when_the_files_are_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, cache_file = catalog_folder(tmp_path, "First"), tmp_path / "cache.json"
    load_catalog_cached(folder, cache_file)

    def no_yaml(files: object) -> None:
        raise AssertionError("the YAML was parsed although the cache matched")

    monkeypatch.setattr(loader, "parse_catalog_files", no_yaml)
    assert load_catalog_cached(folder, cache_file)["book-0"].title == "First"


def test_a_warm_start_never_imports_the_yaml_reader(tmp_path: Path) -> None:
    folder, cache_file = catalog_folder(tmp_path, "First"), tmp_path / "cache.json"
    load_catalog_cached(folder, cache_file)
    program = (
        "import sys, bot.__main__, bot.app, bot.exts.catalog_admin\n"
        "from bot.catalog.cache import load_catalog_cached\n"
        f"assert load_catalog_cached({str(folder)!r}, __import__('pathlib').Path({str(cache_file)!r}))['book-0']\n"
        "print(sorted(m for m in sys.modules if m == 'yaml' or m == 'bot.catalog.loader'))\n"
    )

    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True)

    assert ran.stdout.strip() == "[]"  # PyYAML is about 1 MB and 12 ms of a start that reads only the cache


def test_an_edited_file_makes_the_cache_stale(tmp_path: Path) -> None:
    folder, cache_file = catalog_folder(tmp_path, "First"), tmp_path / "cache.json"
    load_catalog_cached(folder, cache_file)

    catalog_folder(tmp_path, "First, revised", "Second")

    assert [r.title for r in load_catalog_cached(folder, cache_file)] == ["First, revised", "Second"]
    assert [r.title for r in load_catalog_cached(folder, cache_file)] == ["First, revised", "Second"]


def test_a_broken_catalog_is_refused_with_its_lines_even_after_a_valid_one_was_cached(tmp_path: Path) -> None:
    folder, cache_file = catalog_folder(tmp_path, "First"), tmp_path / "cache.json"
    load_catalog_cached(folder, cache_file)
    cached = cache_file.read_bytes()
    books = folder / "books.yaml"
    books.write_text(books.read_text().replace("kind: book", "kind: magazine"), encoding="utf-8")

    with pytest.raises(CatalogError) as caught:
        load_catalog_cached(folder, cache_file)

    assert [(issue.line, issue.source.endswith("books.yaml")) for issue in caught.value.issues] == [(5, True)]
    assert cache_file.read_bytes() == cached  # a refused catalog is never cached


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not a cache",
        b"{header}\n",
        b'{header}\n{"id": 1}',
        b'{header}\n{"id": "book-0", "tit',
        b"{header}\nnot json",
    ],
)
def test_a_damaged_cache_is_ignored_and_replaced(tmp_path: Path, damage: bytes) -> None:
    folder, cache_file = catalog_folder(tmp_path, "First"), tmp_path / "cache.json"
    load_catalog_cached(folder, cache_file)
    written = cache_file.read_bytes()
    header = written.partition(b"\n")[0]
    cache_file.write_bytes(damage.replace(b"{header}", header))

    assert load_catalog_cached(folder, cache_file).ids == ["book-0"]
    assert load_catalog_cached(folder, cache_file).ids == ["book-0"]
    assert cache_file.read_bytes() == written


def test_a_cache_with_a_resource_missing_is_not_used(tmp_path: Path) -> None:
    folder, cache_file = catalog_folder(tmp_path, "First", "Second"), tmp_path / "cache.json"
    load_catalog_cached(folder, cache_file)
    header, first, _second = cache_file.read_bytes().split(b"\n")
    cache_file.write_bytes(header + b"\n" + first)

    assert load_catalog_cached(folder, cache_file).ids == ["book-0", "book-1"]


def test_the_cache_keeps_which_fields_the_curator_gave(tmp_path: Path) -> None:
    folder, cache_file = catalog_folder(tmp_path, "First"), tmp_path / "cache.json"
    cold = load_catalog_cached(folder, cache_file)["book-0"]
    warm = load_catalog_cached(folder, cache_file)["book-0"]

    assert warm == cold and warm.model_fields_set == cold.model_fields_set
    assert "year" not in warm.model_fields_set


def test_a_cache_that_cannot_be_written_only_costs_the_next_start_its_speed(tmp_path: Path) -> None:
    folder = catalog_folder(tmp_path, "First")
    cache_file = tmp_path / "no-such-folder" / "cache.json"

    assert load_catalog_cached(folder, cache_file).ids == ["book-0"]
    assert not cache_file.exists()
    assert load_catalog_cached(folder, None).ids == ["book-0"]


def test_the_key_covers_names_and_bytes() -> None:
    key = cache.cache_key([("a.yaml", b"x")])
    assert key == cache.cache_key([("a.yaml", b"x")])
    assert key != cache.cache_key([("b.yaml", b"x")])
    assert key != cache.cache_key([("a.yaml", b"y")])
    assert cache.cache_key([("a", b"bc")]) != cache.cache_key([("ab", b"c")])


def test_a_catalog_read_keeps_equal_lists_once_and_a_lone_resource_shares_nothing(tmp_path: Path) -> None:
    folder, cache_file = catalog_folder(tmp_path, "First", "Second"), tmp_path / "cache.json"

    for catalog in (load_catalog_cached(folder, cache_file), load_catalog_cached(folder, cache_file)):  # YAML, cache
        first, second = list(catalog)
        assert first.topics == second.topics and first.authors == second.authors
        assert first.topics is second.topics and first.authors is second.authors

    from bot.catalog.schema import Resource

    alone = [Resource.model_validate(r.model_dump()) for r in load_catalog(folder)]
    assert alone[0].topics == alone[1].topics and alone[0].topics is not alone[1].topics


def test_a_cache_edited_to_hold_what_the_checks_refuse_is_never_served(tmp_path: Path) -> None:
    # The cache is read without the catalog's own checks (they ran when it was written): its digest is what
    # stops a changed byte, here a link to a private address that `check_web_url` would refuse, from being served.
    folder, cache_file = catalog_folder(tmp_path, "First"), tmp_path / "cache.json"
    served_url = load_catalog_cached(folder, cache_file)["book-0"].url
    written = cache_file.read_bytes()
    assert served_url.encode() in written
    cache_file.write_bytes(written.replace(served_url.encode(), b"http://10.0.0.1/admin"))

    assert load_catalog_cached(folder, cache_file)["book-0"].url == served_url
    assert cache_file.read_bytes() == written  # replaced by a cache of the files


def test_only_the_cache_read_skips_the_checks(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from bot.catalog.schema import Resource

    folder, cache_file = catalog_folder(tmp_path, "First"), tmp_path / "cache.json"
    load_catalog_cached(folder, cache_file)
    warm = load_catalog_cached(folder, cache_file)["book-0"]

    data = warm.model_dump(mode="json")
    for field, refused in [("url", "http://localhost/x"), ("title", "  line\x00 "), ("authors", ["A", "A"])]:
        with pytest.raises(ValidationError):  # after a warm read, what a moderator gives is checked as ever
            Resource.model_validate_json(__import__("json").dumps({**data, field: refused}))


def test_sections_are_cached_packed_and_read_back_as_they_were(tmp_path: Path) -> None:
    cache_file = tmp_path / "pillars.db.catalog-cache.json"
    cold = load_catalog_cached(DATA, cache_file)
    warm = load_catalog_cached(DATA, cache_file)

    with_sections = [r for r in cold if len(r.sections) > 1]
    assert with_sections and b'"sections":{"titles":' in cache_file.read_bytes()  # columns, not a Section a line
    for resource in with_sections:
        again = warm[resource.id].sections
        assert list(again) == list(resource.sections) and again == resource.sections
        assert (again.titles, again.numbers, again.starts) == (
            resource.sections.titles,
            resource.sections.numbers,
            resource.sections.starts,
        )
        concept = resource.sections.concepts[0] if resource.sections.concepts else None
        if concept is not None:
            assert again.teaching(concept) == resource.sections.teaching(concept)
    assert [r.sections for r in warm] == [r.sections for r in cold]
    named = [concept for r in warm for concept in r.sections.concepts]
    assert len({id(concept) for concept in named}) == len(set(named))  # one string per id, not one per mention


def test_packed_sections_are_refused_anywhere_but_in_the_cache(tmp_path: Path) -> None:
    # A moderator's import or a stored row could otherwise carry sections no check ever saw.
    from pydantic import ValidationError

    from bot.catalog.schema import PACKED, Resource

    cache_file = tmp_path / "pillars.db.catalog-cache.json"
    resource = next(r for r in load_catalog_cached(DATA, cache_file) if len(r.sections) > 1)
    packed = resource.model_dump_json(context={PACKED: True})
    assert '"sections":{"titles":' in packed

    with pytest.raises(ValidationError):
        Resource.model_validate_json(packed)
    assert '"sections":[{' in resource.model_dump_json()  # without the context, a list as ever
