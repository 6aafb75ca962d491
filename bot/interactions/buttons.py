"""Persistent buttons: they keep working after a restart, because everything a press needs is in the custom_id.

A custom_id reads `pillars:<action>:<arguments>` (at most 100 characters). To add a button, subclass
`PersistentButton` (or `OwnerOnlyButton`, when only the member it was made for may press it):

    class ForgetButton(OwnerOnlyButton, template=r"pillars:forget:(?P<owner_id>\\d{1,20})"):
        def __init__(self, owner_id: int) -> None:
            super().__init__(Look("Delete my data", discord.ButtonStyle.danger), "forget", owner_id)
            self.owner_id = owner_id

        async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None: ...

and register the class in the extension's `setup` with `bot.add_dynamic_items(ForgetButton)`. The template's
named groups are the constructor's arguments: on a press the button is rebuilt from them, each converted to
the type `__init__` declares for it (int, else str), so no subclass writes its own `from_custom_id`.

Who may press is decided in `check`, before `pressed` runs (discord.py's `interaction_check` pattern); a
refusal is answered privately, like every failure of `pressed`, by the one error handler. discord.py itself
would only log both. A button whose custom_id does not name its owner, on a private answer, checks
`ensure_shown_to_presser`: only Discord's clients hide an ephemeral message, and a forged one can press
buttons on another member's.
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from bot.catalog.schema import SLUG
from bot.interactions.errors import handle_error
from bot.interactions.refusals import NotYours
from bot.ui import limits

if TYPE_CHECKING:
    from bot.app import PillarsBot

RESOURCE_ID = SLUG  # a resource id inside a template: `(?P<resource_id>{RESOURCE_ID})`
MEMBER_ID = r"\d{1,20}"  # a Discord snowflake inside a template


@dataclass(frozen=True)
class Look:
    """What a button shows: its label, its colour, an emoji."""

    label: str
    style: discord.ButtonStyle = discord.ButtonStyle.secondary
    emoji: str | None = None


class PersistentButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """A button that survives restarts; subclasses give a `template` and implement `pressed` (and `check`)."""

    # How to read each `__init__` parameter from the custom_id: int where it is declared int, else str.
    _argument_types: ClassVar[dict[str, type[int] | type[str]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        parameters = inspect.signature(cls.__init__).parameters.values()
        cls._argument_types = {p.name: int if p.annotation in (int, "int") else str for p in parameters}

    def __init__(self, look: Look, action: str, *arguments: object, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=limits.button_label(look.label),
                style=look.style,
                emoji=look.emoji,
                custom_id=limits.custom_id("pillars", action, *arguments),
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        """The button rebuilt from its custom_id on a press: the template's groups are `__init__`'s arguments."""
        types = cls._argument_types
        arguments: dict[str, Any] = {name: types.get(name, str)(value) for name, value in match.groupdict().items()}
        return cls(**arguments)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Whether the press goes on to `pressed`; a refusal (or any failure of `check`) is answered here."""
        try:
            await self.check(interaction)
        except Exception as error:  # noqa: BLE001 - every failure gets an answer; bugs are logged there
            await handle_error(interaction, error)
            return False
        return True

    async def callback(self, interaction: discord.Interaction[Any], /) -> None:
        """Run `pressed`, answering any failure through `handle_error`."""
        try:
            await self.pressed(interaction)
        except Exception as error:  # noqa: BLE001 - every failure gets an answer; bugs are logged there
            await handle_error(interaction, error)

    async def check(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Raise what the presser is told when they may not press this button; anyone may, by default."""

    async def pressed(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """What the button does."""
        raise NotImplementedError

    @classmethod
    def rendered(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """`cls(*args, **kwargs)` as Discord's component dict, made once per arguments (read-only)."""
        return _rendered((cls, args, tuple(sorted(kwargs.items()))))


class OwnerOnlyButton(PersistentButton, template=r"(?!)"):
    """A button only one member may press: the one whose id the custom_id carries (`owner_id`)."""

    owner_id: int

    def not_yours(self) -> str:
        """What anyone else who presses it is told."""
        return "This button belongs to someone else's request."

    async def check(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Refuse everyone but the owner."""
        if interaction.user.id != self.owner_id:
            raise NotYours(self.not_yours())


def ensure_shown_to_presser(interaction: discord.Interaction[Any], refusal: str) -> bool:
    """Whether the button is on a private answer; NotYours(`refusal`) when that answer was not the presser's.

    A private (ephemeral) message belongs to the member whose interaction it answered (Discord says who in
    the message's interaction metadata); a public message belongs to nobody in particular.
    """
    message = interaction.message
    if message is None or not message.flags.ephemeral:
        return False
    metadata = message.interaction_metadata
    if metadata is None or metadata.user.id != interaction.user.id:
        raise NotYours(refusal)
    return True


@functools.lru_cache(maxsize=4096)
def _rendered(key: tuple[type[PersistentButton], tuple[Any, ...], tuple[tuple[str, Any], ...]]) -> dict[str, Any]:
    """The component dict of one persistent button (`PersistentButton.rendered`)."""
    cls, args, kwargs = key
    return cls(*args, **dict(kwargs)).to_component_dict()
