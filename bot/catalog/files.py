"""The curated catalog's files, and the problems found in them: what start-up needs without the YAML reader.

`bot.catalog.loader` parses the files; a warm start only reads their bytes (to key the cache) and never
imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.errors import InvalidInputError
from bot.words import counted

RESOURCES = "resources"
CONCEPTS = "concepts"


@dataclass(frozen=True, order=True)
class CatalogIssue:
    """One problem in a catalog file, located by file and line."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        # Line 0 is the file (or path) as a whole: it does not exist, cannot be read, holds nothing.
        return f"{self.source}: {self.message}" if self.line == 0 else f"{self.source}:{self.line}: {self.message}"


class CatalogError(InvalidInputError):
    """A catalog file has problems; `issues` lists every one of them."""

    def __init__(self, issues: Sequence[CatalogIssue]) -> None:
        self.issues = sorted(issues)
        heading = f"The catalog has {counted(len(self.issues), 'problem')}:"
        super().__init__("\n".join([heading, *(f"  {issue}" for issue in self.issues)]))


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
