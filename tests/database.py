"""Looking at a SQLite file from the outside, the way the tests judge "unchanged" and "not corrupt"."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

Dump = dict[str, list[tuple[Any, ...]]]


def dump_database(path: Path) -> Dump:
    """Every row of every table, sorted, read through a separate read-only connection (WAL lets it)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {table: sorted(conn.execute(f'SELECT * FROM "{table}"'), key=repr) for table in tables}
    finally:
        conn.close()


def integrity(path: Path) -> list[str]:
    """PRAGMA integrity_check's verdict: ['ok'] for a sound file."""
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
