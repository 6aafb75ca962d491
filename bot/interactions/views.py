"""The bases for views and modals, with their errors routed to the one handler, and their lifetimes.

Which view to use:

- `PersistentView` for a message whose buttons are all `PersistentButton`s (almost every answer): they
  answer through their custom ids, so the view is finished as soon as it is made and discord.py keeps
  nothing of it. A live view would be kept, with a timer task, for 15 minutes per ephemeral message:
  7.5 MB per 1,000 recommendations, measured by `python -m benchmarks` (RSS after 10,000 interactions).
- `RenderedView`, the same made from component dicts cached per button (a page of picks).
- `PillarsView` only for a view that must hold state in memory (a refused form's draft); it always times out.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import discord

from bot.interactions.errors import handle_error
from bot.ui import limits

LIVE_VIEW_TIMEOUT = 15 * 60.0  # an interaction token lives 15 minutes; the message cannot be edited after


class PillarsView(discord.ui.View):
    """A live view holding state in memory, gone after `timeout` seconds; its item errors go to `handle_error`."""

    def __init__(self, *, timeout: float = LIVE_VIEW_TIMEOUT) -> None:
        super().__init__(timeout=timeout)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        """Answer the member as a command failure would be answered."""
        await handle_error(interaction, error)


class PersistentView(discord.ui.View):
    """A view of `PersistentButton`s only, finished at once: the buttons answer through their custom ids."""

    def __init__(self, *buttons: discord.ui.Item[Any]) -> None:
        super().__init__(timeout=None)
        for button in buttons:
            self.add_item(button)
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
    """A form whose errors go to `handle_error`, and which has an identity of its own.

    discord.py finds an open form by its custom_id alone. Two forms opened with the same custom_id (two
    moderators adding a resource, two members reporting the same problem) would share one: the later replaces
    the earlier, and one submit finds no form and gets no answer. So every form kept in memory until it is
    submitted gets `pillars:form:<purpose>:<random>` (what it is about, which resource, stays on the instance).
    A persistent form (`bot.interactions.modals`) gives its own `custom_id` instead: it is rebuilt from it when
    submitted and kept nowhere, so two of them with one id cannot clash.
    """

    def __init__(
        self, *, title: str, purpose: str = "", custom_id: str = "", timeout: float | None = LIVE_VIEW_TIMEOUT
    ) -> None:
        custom_id = custom_id or limits.custom_id("pillars", "form", purpose, secrets.token_hex(8))
        super().__init__(title=limits.cut(title, limits.MODAL_TITLE), timeout=timeout, custom_id=custom_id)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        """Answer the member as a command failure would be answered."""
        await handle_error(interaction, error)
