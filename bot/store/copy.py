"""Moving a community between databases: every row of every table, SQLite to PostgreSQL or back (`db copy`).

What a copy promises:
- The source is read from one snapshot (one read transaction) and never written to; a SQLite source is opened
  read-only, and refused while a bot has it open (stop it, or copy a `db backup` of it).
- The destination is created and migrated as the bot would; both must be at the same schema version.
- A destination that holds any row is refused, unless `force`, which replaces everything in it.
- Everything is written in one transaction, in the order each table's rows were stored, parents before the
  tables that reference them, with their ids (PostgreSQL's id sequences are moved past them). Before that
  transaction commits, every table's row count is compared with the source's: a difference rolls it all back.
- The tables the triggers keep from the others (`KEPT_BY_TRIGGERS`) come last: writing the other tables fires
  the destination's triggers, which fill them; what they made is replaced by the source's rows, so the copy is
  the source exactly. A migration that adds such a table adds it there (the copy test of a lived-in
  community fails otherwise: its counts would be doubled or refused).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConflictError, StorageUnavailableError
from bot.store.connection import Database, Session, TableShape, open_database, shown

BATCH_ROWS = 5_000  # rows per bulk insert
# Tables written only by triggers (migration 0004), in the order their own triggers feed each other: a member's
# outcomes feed the outcome counts.
KEPT_BY_TRIGGERS = ("member_outcomes", "outcome_counts")


@dataclass(frozen=True)
class CopyReport:
    """What a copy moved: rows per table, in the order they were copied."""

    source: str
    dest: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        """Rows copied in all."""
        return sum(self.rows.values())


def copy_order(shapes: dict[str, TableShape]) -> list[TableShape]:
    """The tables, each after every table it references (by name where nothing orders them), and the ones the
    triggers keep last, in `KEPT_BY_TRIGGERS` order."""
    ordered: list[TableShape] = []
    placed: set[str] = set()
    remaining = {name: shape for name, shape in sorted(shapes.items()) if name not in KEPT_BY_TRIGGERS}
    while remaining:
        ready = [shape for shape in remaining.values() if shape.references <= placed | {shape.name}]
        if not ready:  # references in a circle: the schema has none, and copying could not order them
            raise StorageUnavailableError(f"The tables {', '.join(remaining)} reference each other in a circle.")
        for shape in ready:
            ordered.append(shape)
            placed.add(shape.name)
            del remaining[shape.name]
    return ordered + [shapes[name] for name in KEPT_BY_TRIGGERS if name in shapes]


async def _counts(session: Session, tables: list[TableShape]) -> dict[str, int]:
    """Rows per table, as this session sees them."""
    return {t.name: int(await session.scalar(f"SELECT COUNT(*) FROM {t.name}")) for t in tables}  # catalog names


async def copy_database(source: Path | str, dest: Path | str, *, force: bool = False) -> CopyReport:
    """Copy every row of `source` into `dest` (see the module docstring); ConflictError for a non-empty `dest`
    without `force`, StorageUnavailableError when either side cannot be used."""
    if str(source) == str(dest):
        raise ConflictError("The source and the destination are the same database.")
    reading = await open_database(source, read_only=True)
    try:
        writing = await open_database(dest)
        try:
            return await _copy(reading, writing, force=force)
        finally:
            await writing.close()
    finally:
        await reading.close()


async def _copy(reading: Database, writing: Database, *, force: bool) -> CopyReport:
    """The copy itself, between two open databases."""
    version, dest_version = await reading.schema_version(), await writing.schema_version()
    if version != dest_version:
        raise StorageUnavailableError(
            f"{reading.location} is at schema version {version} and {writing.location} at {dest_version}; "
            "open the older one with this Pillars once (writable) to upgrade it, then copy."
        )
    source_shapes, dest_shapes = await reading.shapes(), await writing.shapes()
    if sorted(source_shapes) != sorted(dest_shapes):
        missing = sorted(set(source_shapes) ^ set(dest_shapes))
        raise StorageUnavailableError(f"The two databases do not have the same tables ({', '.join(missing)}).")
    order = copy_order(dest_shapes)
    async with writing.read() as session:
        there = {table: n for table, n in (await _counts(session, order)).items() if n}
    if there and not force:
        listed = ", ".join(f"{n:,} in {table}" for table, n in there.items())
        raise ConflictError(
            f"{writing.location} already holds rows ({listed}); add --force to replace everything in it."
        )
    async with reading.read() as source:
        expected = await _counts(source, order)
        async with writing.transaction() as target:
            for shape in reversed(order):  # children first
                await target.execute(f"DELETE FROM {shape.name}")
            for shape in order:
                if shape.name in KEPT_BY_TRIGGERS:  # what the triggers made of the rows copied so far goes
                    await target.execute(f"DELETE FROM {shape.name}")
                wanted = source_shapes[shape.name].columns
                columns = [column for column in shape.columns if column in wanted]
                listed = ", ".join(columns)
                rows = await source.fetchall(
                    f"SELECT {listed} FROM {shape.name} ORDER BY {source_shapes[shape.name].order_by}"
                )
                values = [tuple(row[column] for column in columns) for row in rows]
                insert = f"INSERT INTO {shape.name} ({listed}) VALUES ({', '.join('?' for _ in columns)})"
                for start in range(0, len(values), BATCH_ROWS):
                    await target.execute_many(insert, values[start : start + BATCH_ROWS])
                await writing.follow_copied_ids(target, shape)
            copied = await _counts(target, order)
            if copied != expected:
                differ = ", ".join(f"{t}: {expected[t]} → {copied[t]}" for t in expected if copied[t] != expected[t])
                raise StorageUnavailableError(
                    f"The copy's row counts differ from the source's ({differ}); nothing was kept."
                )
    return CopyReport(reading.location, writing.location, expected)


async def export_database(source: Path | str, dest: Path) -> CopyReport:
    """A consistent export of a database into a new SQLite file at `dest` (a backup where pg_dump is missing:
    `db copy` brings it back)."""
    if await asyncio.to_thread(dest.exists):
        raise ConflictError(f"{dest} already exists.")
    return await copy_database(source, dest)


def describe(report: CopyReport) -> str:
    """The report as an operator reads it: a line per table, then the total."""
    lines = [f"  {table}: {rows:,}" for table, rows in report.rows.items()]
    lines.append(f"Copied {report.total:,} rows from {shown(report.source)} to {shown(report.dest)}; row counts match.")
    return "\n".join(lines)
