"""The sandbox console as a new user meets it: the production bot, typed at as `python -m bot sandbox` is.

Scripts run through `run_lines` against the production bot in the sandbox; what needs the terminal
(line history, Ctrl-C) or the command itself (the server it starts) runs `python -m bot sandbox`.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.sandbox.console import HELP, parse_line, prepare_server, run_lines
from tests.catalog_files import IMPORT_YAML
from tests.conftest import MakePillars, PillarsSandbox

ROOT = Path(__file__).resolve().parents[2]


async def run(sandbox: PillarsSandbox, script: str) -> tuple[str, int]:
    """What the console prints for a script, and how many of its lines failed."""
    out = io.StringIO()
    failed = await run_lines(sandbox, script.strip().splitlines(), as_json=False, out=out)
    return out.getvalue(), failed


@pytest.fixture
async def pillars(make_pillars: MakePillars):
    """The production bot in a fresh sandbox."""
    async with make_pillars() as running:
        yield running


# --- autocomplete -------------------------------------------------------------------------------------


async def test_autocomplete_on_an_option_with_fixed_choices_lists_them(pillars: PillarsSandbox) -> None:
    text, failed = await run(
        pillars,
        """
        as alice: autocomplete /recommend background: soft
        as alice: autocomplete /recommend level:
        as alice: autocomplete /recommend kind: series
        """,
    )

    assert failed == 0, text
    assert "→ 1 choice\n  software engineer  = 'software-engineer'" in text
    assert "  beginner  = 'beginner'\n  intermediate  = 'intermediate'\n  advanced  = 'advanced'" in text
    assert "lecture series  = 'lecture-series'" in text and "video series  = 'video-series'" in text
    assert "CommandSignatureMismatch" not in text and pillars.logged_errors == []


async def test_an_option_with_no_suggestions_says_so_and_each_failure_shows_only_its_own_error(
    pillars: PillarsSandbox,
) -> None:
    text, failed = await run(
        pillars,
        """
        as alice: autocomplete /progress log resource: Linear Algebra Done Right note: cha
        as alice: autocomplete /recommend query: gentle
        """,
    )

    assert failed == 2
    assert text.count("offers no suggestions as it is typed") == 2, text
    assert "within" not in text


async def test_a_bot_that_fails_fast_is_not_said_to_have_timed_out_and_old_errors_are_not_repeated() -> None:
    from bot.sandbox import Sandbox
    from tests.sandbox.study_bot import make_study_bot

    async with Sandbox(make_study_bot, timeout=10.0) as sandbox:
        out = io.StringIO()
        started = time.monotonic()
        failed = await run_lines(sandbox, ["as alice: /bigembed", "as alice: /bigembed"], as_json=False, out=out)
        took = time.monotonic() - started

    text = out.getvalue()
    assert failed == 2 and took < 10, text
    assert "within 10 s" not in text and text.count("failed while answering /bigembed") == 2, text
    second = text.split("alice › /bigembed")[2]
    assert second.count("Ignoring exception") == 1, second  # its own error, not the first one again


# --- who is acting ------------------------------------------------------------------------------------


async def test_as_an_unknown_member_fails_and_leaves_the_member_as_it_was(pillars: PillarsSandbox) -> None:
    text, failed = await run(
        pillars,
        """
        as bob: /progress show
        as zed: /help
        /progress show
        """,
    )

    assert failed == 1
    assert "No user 'zed' in the sandbox" in text
    assert "zed ›" not in text.split("No user 'zed'")[1]
    assert text.count("bob › /progress show") == 2, text


# --- clicking -----------------------------------------------------------------------------------------


async def test_click_acts_on_the_clickers_own_latest_answer_not_anothers(pillars: PillarsSandbox) -> None:
    text, failed = await run(
        pillars,
        """
        as alice: /recommend topic: linear algebra
        as bob: /recommend topic: probability
        as alice: click 1
        """,
    )

    assert failed == 0, text
    assert "#3 alice › click 1 on #1" in text
    assert "**Essence of Linear Algebra** is on your reading shelf" in text, text


async def test_buttons_are_numbered_across_an_answer_and_its_follow_ups(pillars: PillarsSandbox) -> None:
    text, failed = await run(
        pillars,
        """
        as alice: /suggest title: Spivak's Calculus url: https://example.org/spivak
        as bob: /suggest title: All the Math url: https://example.org/all
        as admin: /catalog suggestions
        click "Approve #1"
        click 3
        """,
    )

    approved = text.split('click "Approve #1"')[1]
    assert failed == 0, text
    assert "[1] Approve #2  [2] Reject #2" in approved and "[3] Add it to the catalog" in approved, approved
    assert "admin › click 3 on #4  → modal 'Add a resource'" in approved  # not Approve #2
    assert "now: Spivak's Calculus" in approved


async def test_click_on_a_named_earlier_answer(pillars: PillarsSandbox) -> None:
    text, failed = await run(
        pillars,
        """
        as alice: /recommend topic: linear algebra
        as alice: /recommend topic: probability
        as alice: click 1 on #1
        as alice: click 1 on #9
        """,
    )

    assert failed == 1
    assert "#3 alice › click 1 on #1" in text and "**Essence of Linear Algebra** is on your reading shelf" in text
    assert "There is no answer #9" in text


async def test_another_members_private_answer_cannot_be_clicked(pillars: PillarsSandbox) -> None:
    text, failed = await run(
        pillars,
        """
        as alice: /recommend topic: linear algebra
        as bob: click 1 on #1
        """,
    )
    assert failed == 1 and "#1 was shown only to alice" in text, text


# --- files --------------------------------------------------------------------------------------------


async def test_a_local_file_is_attached_as_the_file(pillars: PillarsSandbox, tmp_path: Path) -> None:
    upload = tmp_path / "mine.yaml"
    upload.write_text(IMPORT_YAML, encoding="utf-8")

    text, failed = await run(
        pillars,
        f"""
        as admin: /catalog import file: {upload}
        as admin: /catalog import file: {tmp_path / "missing.yaml"}
        """,
    )

    assert failed == 1, text
    assert "Import mine.yaml? Nothing has changed yet" in text and "imported-notes" in text
    assert f"There is no file {tmp_path / 'missing.yaml'}" in text


def json_files(folder: Path) -> list[Path]:
    """The JSON files in a folder."""
    return sorted(folder.glob("*.json"))


async def test_an_exported_attachment_can_be_shown_and_saved(
    pillars: PillarsSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    text, failed = await run(
        pillars,
        f"""
        as alice: /progress log resource: Linear Algebra Done Right position: 12 note: my note
        as alice: /mydata export
        show
        save
        save to {here / "exports"}
        """,
    )

    assert failed == 0, text
    saved, elsewhere = json_files(here), json_files(here / "exports")
    assert len(saved) == 1 and len(elsewhere) == 1
    assert json.loads(saved[0].read_text(encoding="utf-8"))["shelf"][0]["note"] == "my note"
    assert f"saved {saved[0].name}" in text and '"note": "my note"' in text


# --- what the console shows ---------------------------------------------------------------------------


async def test_mentions_and_timestamps_are_shown_as_discord_shows_them(pillars: PillarsSandbox) -> None:
    text, failed = await run(
        pillars,
        """
        as admin: /catalog retire resource: grokking-deep-learning
        as admin: /catalog log
        as alice: /progress log resource: Linear Algebra Done Right position: 3
        as alice: /progress history
        """,
    )

    assert failed == 0, text
    assert "@Admin retired `grokking-deep-learning`" in text, text
    assert "<@" not in text and "<t:" not in text
    assert re.search(r"(just now|seconds? ago) 📖 \*\*Linear Algebra Done Right", text), text


async def test_a_form_shows_its_placeholders_limits_and_how_to_type_a_blank_line(pillars: PillarsSandbox) -> None:
    text, _ = await run(pillars, "as admin: /catalog add")

    assert "Summary, blank line, why it's here (text): several lines" in text, text
    assert "write \\n for a new line, \\n\\n for a blank one" in text
    assert "e.g. linear algebra, probability · beginner · book · free · 390 pages" in text


async def test_the_help_shows_only_examples_this_bot_can_run_and_they_run(
    pillars: PillarsSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = [line.split("  (")[0].strip() for line in HELP.splitlines() if line.startswith("    ")]
    assert examples and all(parse_line(example) for example in examples)
    assert "Quote message" not in HELP and "select level" not in HELP
    monkeypatch.chdir(tmp_path)  # `save` writes here
    await prepare_server(pillars)  # as `python -m bot sandbox` does

    text, failed = await run(pillars, "\n".join(examples))

    assert failed == 0, text
    assert "Added **My Study Notes**" in text and pillars.logged_errors == []


# --- the command itself -------------------------------------------------------------------------------


def sandbox_env(tmp_path: Path) -> dict[str, str]:
    """The environment `python -m bot sandbox` runs in here: no settings of the machine's."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}


def test_the_sandbox_server_starts_with_its_moderator_role_configured(tmp_path: Path) -> None:
    script = tmp_path / "mod.txt"
    script.write_text("as mod: /catalog retire resource: grokking-deep-learning\n", encoding="utf-8")

    done = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(script)],
        cwd=ROOT, env=sandbox_env(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert "🗄️ Retired **Grokking Deep Learning**" in done.stdout


def test_the_console_keeps_a_line_history_and_leaves_at_ctrl_c(tmp_path: Path) -> None:
    import fcntl
    import pty
    import select
    import termios

    leader, follower = pty.openpty()

    def on_the_terminal() -> None:
        """In the child: the pty is its controlling terminal, so Ctrl-C typed there interrupts it."""
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        # A test run started in the background (`pytest &` from a script) ignores SIGINT, and an ignored signal
        # stays ignored across exec: Python would then install no KeyboardInterrupt and Ctrl-C would do nothing.
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    console = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox"],
        cwd=ROOT, env={**sandbox_env(tmp_path), "TERM": "xterm"},
        stdin=follower, stdout=follower, stderr=follower, close_fds=True,
        start_new_session=True, preexec_fn=on_the_terminal,
    )  # fmt: skip
    os.close(follower)
    seen = b""

    def read_until(marker: bytes, times: int = 1, seconds: float = 30) -> None:
        """Read what the console prints until `marker` has appeared `times` times."""
        nonlocal seen
        deadline = time.monotonic() + seconds
        while seen.count(marker) < times and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(leader, 65536)
                except OSError:  # the console has gone
                    break
        assert seen.count(marker) >= times, seen.decode(errors="replace")[-2000:]

    def type_at_prompt(keys: bytes, prompts: int) -> None:
        """Wait for the `prompts`-th prompt, give readline a moment to take the terminal, then type."""
        read_until(b"alice> ", times=prompts, seconds=60)
        time.sleep(0.3)
        os.write(leader, keys)

    try:
        type_at_prompt(b"/progress stats\r", 1)
        type_at_prompt(b"\x1b[A\r", 2)  # Up, then Enter: the line before, again
        read_until(b"alice> ", times=3)
        assert seen.count(b"Your reading stats") == 2, seen.decode(errors="replace")[-2000:]
        assert b"^[[A" not in seen
        time.sleep(0.3)
        os.write(leader, b"\x03")  # Ctrl-C at the prompt, no Enter after it
        code = console.wait(timeout=15)
    finally:
        if console.poll() is None:
            console.kill()
            console.wait()
        os.close(leader)
    assert code in (0, 130)
    assert b"Traceback" not in seen, seen.decode(errors="replace")[-2000:]
