"""The soak: a long randomized mix of every command from many members, with faults injected periodically.

    python -m tests.reliability.soak --minutes 10
    python -m tests.reliability.soak --minutes 2 --members 50 --seed 7 --fuzz-scale 20

Runs the production bot against the emulator on 127.0.0.1 only (no network), on a throwaway database.
Each answer is held to the suite's promises (`tests.reliability.support`): within Discord's limits, no
internals shown, nobody pinged. Every `--fault-every` interactions one gateway fault or 429 is injected.
Then, unless `--fuzz-scale 0`, the hypothesis fuzz tests run again with that many times more examples.
Prints a summary (interactions, answers and errors by kind, RSS before and after) and exits 1 on any
broken promise. Bounded by both `--minutes` and `--max-interactions`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.app import create_bot
from bot.catalog.vocabulary import Topic
from bot.sandbox import Sandbox, sandbox_settings
from bot.sandbox.emulator import GATEWAY_FAULTS
from bot.sandbox.harness import NoReply, Reply, SandboxError
from bot.sandbox.world import Member, User, World, build_world, snowflake_at
from tests.database import integrity
from tests.reliability.inputs import random_number, random_text
from tests.reliability.support import emulator_problems, reply_problems

REPO = Path(__file__).resolve().parents[2]
RESOURCES = ["linear-algebra-done-right", "essence-of-linear-algebra", "mit-18-02-multivariable-calculus",
             "essence-of-calculus"]  # fmt: skip
STATUSES = ["want-to-read", "reading", "finished", "dropped"]
FAULTS = [*GATEWAY_FAULTS, "429-callback", "429-follow-up"]


def rss_kib() -> int:
    """This process's resident memory in KiB (the bot runs in it), from /proc; 0 where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def crowded_world(extra_members: int) -> World:
    """The sandbox world with `extra_members` more members (member1, member2…)."""
    world = build_world()
    for number in range(1, extra_members + 1):
        user = User(id=snowflake_at(1704067200000 + 10_000 + number), name=f"member{number}")
        world.users[user.name] = user
        world.members[user.id] = Member(user=user, role_ids=[])
    return world


class Soak:
    """One soak run: the sandbox, a random source, and the tallies."""

    def __init__(self, sandbox: Sandbox, rng: random.Random, members: list[str]) -> None:
        self.sandbox, self.rng, self.members = sandbox, rng, members
        self.outcomes: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.examples: dict[str, str] = {}
        self.faults: Counter[str] = Counter()
        self.interactions = 0
        self.recent: list[Reply] = []

    def text_or(self, *valid: str) -> str:
        """Usually a valid value, sometimes hostile text."""
        return self.rng.choice(valid) if self.rng.random() < 0.6 else random_text(self.rng)

    def error(self, kind: str, detail: str) -> None:
        """Count a broken promise, keeping the first example of each kind."""
        self.errors[kind] += 1
        self.examples.setdefault(kind, detail[:500])

    async def act(self, what: str, action: Callable[[], Awaitable[Any]], typed: list[str]) -> None:
        """Run one member action and hold its answer to the promises."""
        self.interactions += 1
        try:
            reply = await action()
        except NoReply as exc:
            self.error("no answer", f"{what}: {exc}")
            return
        except SandboxError as exc:  # a button that is gone, a command Discord would not send: not the bot's
            self.outcomes["not sendable"] += 1
            self.examples.setdefault("not sendable", f"{what}: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - the soak tallies everything
            self.error(f"crash {type(exc).__name__}", f"{what}: {exc}")
            return
        if isinstance(reply, list):  # autocomplete choices
            self.outcomes["choices"] += 1
            if len(reply) > 25 or any(not 1 <= len(name) <= 100 for name, _ in reply):
                self.error("choices over limits", what)
            return
        for problem in reply_problems(reply, typed):
            self.error(problem.split(":")[0], f"{what}: {problem}")
        if "Try again in" in reply.content:
            self.outcomes["cooldown"] += 1
        elif reply.embeds or reply.kind == "modal" or reply.content.startswith(("Logged.", "💡", "📖", "📣")):
            self.outcomes["answered"] += 1
        elif reply.ephemeral:
            self.outcomes["refused clearly"] += 1
        else:
            self.outcomes["other"] += 1
        if reply.buttons and not reply.deleted:
            self.recent = (self.recent + [reply])[-20:]

    async def step(self) -> None:
        """One random action by a random member."""
        sandbox, rng = self.sandbox, self.rng
        who = rng.choice(self.members)
        topics = [t.label for t in Topic]
        roll = rng.random()
        if roll < 0.18:
            options = {"topic": self.text_or(*topics)} if rng.random() < 0.7 else {"query": random_text(rng) or "x"}
            await self.act("/recommend", lambda: sandbox.command(who, "recommend", **options), list(options.values()))
        elif roll < 0.36:
            options: dict[str, Any] = {"resource": self.text_or(*RESOURCES)}
            if rng.random() < 0.7:
                options["status"] = rng.choice(STATUSES)
            if rng.random() < 0.5:
                options["position"] = rng.randint(0, 12) if rng.random() < 0.7 else random_number(rng)
            if rng.random() < 0.4:
                options["note"] = random_text(rng) or "note"
            if len(options) == 1:
                options["status"] = "reading"
            typed = [v for v in options.values() if isinstance(v, str)]
            await self.act("/progress log", lambda: sandbox.command(who, "progress log", **options), typed)
        elif roll < 0.46 and self.recent:
            # The message as it is now: a press may have edited it or taken its buttons away since.
            reply = sandbox.message(rng.choice(self.recent).message_id or 0)
            if not reply.buttons or reply.deleted:
                return
            button = rng.choice(reply.buttons)
            presser = who if rng.random() < 0.7 else rng.choice(self.members)
            await self.act(f"click {button.label!r}", lambda: sandbox.click(presser, reply, button.custom_id or ""), [])
        elif roll < 0.56:
            path = rng.choice(["progress show", "progress history", "progress stats", "leaderboard", "help",
                               "mydata export"])  # fmt: skip
            await self.act(f"/{path}", lambda: sandbox.command(who, path), [])
        elif roll < 0.64:
            path, option = rng.choice([("path", "to"), ("resource info", "resource"), ("resource search", "query")])
            value = self.text_or(*topics, *RESOURCES) or "x"
            await self.act(f"/{path}", lambda: sandbox.command(who, path, **{option: value}), [value])
        elif roll < 0.72:
            command, focused = rng.choice([("recommend", "topic"), ("progress log", "resource"), ("path", "to")])
            value = random_text(rng)
            await self.act("autocomplete", lambda: sandbox.autocomplete(who, command, focused=focused, value=value), [])
        elif roll < 0.78:
            title, url, note = self.text_or("A good book"), self.text_or("https://example.org/b"), random_text(rng)
            options = {"title": title or "t", "url": url or "u", **({"note": note} if note else {})}
            await self.act("/suggest", lambda: sandbox.command(who, "suggest", **options), list(options.values()))
        elif roll < 0.84:
            text = random_text(rng) or "probability"
            await self.act("message command", lambda: sandbox.message_command(who, "Recommend resources",
                                                                               message_text=text), [text])  # fmt: skip
        elif roll < 0.92:
            moderator = rng.choice(["admin", "owner", who])  # members are refused
            path, options = rng.choice([
                ("catalog retire", {"resource": self.text_or(*RESOURCES)}),
                ("catalog restore", {"resource": self.text_or(*RESOURCES)}),
                ("catalog suggestions", {}), ("catalog log", {"count": rng.randint(1, 50)}), ("catalog export", {}),
            ])  # fmt: skip
            typed = [v for v in options.values() if isinstance(v, str)]
            await self.act(f"/{path}", lambda: sandbox.command(moderator, path, **options), typed)
        else:
            await self.act("/mydata delete", lambda: sandbox.command(who, "mydata delete"), [])

    async def fault(self) -> None:
        """Inject one fault and wait for the bot to come back."""
        emulator = self.sandbox.emulator
        fault = self.rng.choice(FAULTS)
        self.faults[fault] += 1
        try:
            if fault == "429-callback":
                emulator.rate_limit_next("POST /interactions/*/callback", retry_after=0.2)
            elif fault == "429-follow-up":
                emulator.rate_limit_next("POST /webhooks/*", retry_after=0.2)
            else:
                await emulator.break_connection(fault)
        except TimeoutError as exc:
            self.error("did not come back after a fault", f"{fault}: {exc}")


async def soak(args: argparse.Namespace) -> int:
    """Run the mix; print the summary; 0 when every promise held."""
    rng = random.Random(args.seed)
    logging.basicConfig(level=logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="pillars-soak-") as directory:
        settings = sandbox_settings(Path(directory))
        world = crowded_world(args.members)
        sandbox = Sandbox(lambda: create_bot(settings), world=world, timeout=10.0)
        members = [name for name in world.users if name not in ("pillars", "mod", "admin", "owner")]
        rss_before = rss_kib()
        started = time.monotonic()
        deadline = started + args.minutes * 60
        async with sandbox:
            run = Soak(sandbox, rng, members)
            rss_ready = rss_kib()
            while time.monotonic() < deadline and run.interactions < args.max_interactions:
                await run.step()
                if run.interactions % args.fault_every == 0:
                    await run.fault()
            for problem in emulator_problems(sandbox):
                run.error("emulator", problem)
            for line in sandbox.logged_errors:
                run.error("bot logged an error", line)
            rss_after = rss_kib()
            held = bot_state(sandbox)
        verdict = integrity(settings.database_path)
        if verdict != ["ok"]:
            run.error("integrity_check", "; ".join(verdict[:5]))
    elapsed = time.monotonic() - started
    fuzz = run_fuzz(args.fuzz_scale) if args.fuzz_scale > 0 else None
    if fuzz is not None and fuzz != 0:
        run.error("hypothesis fuzz", f"pytest exited {fuzz}")

    print(f"Soak: {run.interactions} interactions from {len(members)} members in {elapsed:.0f} s "
          f"(seed {args.seed}), {sum(run.faults.values())} faults injected")  # fmt: skip
    print("  answers:  " + ", ".join(f"{kind} {count}" for kind, count in run.outcomes.most_common()))
    print("  faults:   " + (", ".join(f"{kind} {count}" for kind, count in sorted(run.faults.items())) or "none"))
    print(f"  RSS:      {rss_before // 1024} MiB at start, {rss_ready // 1024} MiB with the bot ready, "
          f"{rss_after // 1024} MiB at the end (the emulator, in this process, keeps every message)")  # fmt: skip
    print("  bot holds: " + ", ".join(f"{name} {count}" for name, count in held.items()))
    print(f"  database: integrity_check {verdict[0]}")
    if fuzz is not None:
        print(f"  fuzz:     hypothesis at {args.fuzz_scale:g}x the examples: {'passed' if fuzz == 0 else 'FAILED'}")
    if run.errors:
        print("  ERRORS by kind:")
        for kind, count in run.errors.most_common():
            print(f"    {kind}: {count} (first: {run.examples.get(kind, '')})")
        return 1
    print("  errors:   none")
    return 0


def bot_state(sandbox: Sandbox) -> dict[str, int]:
    """How much the bot keeps in memory between interactions: these must stay bounded, however long it runs."""
    bot = sandbox.bot
    views = bot._connection._view_store  # discord.py's own bookkeeping, which a leak would grow
    cog = bot.get_cog("CatalogAdmin")
    return {
        "views": len(views._views),
        "modals": len(views._modals),
        "cached messages": len(bot._connection._messages or []),
        "members in the write cooldown": len(bot.write_limiter),
        "pending imports": len(cog.pending) if cog is not None else 0,  # type: ignore[attr-defined]
    }


def run_fuzz(scale: float) -> int:
    """The hypothesis fuzz tests with `scale` times the examples, in a pytest of their own."""
    env = {**os.environ, "PILLARS_FUZZ_SCALE": str(scale)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/reliability/test_bad_input.py"]
    return subprocess.run(command, cwd=REPO, env=env, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run the soak."""
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long the mix runs (default 5)")
    parser.add_argument("--max-interactions", type=int, default=200_000, help="stop after this many anyway")
    parser.add_argument("--members", type=int, default=40, help="members besides the sandbox's own (default 40)")
    parser.add_argument("--fault-every", type=int, default=150, help="interactions between faults (default 150)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="the random seed (printed)")
    parser.add_argument("--fuzz-scale", type=float, default=10.0, help="hypothesis examples ×N after; 0 skips")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.max_interactions <= 0 or args.fault_every <= 0:
        parser.error("--minutes, --max-interactions and --fault-every must be positive")
    return asyncio.run(soak(args))


if __name__ == "__main__":
    sys.exit(main())
