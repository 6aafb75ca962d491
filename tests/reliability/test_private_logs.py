"""The log never carries an interaction token, a member's private note, what anyone typed or an attachment's URL.

An interaction token lets whoever holds it answer, edit and delete as the bot for 15 minutes; a note is
private to the member who wrote it; an attachment URL opens the file. At DEBUG, discord.py logs every
gateway event and every request body, and aiosqlite every statement with its parameters. The log is read
here as an operator reads it: through the handler `python -m bot` installs (`configure_logging`), at DEBUG.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.interactions.errors import APOLOGY
from bot.logs import configure_logging
from bot.sandbox.harness import SANDBOX_TOKEN
from tests.catalog_files import IMPORT_YAML
from tests.conftest import PillarsSandbox
from tests.factories import LADR
from tests.reliability.conftest import MakePillars
from tests.reliability.support import new_resource_form

NOTE = "my-private-note-4b1d"
NOTE_DURING_A_BUG = "note-while-it-broke-9c2e"
TYPED_SUMMARY = "typed-summary-77aa"


@pytest.fixture
def operator_log() -> Iterator[io.StringIO]:
    """What `python -m bot` would write to its log at DEBUG, while the test runs."""
    root = logging.getLogger()
    level = root.level
    written = io.StringIO()
    handler = configure_logging("DEBUG", stream=written)
    try:
        yield written
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def private_scene(sandbox: PillarsSandbox) -> list[str]:
    """A note logged and shown, a file imported, a form typed, a bug while a note is logged; the secrets used."""
    logged = await sandbox.command("alice", "progress log", resource=LADR, status="reading", position=3, note=NOTE)
    assert logged.content.startswith("Logged.")
    shelf = await sandbox.command("alice", "progress show")
    assert NOTE in shelf.text
    checked = await sandbox.command("admin", "catalog import", file=("mine.yaml", IMPORT_YAML))
    assert checked.buttons
    form = await sandbox.command("admin", "catalog add")
    typed = new_resource_form("Typed Title", text=f"{TYPED_SUMMARY}.\n\nWhy.")
    assert (await sandbox.submit_modal("admin", form, typed)).content.startswith("➕ Added")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the store")

    sandbox.bot.store.log_progress = broken  # type: ignore[method-assign]
    failed = await sandbox.command("alice", "progress log", resource=LADR, position=4, note=NOTE_DURING_A_BUG)
    assert failed.content == APOLOGY

    records = sandbox.emulator.interactions.values()
    urls = [a["url"] for m in sandbox.emulator.messages.values() for a in m.get("attachments") or []]
    uploads = [
        attachment["url"]
        for record in records
        for attachment in ((record.payload.get("data") or {}).get("resolved") or {}).get("attachments", {}).values()
    ]
    assert uploads  # the import's file was attached
    return [NOTE, NOTE_DURING_A_BUG, TYPED_SUMMARY, SANDBOX_TOKEN, *(r.token for r in records), *uploads, *urls]


async def test_at_debug_the_log_holds_ids_and_option_names_never_tokens_notes_or_files(
    make_pillars: MakePillars, operator_log: io.StringIO
) -> None:
    async with make_pillars(write_cooldown_rate=100_000) as sandbox:
        secrets = await private_scene(sandbox)
    log = operator_log.getvalue()

    assert "INTERACTION_CREATE" in log and "aiosqlite" in log  # DEBUG was on: events and statements are there
    [unexpected] = [line for line in log.splitlines() if "Unexpected error" in line]
    assert "/progress log" in unexpected and "note" in unexpected and "position" in unexpected
    assert str(sandbox.world.user("alice").id) in unexpected
    leaked = sorted({secret for secret in secrets if secret in log})
    assert leaked == []
