"""A cache of the validated curated catalog, so a restart does not parse the same YAML again.

Parsing 10,000 resources of YAML takes about two seconds; reading them back from JSON with pydantic takes
a fraction of that. The cache is one file: a first line with its key, the digest of the rest and counts, then
one concept a line, then one resource a line, as JSON with the fields the curator gave (read one by one, so
no JSON tree of the whole catalog is ever held), its sections as the packed columns a resource holds them in
(`PACKED`), so reading them back makes no `Section` at all. The key is a hash of every catalog file's name
and bytes, and of what decides validity (the schema, the vocabulary and the loader's source, pydantic's
version), so any change to either makes the cache stale.

What the cache holds was validated by this very code when it was written; the key says the code is the same,
the digest that the bytes are. So it is read with pydantic's checks alone, not the catalog's own written in
Python (`validated_before`), which were two fifths of the read. At 10,000 resources, on one slow machine, in
turn with the code before: checked in Python and made Section by Section, the read took 1.32-1.67 s; with
pydantic's checks alone 0.68-1.0 s; with the sections packed too 0.54-0.72 s (in the bot's own start).

A cache is only ever written after the files were loaded and validated in full, and only used when its
key matches the files as they are now: a broken catalog never matches one, and is always refused with
every file:line problem. A stale, unreadable or invalid cache is ignored (and replaced); writing one is
atomic (a temporary file renamed over it) and a failure to write it is only logged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pydantic
from pydantic import ValidationError

from bot.catalog import concepts, files, schema, vocabulary
from bot.catalog.catalog import Catalog
from bot.catalog.concepts import ConceptGraph
from bot.catalog.files import read_catalog_files
from bot.catalog.schema import PACKED, Concept, Resource, equal_values_shared, validated_before

log = logging.getLogger(__name__)

CACHE_FORMAT = b"pillars-catalog-cache 4"
_LOADER_SOURCE = Path(__file__).with_name("loader.py")


def _code_digest() -> bytes:
    """What decides whether a catalog is valid: the schema, vocabulary and loader source, pydantic's version."""
    digest = hashlib.sha256(CACHE_FORMAT + pydantic.VERSION.encode())
    # The loader by its path: importing it would import the YAML reader, which a warm start never needs.
    for source in (*(Path(m.__file__ or "") for m in (schema, vocabulary, concepts, files)), _LOADER_SOURCE):
        digest.update(source.read_bytes())
    return digest.digest()


def cache_key(files: Sequence[tuple[str, bytes]]) -> str:
    """The key a cache of these catalog files is stored under."""
    digest = hashlib.sha256(_code_digest())
    for name, data in files:
        for part in (name.encode(), data):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
    return digest.hexdigest()


def _digest(body: bytes) -> bytes:
    """What tells a cache's body from a damaged one (11 ms for 15 MB, a 10,000-resource catalog)."""
    return hashlib.sha256(body).hexdigest().encode()


def read_cache(cache_file: Path, key: str) -> Catalog | None:
    """The cached catalog when the cache holds this key and all it holds validates; None otherwise."""
    try:
        data = cache_file.read_bytes()
    except OSError:
        return None
    header, _, body = data.partition(b"\n")
    del data
    stored_key, _, rest = header.partition(b" ")
    if stored_key != key.encode():
        return None
    digest, _, counts = rest.partition(b" ")
    if digest != _digest(body):
        log.warning("The catalog cache %s is damaged or incomplete; reading the catalog files", cache_file)
        return None
    lines = body.split(b"\n") if body else []
    try:
        resource_count, concept_count = (int(count) for count in counts.split(b" "))
        if resource_count + concept_count != len(lines):
            raise ValueError("miscounted")
    except ValueError:
        log.warning("The catalog cache %s is damaged or incomplete; reading the catalog files", cache_file)
        return None
    try:
        with equal_values_shared(), validated_before():
            vocabulary = ConceptGraph(Concept.model_validate_json(line) for line in lines[:concept_count])
            return Catalog((Resource.model_validate_json(line) for line in lines[concept_count:]), vocabulary)
    except ValidationError as exc:
        log.warning("The catalog cache %s does not validate (%s); reading the catalog files", cache_file, exc.title)
        return None


def write_cache(cache_file: Path, key: str, catalog: Catalog) -> None:
    """Store the catalog under this key, atomically; a failure is logged and otherwise ignored."""
    # One line each: JSON escapes every newline inside a string. Only the given fields, as the YAML had them.
    items = [*catalog.concepts, *catalog]
    packed = {PACKED: True}  # sections as the columns they are held in, so reading them back builds no Section
    body = b"\n".join(item.model_dump_json(exclude_unset=True, context=packed).encode() for item in items)
    header = key.encode() + b" " + _digest(body) + f" {len(catalog)} {len(catalog.concepts)}".encode()
    try:
        handle, temporary = tempfile.mkstemp(prefix=cache_file.name + ".", suffix=".tmp", dir=cache_file.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(header + b"\n" + body)
            os.replace(temporary, cache_file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("Cannot write the catalog cache %s: %s", cache_file, exc)


def cache_file_beside(database_path: Path | str) -> Path | None:
    """Where the validated catalog is cached: beside the database (none for an in-memory one)."""
    database = str(database_path)
    if database in ("", ":memory:"):
        return None
    return Path(database + ".catalog-cache.json")


def load_catalog_cached(path: Path | str, cache_file: Path | None) -> Catalog:
    """`load_catalog`, served from the cache when the files (and the rules) are unchanged since it was written."""
    files = read_catalog_files(path)
    if cache_file is None:
        from bot.catalog.loader import parse_catalog_files

        return parse_catalog_files(files)
    key = cache_key(files)
    cached = read_cache(cache_file, key)
    if cached is not None:
        return cached
    from bot.catalog.loader import parse_catalog_files  # YAML only when the cache cannot serve

    catalog = parse_catalog_files(files)  # CatalogError for a broken catalog: nothing is cached
    write_cache(cache_file, key, catalog)
    return catalog
