"""The command line: run · sandbox · catalog check · recommend · path · db backup.

`python -m bot` with no command runs the bot. The catalog, recommend and path commands give the
same answers the bot gives in Discord, as text or JSON, with no Discord at all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.catalog.loader import CatalogError, load_catalog
from bot.catalog.matching import did_you_mean, resolve_topic, suggest_words
from bot.catalog.vocabulary import Background, Kind, Level, Topic
from bot.config import ConfigError, load_settings
from bot.recommend import Query, learning_path, recommend


def _parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Pillars: study the math behind ML.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default): needs DISCORD_TOKEN")

    sandbox = commands.add_parser("sandbox", help="try the bot against a local Discord emulator, no token needed")
    sandbox.add_argument("--script", type=Path, help="a file of actions to run instead of the console")
    sandbox.add_argument("--json", action="store_true", help="print one JSON object per reply")

    catalog = commands.add_parser("catalog", help="work with the curated catalog")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", required=True)
    check = catalog_commands.add_parser("check", help="validate the catalog; exits 1 with file:line errors")
    check.add_argument("path", nargs="?", type=Path, help="a YAML file or folder (default: CATALOG_PATH)")

    rec = commands.add_parser("recommend", help="recommend resources, as the bot would")
    rec.add_argument("--topic", help="a topic: 'linear algebra', 'linalg', 'stats'…")
    rec.add_argument("--background", choices=[b.value for b in Background])
    rec.add_argument("--level", choices=[level.value for level in Level])
    rec.add_argument("--kind", choices=[k.value for k in Kind])
    rec.add_argument("--free", action="store_true", help="only resources free to study")
    rec.add_argument("--query", default="", help="free text, e.g. 'gentle probability for a developer'")
    rec.add_argument("--limit", type=int, default=3)
    rec.add_argument("--json", action="store_true")

    path = commands.add_parser("path", help="the learning path for a topic")
    path.add_argument("topic")
    path.add_argument("--json", action="store_true")

    db = commands.add_parser("db", help="database tools")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    backup = db_commands.add_parser("backup", help="a consistent copy of the (live) database")
    backup.add_argument("dest", type=Path)
    backup.add_argument("--database", type=Path, help="the database to copy (default: DATABASE_PATH)")
    return parser


def _catalog_path(explicit: Path | None) -> Path:
    """The catalog path from the argument, else from the settings."""
    return explicit if explicit is not None else load_settings().catalog_path


def _topic_or_exit(text: str) -> Topic:
    """The topic a typed word means, or exit 2 with suggestions."""
    topic = resolve_topic(text)
    if topic is None:
        hint = did_you_mean(suggest_words(text))
        raise SystemExit(f"Unknown topic '{text}'{hint}. Topics: {', '.join(t.label for t in Topic)}.")
    return topic


def _cmd_check(args: argparse.Namespace) -> int:
    """Validate the catalog and print a one-line summary or every issue."""
    path = _catalog_path(args.path)
    try:
        catalog = load_catalog(path)
    except CatalogError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"{path}: {len(catalog)} resources and {len(catalog.concepts)} concepts, all valid.")
    return 0


def _cmd_recommend(args: argparse.Namespace) -> int:
    """Print the recommendation for the given options."""
    catalog = load_catalog(_catalog_path(None))
    query = Query(
        topics=(_topic_or_exit(args.topic),) if args.topic else (),
        background=Background(args.background) if args.background else None,
        level=Level(args.level) if args.level else None,
        kind=Kind(args.kind) if args.kind else None,
        free_only=args.free,
        text=args.query,
    )
    answer = recommend(catalog, query, limit=args.limit)
    if answer.needs_clarification:
        # On stderr, so `--json` keeps stdout a list of picks (empty here) and the exit code says it failed.
        print(f"Nothing in the catalog matches {', '.join(repr(w) for w in answer.unknown_words)}.", file=sys.stderr)
        for word, close in answer.suggestions.items():
            print(f"  {word}{did_you_mean(close)}", file=sys.stderr)
    if args.json:
        print(json.dumps([pick.as_dict() for pick in answer.picks], indent=2, ensure_ascii=False))
        return 1 if answer.needs_clarification else 0
    if answer.needs_clarification:
        return 1
    if not answer.picks:
        print("No resource matches all of that; try fewer filters.")
        return 1
    for rank, pick in enumerate(answer.picks, start=1):
        print(f"{rank}. {pick.resource.byline}\n   {pick.resource.url}\n   why: {' · '.join(pick.reasons)}")
    return 0


def _cmd_path(args: argparse.Namespace) -> int:
    """Print the learning path for a topic."""
    topic = _topic_or_exit(args.topic)
    steps = learning_path(load_catalog(_catalog_path(None)), topic)
    if args.json:
        data = [{"id": s.resource.id, "title": s.resource.title, "level": s.resource.level.value} for s in steps]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"Learning path: {topic.label}")
    for number, step in enumerate(steps, start=1):
        note = "" if step.for_topic else " (groundwork)"
        print(f"{number}. {step.resource.title} [{step.resource.level.value}]{note}")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    """Copy the database with SQLite's online backup."""
    from bot.store import backup_database

    source = args.database or load_settings().database_path
    if not source.exists():
        print(f"No database at {source}.", file=sys.stderr)
        return 1
    asyncio.run(backup_database(source, args.dest))
    print(f"Backed up {source} to {args.dest}.")
    return 0


def _cmd_run(_: argparse.Namespace) -> int:
    """Run the bot against Discord."""
    from bot.app import run_bot

    return run_bot(load_settings())


def _cmd_sandbox(args: argparse.Namespace) -> int:
    """Run the bot against the local emulator: a console, or a script."""
    from bot.sandbox.console import run_sandbox

    return run_sandbox(script=args.script, as_json=args.json)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m bot` and the `pillars` script."""
    args = _parser().parse_args(argv)
    handlers = {
        None: _cmd_run,
        "run": _cmd_run,
        "sandbox": _cmd_sandbox,
        "catalog": _cmd_check,
        "recommend": _cmd_recommend,
        "path": _cmd_path,
        "db": _cmd_backup,
    }
    try:
        return handlers[args.command](args)
    except (ConfigError, CatalogError) as exc:
        print(exc.message if isinstance(exc, CatalogError) else str(exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader went away (`python -m bot recommend --json | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
