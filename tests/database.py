"""Looking at a database from the outside, the way the tests judge "unchanged", "all there" and "not corrupt".

Every helper takes a location as the store does: a SQLite file, or a postgresql:// URL. They read through a
connection of their own, never the store's, so what they see is what is committed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.store.connection import is_postgres, numbered_placeholders
from bot.store.postgres import read_jsonb_as_values

Dump = dict[str, list[tuple[Any, ...]]]
T = TypeVar("T")

# PostgreSQL's tables carry the order rows were stored in as a column (SQLite's rowid is hidden): a dump leaves
# it out, as SQLite's leaves out the rowid, so the two backends' dumps of the same rows are equal.
_HIDDEN_COLUMNS = {"stored_order"}


def dump_database(location: Path | str) -> Dump:
    """Every row of every table, sorted, read through a separate read-only connection (WAL lets SQLite)."""
    if is_postgres(location):
        return _on_postgres(str(location), _dump_postgres)
    uri = Path(location).resolve().as_uri() + "?mode=ro"
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


def count(location: Path | str, sql: str, params: tuple[Any, ...] = ()) -> int:
    """The single number a query (with `?` placeholders) returns, read through a separate connection."""
    if is_postgres(location):

        async def query(conn: Any) -> int:
            text, args = numbered_placeholders(sql, params)
            return int(await conn.fetchval(text, *args))

        return _on_postgres(str(location), query)
    with sqlite3.connect(location) as conn:
        return conn.execute(sql, params).fetchone()[0]


def integrity(path: Path) -> list[str]:
    """PRAGMA integrity_check's verdict: ['ok'] for a sound file (PostgreSQL has no such check to run)."""
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


async def _dump_postgres(conn: Any) -> Dump:
    """Every table of the current schema but the migrations' record, each row as a tuple, sorted."""
    tables = [
        row[0]
        for row in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename != 'pillars_schema'"
            " ORDER BY tablename"
        )
    ]
    dump: Dump = {}
    for table in tables:
        columns = [
            row[0]
            for row in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = $1 ORDER BY ordinal_position",
                table,
            )
            if row[0] not in _HIDDEN_COLUMNS
        ]
        listed = ", ".join(f'"{column}"' for column in columns)
        rows = await conn.fetch(f'SELECT {listed} FROM "{table}"')
        dump[table] = sorted((tuple(row) for row in rows), key=repr)
    return dump


def _on_postgres(url: str, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run `work(connection)` on a connection of its own, from synchronous code (in a thread with its own loop)."""
    import asyncpg

    async def run() -> T:
        conn = await asyncpg.connect(url)
        await read_jsonb_as_values(conn)  # an outcome's key as the store reads it (12, not '12')
        try:
            return await work(conn)
        finally:
            await conn.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def integer_columns(location: Path | str) -> list[tuple[str, str]]:
    """(table, column) for every integer column of every table: where an id can be."""
    if is_postgres(location):

        async def query(conn: Any) -> list[tuple[str, str]]:
            rows = await conn.fetch(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND data_type IN ('bigint', 'integer') AND table_name != 'pillars_schema'"
                " AND column_name NOT IN ('stored_order') ORDER BY table_name, ordinal_position"
            )
            return [(row[0], row[1]) for row in rows]

        return _on_postgres(str(location), query)
    with sqlite3.connect(location) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        return [
            (table, column[1])
            for table in tables
            for column in conn.execute(f"PRAGMA table_info({table})")
            if column[2].upper() == "INTEGER"
        ]


def rows(location: Path | str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows a query (with `?` placeholders) returns, as tuples, read through a separate connection."""
    if is_postgres(location):

        async def query(conn: Any) -> list[tuple[Any, ...]]:
            text, args = numbered_placeholders(sql, params)
            return [tuple(row) for row in await conn.fetch(text, *args)]

        return _on_postgres(str(location), query)
    with sqlite3.connect(location) as conn:
        return [tuple(row) for row in conn.execute(sql, params)]


def index_names(location: Path | str) -> set[str]:
    """The names of the schema's indexes."""
    if is_postgres(location):
        found = rows(location, "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    else:
        found = rows(location, "SELECT name FROM sqlite_schema WHERE type = 'index'")
    return {row[0] for row in found}
