"""The error handler: each failure kind becomes the right ephemeral sentence; bugs become an apology."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.errors import NotFoundError, StorageUnavailableError
from bot.interactions.errors import APOLOGY, handle_error, member_message
from bot.interactions.refusals import NotModerator, WriteCooldown


class FakeResponse:
    """Records the first answer, like InteractionResponse."""

    def __init__(self, done: bool, deferred: bool = False) -> None:
        self.done = done or deferred
        self.type = discord.InteractionResponseType.deferred_channel_message if deferred else None
        self.sent: list[dict[str, Any]] = []

    def is_done(self) -> bool:
        return self.done

    async def send_message(self, content: str, **kwargs: Any) -> None:
        self.sent.append({"content": content, **kwargs})


class FakeFollowup:
    """Records follow-ups, like the interaction's Webhook."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, content: str, **kwargs: Any) -> None:
        self.sent.append({"content": content, **kwargs})


def interaction(*, answered: bool = False, deferred: bool = False) -> Any:
    """A stand-in interaction for a slash command (answered, or acknowledged with "thinking…")."""
    edits: list[dict[str, Any]] = []

    async def edit_original_response(**kwargs: Any) -> None:
        edits.append(kwargs)

    return SimpleNamespace(
        type=discord.InteractionType.application_command,
        response=FakeResponse(answered, deferred),
        edit_original_response=edit_original_response,
        edits=edits,
        extras={},
        followup=FakeFollowup(),
        command=SimpleNamespace(qualified_name="progress log"),
        namespace=SimpleNamespace(resource="sicp", status="reading", note="my private note"),
        data={},
        user=SimpleNamespace(id=42),
        guild_id=7,
        channel_id=8,
    )


def test_expected_failures_have_member_sentences() -> None:
    assert member_message(NotFoundError("No resource 'sicpp'. Did you mean 'sicp'?")) == (
        "No resource 'sicpp'. Did you mean 'sicp'?"
    )
    assert "moderators" in (member_message(NotModerator()) or "")
    assert member_message(WriteCooldown(6.2)) == "You're going a little fast. Try again in 7 s."
    assert member_message(RuntimeError("boom")) is None


async def test_a_pillars_error_inside_a_command_shows_its_message_ephemerally() -> None:
    fake = interaction()
    error = app_commands.CommandInvokeError(
        SimpleNamespace(name="x", qualified_name="x"), StorageUnavailableError("Disk full.")
    )  # type: ignore[arg-type]
    await handle_error(fake, error)
    assert fake.response.sent == [
        {"content": "Disk full.", "ephemeral": True, "allowed_mentions": fake.response.sent[0]["allowed_mentions"]}
    ]
    assert fake.response.sent[0]["allowed_mentions"].to_dict() == {"parse": []}


async def test_an_answered_interaction_gets_a_follow_up() -> None:
    fake = interaction(answered=True)
    await handle_error(fake, NotModerator())
    assert not fake.response.sent
    assert fake.followup.sent[0]["ephemeral"] is True


async def test_a_failure_after_thinking_becomes_the_thinking_answer_itself() -> None:
    fake = interaction(deferred=True)
    await handle_error(fake, StorageUnavailableError("The database is busy; please try again in a moment."))
    assert not fake.response.sent and not fake.followup.sent
    assert fake.edits[0]["content"] == "The database is busy; please try again in a moment."
    assert fake.edits[0]["allowed_mentions"].to_dict() == {"parse": []}


async def test_a_bug_is_logged_with_the_command_its_option_names_and_ids_and_the_member_sees_an_apology(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = interaction()
    with caplog.at_level(logging.ERROR):
        await handle_error(fake, ZeroDivisionError("division by zero"))
    assert fake.response.sent[0]["content"] == APOLOGY
    assert "Traceback" not in fake.response.sent[0]["content"]
    assert "/progress log (options given: note, resource, status; guild 7 channel 8)" in caplog.text
    assert "user 42" in caplog.text and "ZeroDivisionError" in caplog.text
    assert "sicp" not in caplog.text and "my private note" not in caplog.text  # names, never values


async def test_a_failed_autocomplete_offers_no_choices_instead_of_an_error() -> None:
    fake = interaction()
    fake.type = discord.InteractionType.autocomplete
    offered: list[list[Any]] = []

    async def autocomplete(choices: list[Any]) -> None:
        offered.append(choices)

    fake.response.autocomplete = autocomplete
    await handle_error(fake, RuntimeError("the store is down"))
    assert offered == [[]]
    assert not fake.response.sent
