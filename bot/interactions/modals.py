"""Persistent modals: a form that is answered even when the bot restarted while the member was typing.

discord.py answers a modal submit only from the modal object it keeps in memory, which a restart loses. A
`PersistentModal` is sent finished, so discord.py keeps nothing, and its submit is answered from its
custom_id alone, like a `PersistentButton`: the template's named groups are the constructor's arguments.

    class ReviewForm(PersistentModal, template=rf"pillars:reviewed:(?P<resource_id>{RESOURCE_ID})"):
        def __init__(self, resource_id: str) -> None: ...
        async def submitted(self, interaction, values: dict[str, str]) -> None: ...

A feature routes submits to its modals with `answer_modal_submit(interaction, ReviewForm, …)` from an
`on_interaction` listener; failures are answered by the one error handler, as everywhere.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from bot.interactions.errors import handle_error
from bot.interactions.views import PillarsModal
from bot.ui import limits

if TYPE_CHECKING:
    from bot.app import PillarsBot


class PersistentModal(PillarsModal):
    """A modal rebuilt from its custom_id when it is submitted; subclasses give `template` and `submitted`."""

    pattern: ClassVar[re.Pattern[str]] = re.compile(r"(?!)")
    _argument_types: ClassVar[dict[str, type[int] | type[str]]] = {}

    def __init_subclass__(cls, *, template: str = r"(?!)", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.pattern = re.compile(template)
        parameters = inspect.signature(cls.__init__).parameters.values()
        cls._argument_types = {p.name: int if p.annotation in (int, "int") else str for p in parameters}

    def __init__(self, *, title: str, custom_id: str) -> None:
        super().__init__(title=limits.cut(title, limits.MODAL_TITLE), custom_id=limits.custom_id(custom_id))

    @classmethod
    def from_custom_id(cls, match: re.Match[str]) -> Self:
        """The modal as it was sent, from its custom_id's named groups."""
        types = cls._argument_types
        arguments: dict[str, Any] = {name: types.get(name, str)(value) for name, value in match.groupdict().items()}
        return cls(**arguments)

    async def send(self, interaction: discord.Interaction[PillarsBot]) -> None:
        """Open the form; finished first, so discord.py keeps nothing and `answer_modal_submit` answers it."""
        self.stop()
        await interaction.response.send_modal(self)

    async def submitted(self, interaction: discord.Interaction[PillarsBot], values: dict[str, str]) -> None:
        """What the form does with what was typed (input custom_id → text)."""
        raise NotImplementedError


def submitted_values(data: dict[str, Any]) -> dict[str, str]:
    """Each text input's custom_id → value in a modal submit's data (in action rows or in labels)."""
    values: dict[str, str] = {}
    for component in data.get("components") or []:
        inner = component.get("components") or ([component["component"]] if component.get("component") else [])
        for item in inner:
            if item.get("type") == 4 and "custom_id" in item:
                values[str(item["custom_id"])] = str(item.get("value") or "")
    return values


async def answer_modal_submit(
    interaction: discord.Interaction[PillarsBot], modals: Iterable[type[PersistentModal]]
) -> bool:
    """Answer a modal submit meant for one of these modals; False when it is none of theirs."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return False
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = str(data.get("custom_id", ""))
    for modal in modals:
        match = modal.pattern.fullmatch(custom_id)
        if match is None:
            continue
        try:
            await modal.from_custom_id(match).submitted(interaction, submitted_values(data))
        except Exception as error:  # noqa: BLE001 - every failure gets an answer; bugs are logged there
            await handle_error(interaction, error)
        return True
    return False
