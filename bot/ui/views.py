"""Base classes for views, modals and persistent buttons, with their errors routed to the one handler.

A persistent button keeps working after a restart because everything it needs is in its `custom_id`
(`pillars:<action>:<arguments>`, at most 100 characters). To add one: subclass `PersistentButton` with a
`template` regex, build the custom id with `bot.ui.limits.custom_id`, implement `from_custom_id` and
`pressed`, and register the class in the extension's `setup` with `bot.add_dynamic_items(MyButton)`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Self

import discord

from bot.exts._errors import handle_error


class PillarsView(discord.ui.View):
    """A view whose item errors go to `handle_error` instead of only the log."""

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]) -> None:
        """Answer the member as a command failure would be answered."""
        await handle_error(interaction, error)


class PersistentView(PillarsView):
    """A view of `PersistentButton`s only: the buttons answer through their custom ids, not through the view.

    So the view is finished as soon as it is made and discord.py keeps nothing of it. A live one would be
    kept with a timer task for 15 minutes per ephemeral message (discord.py's default for them): 7.5 MB per
    1,000 recommendations, measured by `python -m benchmarks` (RSS after 10,000 interactions).
    """

    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.stop()


class RenderedView(PersistentView):
    """A finished view of persistent buttons given as rows of Discord's component dicts.

    discord.py reads only `to_components()` of a finished view to send it. Building a button as a discord.py
    item costs more than ranking the catalog (a page of picks has eight), and a persistent button looks
    the same for the same arguments, so its dict is made once (`PersistentButton.rendered`) and reused.
    """

    def __init__(self, rows: Sequence[Sequence[dict[str, Any]]]) -> None:
        super().__init__()
        self._rows = [list(row) for row in rows if row]

    def to_components(self) -> list[dict[str, Any]]:
        """One action row per non-empty row given, in order."""
        return [{"type": 1, "components": row} for row in self._rows]


class PillarsModal(discord.ui.Modal):
    """A modal whose errors go to `handle_error`."""

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        """Answer the member as a command failure would be answered."""
        await handle_error(interaction, error)


class PersistentButton(discord.ui.DynamicItem[discord.ui.Button], template=r"(?!)"):
    """A button that survives restarts; subclasses give a `template` and implement `pressed`.

    discord.py only logs the errors of a dynamic item's callback, so `callback` routes them to the
    handler itself: a member who presses a button always gets an answer.
    """

    async def callback(self, interaction: discord.Interaction) -> None:
        """Run `pressed`, answering any failure through `handle_error`."""
        try:
            await self.pressed(interaction)
        except Exception as error:  # noqa: BLE001 - every failure gets an answer; bugs are logged there
            await handle_error(interaction, error)

    async def pressed(self, interaction: discord.Interaction) -> None:
        """What the button does."""
        raise NotImplementedError

    @classmethod
    def make(cls, *args: Any, **kwargs: Any) -> Self:
        """The button for these arguments; subclasses say which."""
        raise NotImplementedError

    @classmethod
    def rendered(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """`cls.make(*args, **kwargs)` as Discord's component dict, made once per arguments (read-only)."""
        return _rendered(cls, args, tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=4096)
def _rendered(cls: type[PersistentButton], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> dict:
    """The component dict of one persistent button (`PersistentButton.rendered`)."""
    return cls.make(*args, **dict(kwargs)).to_component_dict()
