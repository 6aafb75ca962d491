"""The command line: run · sandbox · catalog check · catalog links · recommend · path · db backup · db copy.

`python -m bot` with no command runs the bot. The catalog, recommend and path commands give the
same answers the bot gives in Discord, as text or JSON, with no Discord at all.

A subcommand is one function, registered with `@command("words", "help", arg(...), …)`; the parser is built
from the registrations, so `python -m bot db restore` would be one more decorated function.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.catalog.cache import cache_file_beside, load_catalog_cached
from bot.catalog.catalog import Catalog
from bot.catalog.files import CatalogError
from bot.catalog.matching import did_you_mean, resolve_topic, suggest_words
from bot.catalog.schema import Concept, Resource
from bot.catalog.vocabulary import Background, Kind, Level, Topic
from bot.config import ConfigError, load_settings
from bot.errors import PillarsError
from bot.paths import Path as LearningPath
from bot.paths import close_targets, path_as_dict, path_to, resolve_target
from bot.recommend import Query, describe_query, explain_nothing, recommend
from bot.words import counted

SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file

Handler = Callable[[argparse.Namespace], int]
Argument = tuple[tuple[str, ...], dict[str, Any]]


@dataclass(frozen=True)
class Command:
    """One subcommand: the words that name it ("db backup"), its help, its arguments, and what runs it."""

    words: tuple[str, ...]
    help: str
    arguments: tuple[Argument, ...]
    run: Handler


COMMANDS: list[Command] = []
GROUPS = {"catalog": "work with the curated catalog", "db": "database tools"}  # the help of a first word


def arg(*flags: str, **options: Any) -> Argument:
    """One argument of a subcommand, as `ArgumentParser.add_argument` takes it."""
    return flags, options


def command(name: str, help: str, *arguments: Argument) -> Callable[[Handler], Handler]:
    """Decorator: the function is the subcommand `name` ("path", "catalog check"), listed in this order."""

    def register(run: Handler) -> Handler:
        COMMANDS.append(Command(tuple(name.split()), help, arguments, run))
        return run

    return register


def _parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand, each set to run its function."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Pillars: study the math behind ML.")
    parser.set_defaults(func=_cmd_run)  # no subcommand: run the bot
    top = parser.add_subparsers(dest="command")
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    for entry in COMMANDS:
        where = top
        for word in entry.words[:-1]:
            if word not in groups:
                group = top.add_parser(word, help=GROUPS[word])
                groups[word] = group.add_subparsers(dest=f"{word}_command", required=True)
            where = groups[word]
        sub = where.add_parser(entry.words[-1], help=entry.help)
        for flags, options in entry.arguments:
            sub.add_argument(*flags, **options)
        sub.set_defaults(func=entry.run)
    return parser


def _curated() -> Catalog:
    """The curated catalog of the settings, through the cache the bot keeps beside its database.

    Parsing the YAML takes a few tenths of a second; the cache (always rebuildable, keyed by the files and
    the rules) makes every later command start as fast as the bot's warm start.
    """
    settings = load_settings()
    return load_catalog_cached(settings.catalog_path, cache_file_beside(settings.database_path))


def _catalog_path(explicit: Path | None) -> Path:
    """The catalog path from the argument, else from the settings."""
    return explicit if explicit is not None else load_settings().catalog_path


def _number_of_picks(text: str) -> int:
    """A --limit: a whole number of picks, 1 or more (0 would only ever answer "no match")."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a number of picks: give 1 or more")
    return number


def _written_as_value(text: str) -> str:
    """A vocabulary word as a person writes it ('software engineer', 'Video Series') in its stored form."""
    return "-".join(text.lower().replace("-", " ").split())


def _topic_or_exit(text: str) -> Topic:
    """The topic a typed word means, or exit 2 with suggestions."""
    topic = resolve_topic(text)
    if topic is None:
        hint = did_you_mean(suggest_words(text))
        raise SystemExit(f"Unknown topic '{text}'{hint}. Topics: {', '.join(t.label for t in Topic)}.")
    return topic


@command("run", "run the bot (the default): needs DISCORD_TOKEN")
def _cmd_run(_: argparse.Namespace) -> int:
    """Run the bot against Discord."""
    from bot.app import run_bot

    return run_bot(load_settings())


@command(
    "sandbox",
    "try the bot against a local Discord emulator, no token needed",
    arg("--script", type=Path, help="a file of actions to run instead of the console"),
    arg("--json", action="store_true", help="print one JSON object per reply"),
)
def _cmd_sandbox(args: argparse.Namespace) -> int:
    """Run the bot against the local emulator: a console, or a script."""
    from bot.sandbox.console import run_sandbox

    return run_sandbox(script=args.script, as_json=args.json)


@command(
    "catalog check",
    "validate the catalog; exits 1 with file:line errors",
    arg("path", nargs="?", type=Path, help="a YAML file or folder (default: CATALOG_PATH)"),
)
def _cmd_check(args: argparse.Namespace) -> int:
    """Validate the catalog and print a one-line summary or every issue."""
    from bot.catalog.loader import load_catalog  # the YAML reader: only the commands that read YAML import it

    path = _catalog_path(args.path)
    try:
        catalog = load_catalog(path)
    except CatalogError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"{path}: {counted(len(catalog), 'resource')} and {counted(len(catalog.concepts), 'concept')}, all valid.")
    return 0


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    """An argparse type: a number above zero, or a clear usage error."""

    def read(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
        return value

    return read


@command(
    "catalog links",
    "check every link of the curated catalog (and one server's additions); exits 1 when one is dead",
    arg("path", nargs="?", type=Path, help="a YAML file or folder (default: CATALOG_PATH)"),
    arg("--guild", type=int, help="also check what this server (its id) added or edited, from the database"),
    arg("--database", type=Path, help="the database holding the server's additions (default: DATABASE_PATH)"),
    arg("--concurrency", type=_positive(int), help="links checked at once (the first line says how many)"),
    arg("--timeout", type=_positive(float), help="seconds each link may take"),
)
def _cmd_links(args: argparse.Namespace) -> int:
    """Print the dead and the moved links and a summary; exit 1 when any link is dead."""
    # Only this command needs aiohttp and an event loop; the others start faster without them.
    import asyncio

    from bot.catalog.links import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, LinkState, LinkTarget, check_links
    from bot.catalog.links import summary as link_summary
    from bot.catalog.loader import load_catalog

    concurrency = args.concurrency or DEFAULT_CONCURRENCY
    seconds_each = args.timeout or DEFAULT_TIMEOUT
    catalog = load_catalog(_catalog_path(args.path))
    targets = [LinkTarget.of(resource) for resource in catalog]
    if args.guild is not None:
        database = args.database or load_settings().database_path
        if not database.exists():
            print(f"No database at {database}.", file=sys.stderr)
            return 1
        try:
            added = asyncio.run(_guild_resources(database, catalog, args.guild))
        except PillarsError as error:
            print(f"Cannot read the server's additions from {database}: {error.message}", file=sys.stderr)
            return 1
        if not added:
            print(f"Server {args.guild} has added or edited no resources; checking the curated catalog only.")
        checked = {(target.owner, target.url) for target in targets}
        for resource in added:
            if (resource.id, resource.url) not in checked:  # an edit that kept the link needs no second look
                targets.append(LinkTarget(resource.url, f"{resource.id} (server {args.guild})", resource.title))
    noun = "link" if len(targets) == 1 else "links"
    print(f"Checking {len(targets)} {noun}, {concurrency} at a time, {seconds_each:g} s each…", flush=True)
    reports = asyncio.run(check_links(targets, concurrency=concurrency, seconds_each=seconds_each))
    for report in reports:
        if report.state is not LinkState.LIVE:
            print(report.line())
    print(link_summary(reports))
    return 1 if any(report.state is LinkState.DEAD for report in reports) else 0


async def _guild_resources(database: Path, curated: Catalog, guild_id: int) -> list[Resource]:
    """What one server added or edited, read from the database without writing to it."""
    from bot.store import Store

    store = await Store.open(database, curated, read_only=True)
    try:
        return await store.guild_resources(guild_id)
    finally:
        await store.close()


@command(
    "recommend",
    "recommend resources, as the bot would",
    arg("--topic", help="a topic: 'linear algebra', 'linalg', 'stats'…"),
    arg("--background", type=_written_as_value, choices=[b.value for b in Background]),
    arg("--level", type=_written_as_value, choices=[level.value for level in Level]),
    arg("--kind", type=_written_as_value, choices=[k.value for k in Kind]),
    arg("--free", action="store_true", help="only resources free to study"),
    arg("--query", default="", help="free text, e.g. 'gentle probability for a developer'"),
    arg("--limit", type=_number_of_picks, default=3, help="how many picks (1 or more)"),
    arg("--json", action="store_true"),
)
def _cmd_recommend(args: argparse.Namespace) -> int:
    """Print the recommendation for the given options."""
    catalog = _curated()
    query = Query(
        topics=(_topic_or_exit(args.topic),) if args.topic else (),
        background=Background(args.background) if args.background else None,
        level=Level(args.level) if args.level else None,
        kind=Kind(args.kind) if args.kind else None,
        free_only=args.free,
        text=args.query,
    )
    answer = recommend(catalog, query, limit=args.limit)
    nothing = answer.nothing_fits or answer.needs_clarification
    if nothing:
        # On stderr, so `--json` keeps stdout a list of picks (empty here) and the exit code says it failed.
        print("\n".join(explain_nothing(answer)), file=sys.stderr)
    if args.json:
        print(json.dumps([pick.as_dict() for pick in answer.picks], indent=2, ensure_ascii=False))
        return 1 if nothing else 0
    if nothing:
        return 1
    if not answer.picks:
        print("No resource matches all of that; try fewer filters.")
        return 1
    understood = describe_query(answer.query, catalog)
    if understood:
        print(f"Understood: {understood}")
    for rank, pick in enumerate(answer.picks, start=1):
        print(f"{rank}. {pick.resource.byline}\n   {pick.resource.url}\n   why: {' · '.join(pick.reasons)}")
    return 0


@command(
    "path",
    "the learning path to a topic or a concept, prerequisites first",
    arg("target", help="a topic ('probability', 'linalg') or a concept ('SVD', 'Bayes rule', 'backprop')"),
    arg("--json", action="store_true", help="the steps as JSON, with their groundwork and done flags"),
)
def _cmd_path(args: argparse.Namespace) -> int:
    """Print the learning path to a topic or a concept, for a member with nothing on their shelves yet."""
    catalog = _curated()
    target = resolve_target(catalog, args.target)
    if target is None:
        hint = did_you_mean(close_targets(catalog, args.target))
        topics = ", ".join(t.label for t in Topic)
        raise SystemExit(f"No topic or concept is called '{args.target}'{hint}. Topics: {topics}.")
    path = path_to(catalog, target)
    if args.json:
        print(json.dumps(path_as_dict(path), indent=2, ensure_ascii=False))
        return 0
    print(f"Learning path: {path.target}")
    for number, step in enumerate(path.steps, start=1):
        note = f" (groundwork: {step.concept.topic.label})" if step.groundwork else ""
        where = step.place.label if step.place else "nothing in the catalog teaches it yet"
        print(f"{number:>2}. {step.concept.name}{note} — {where}")
    if path.left_out:
        print(f"… and {path.left_out} more steps.")
    if path.unlocks:
        print("Next, it opens up: " + ", ".join(_unlock_text(path, concept) for concept in path.unlocks))
    return 0


def _unlock_text(path: LearningPath, concept: Concept) -> str:
    """'principal component analysis (also needs covariance and correlation)'."""
    also = path.also_needs.get(concept.id)
    return f"{concept.name} (also needs {', '.join(c.name for c in also)})" if also else concept.name


def _database(text: str) -> Path | str:
    """A database named on the command line: a postgresql:// URL as it is, anything else a SQLite file."""
    from bot.store.connection import is_postgres

    return text if is_postgres(text) else Path(text)


@command(
    "db backup",
    "a consistent copy of the (live) database: SQLite's online backup, or PostgreSQL's pg_dump",
    arg("dest", help="the copy's file, or a folder (DIR/) to put it in under the database's name"),
    arg("--database", type=_database, help="the database to copy (default: DATABASE_URL, else DATABASE_PATH)"),
)
def _cmd_backup(args: argparse.Namespace) -> int:
    """Copy the database: SQLite's online backup of the file, or a pg_dump archive (an export without pg_dump)."""
    from urllib.parse import urlsplit

    from bot.store import backup_database
    from bot.store.connection import shown

    source = args.database or load_settings().database
    if isinstance(source, Path) and not source.exists():
        print(f"No database at {source}.", file=sys.stderr)
        return 1
    problem = _not_a_database(source) if isinstance(source, Path) else None
    # A PostgreSQL database's copy is named after the database: pillars.dump.
    name = source.name if isinstance(source, Path) else f"{urlsplit(source).path.strip('/') or 'pillars'}.dump"
    dest = Path(args.dest)
    if dest.is_dir() or args.dest.endswith(("/", os.sep)):  # a folder, or one meant as a folder
        dest = dest / name
    if problem is None and not dest.parent.is_dir():
        problem = f"There is no folder {dest.parent}: create it first, or back up somewhere that exists."
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    try:
        import asyncio  # only the db commands need an event loop; the others start faster without it

        written = asyncio.run(backup_database(source, dest))
    except PillarsError as exc:  # damaged, its WAL deleted, a failing disk: one sentence, no traceback
        print(exc.message, file=sys.stderr)
        return 1
    print(f"Backed up {shown(source)} to {dest}" + ("." if written == "a SQLite copy" else f": {written}."))
    return 0


@command(
    "db copy",
    "copy every row from one database into another: a SQLite file into PostgreSQL, or back",
    arg("source", type=_database, help="a SQLite file, or a postgresql:// URL"),
    arg("dest", type=_database, help="a SQLite file (created if missing), or a postgresql:// URL"),
    arg("--force", action="store_true", help="replace everything already in DEST"),
)
def _cmd_copy(args: argparse.Namespace) -> int:
    """Copy a community across backends; row counts are checked, a non-empty DEST is refused without --force."""
    import asyncio

    from bot.store.connection import shown
    from bot.store.copy import copy_database, describe

    if isinstance(args.source, Path):
        problem = f"No database at {args.source}." if not args.source.exists() else _not_a_database(args.source)
        if problem is not None:
            print(problem, file=sys.stderr)
            return 1
    try:
        report = asyncio.run(copy_database(args.source, args.dest, force=args.force))
    except PillarsError as exc:  # in use, unreachable, not empty, not the same schema: one sentence
        print(f"Nothing was copied: {exc.message}", file=sys.stderr)
        return 1
    print(describe(report))
    if isinstance(args.dest, str):
        print(f"To serve it, set DATABASE_URL to {shown(args.dest)} (with its password) and start the bot.")
    return 0


def _not_a_database(path: Path) -> str | None:
    """Why `path` cannot be an SQLite database (a folder, another kind of file), or None when it may be one."""
    if path.is_dir():
        return f"{path} is a folder, not a database: name the database file."
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:  # an empty file is an empty database
        return f"{path} is not an SQLite database: check DATABASE_PATH or --database."
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m bot` and the `pillars` script."""
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
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
