"""Persistent buttons: each is rebuilt from its custom_id alone, and an owner-only one answers only its owner."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.exts.catalog_admin._imports import ImportButton
from bot.exts.catalog_admin._suggestions import SuggestionButton
from bot.exts.mydata import NOT_YOURS, CancelDeleteButton, ConfirmDeleteButton
from bot.exts.recommend import MoreButton, ShareButton
from bot.interactions.buttons import PersistentButton
from bot.ui.resource_card import DetailsButton, StartReadingButton
from tests.factories import LADR

BIGGEST_SNOWFLAKE = 2**64 - 1
BUTTONS: list[PersistentButton] = [
    StartReadingButton(LADR, "Linear Algebra Done Right"),
    DetailsButton(LADR, "1. Linear Algebra Done Right"),
    MoreButton("1.2._._.0", BIGGEST_SNOWFLAKE, 3),
    ShareButton("1.2._._.0", 42, 0),
    SuggestionButton(BIGGEST_SNOWFLAKE, "approve"),
    SuggestionButton(7, "add"),
    ImportButton(BIGGEST_SNOWFLAKE, "0123456789abcdef", "cancel"),
    ConfirmDeleteButton(42),
    CancelDeleteButton(42),
]
ARGUMENTS = ("resource_id", "query", "user_id", "offset", "suggestion_id", "verdict", "owner_id", "token", "action")


class Answers:
    """Records what an interaction was answered, like InteractionResponse."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    type = None  # answered directly, never deferred

    def is_done(self) -> bool:
        return bool(self.sent)

    async def send_message(self, content: str, **kwargs: Any) -> None:
        self.sent.append(content)


def pressed_by(user_id: int) -> Any:
    """A stand-in for a button press by this member."""
    return SimpleNamespace(
        type=discord.InteractionType.component,
        user=SimpleNamespace(id=user_id),
        response=Answers(),
        command=None,
        data={"custom_id": "pillars:forget:42"},
        extras={},
        guild_id=None,
        channel_id=None,
    )


@pytest.mark.parametrize("button", BUTTONS, ids=lambda b: b.custom_id)
async def test_a_button_is_rebuilt_from_its_custom_id_with_the_same_arguments(button: PersistentButton) -> None:
    match = button.template.fullmatch(button.custom_id)
    assert match is not None and len(button.custom_id) <= 100
    rebuilt = await type(button).from_custom_id(pressed_by(1), button.item, match)
    assert rebuilt.custom_id == button.custom_id
    for name in ARGUMENTS:
        assert getattr(rebuilt, name, None) == getattr(button, name, None), name


async def test_a_button_made_for_someone_answers_anyone_else_privately_and_goes_no_further() -> None:
    button = ConfirmDeleteButton(42)
    stranger = pressed_by(7)
    assert await button.interaction_check(stranger) is False
    assert stranger.response.sent == [NOT_YOURS]
    owner = pressed_by(42)
    assert await button.interaction_check(owner) is True
    assert owner.response.sent == []
