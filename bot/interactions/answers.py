"""How the bot answers an interaction: privately unless it says otherwise, within Discord's limits, pinging nobody.

Discord forgets an interaction that is not acknowledged within 3 seconds ("The application did not
respond"), and after that nothing reaches the member, not even an error. Whatever may take longer (a write,
which can wait on a busy database, a slow disk or a queue of writers; a large import or export) calls
`acknowledge` first: the member sees "thinking…" at once (or, for a button that updates its message, nothing
changes yet), and `answer` or `update_message` completes that same answer later, within the token's 15
minutes. A failure after `acknowledge` turns the waiting answer into the error's sentence
(`bot.interactions.errors.send_ephemeral`), which also copes with an interaction already answered or expired.

What is quick nearly always but not always (a recommendation: milliseconds on a prepared catalog, a second or
more when a moderator's change makes the server's catalog be read and prepared again while a burst of commands
waits on the database) runs `in_time`: answered in one response when it is quick, acknowledged first when not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord
from discord.utils import MISSING

from bot.ui import limits

NO_PINGS = discord.AllowedMentions.none()
ANSWERED = "pillars.answered"  # in `interaction.extras` once a deferred answer was completed
# How long `in_time` lets work run before it acknowledges: a third of Discord's 3 seconds, so that an
# acknowledgement sent from a busy event loop, and the network's delays both ways, still arrive in time.
ACKNOWLEDGE_AFTER = 1.0

T = TypeVar("T")


def waiting_for_answer(interaction: discord.Interaction[Any]) -> bool:
    """Whether the interaction was acknowledged with "thinking…" and that answer is still to be given."""
    deferred = interaction.response.type is discord.InteractionResponseType.deferred_channel_message
    return deferred and not interaction.extras.get(ANSWERED)


async def acknowledge(interaction: discord.Interaction[Any], *, update: bool = False, public: bool = False) -> None:
    """Acknowledge now, answer later: privately ("thinking…"), publicly with `public`, or with `update` as an
    edit of the pressed message."""
    if interaction.response.is_done():
        return
    if update:
        await interaction.response.defer()
    else:
        await interaction.response.defer(ephemeral=not public, thinking=True)


async def in_time(
    interaction: discord.Interaction[Any], work: Awaitable[T], *, update: bool = False, public: bool = False
) -> T:
    """What `work` gives, acknowledged first (as `acknowledge` does) when it is not done within
    `ACKNOWLEDGE_AFTER`: the answer given next (`answer`, `update_message`) then completes it.

    `work` only computes; nothing is sent while it runs, so the acknowledgement never races an answer.
    """
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=ACKNOWLEDGE_AFTER)
        if not done:
            await acknowledge(interaction, update=update, public=public)
        return await task
    finally:
        task.cancel()  # nothing once done; the work of an interaction that failed or was cancelled meanwhile


async def answer(
    interaction: discord.Interaction[Any],
    text: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
    public: bool = False,
) -> None:
    """Answer with text (cut to fit), an embed, a view of buttons or a file: privately unless `public`.

    After `acknowledge` the waiting answer is completed instead (it stays private: `acknowledge` decided).
    """
    content = limits.content(text) if text else None
    if waiting_for_answer(interaction):
        await interaction.edit_original_response(
            content=MISSING if content is None else content,
            embed=MISSING if embed is None else embed,
            view=MISSING if view is None else view,
            attachments=MISSING if file is None else [file],
            allowed_mentions=NO_PINGS,
        )
        interaction.extras[ANSWERED] = True
        return
    await interaction.response.send_message(
        content,
        embed=MISSING if embed is None else embed,  # not `embed or …`: an embed with no fields is falsy
        view=MISSING if view is None else view,
        file=MISSING if file is None else file,
        ephemeral=not public,
        allowed_mentions=NO_PINGS,
    )


async def update_message(
    interaction: discord.Interaction[Any],
    *,
    content: str | None = MISSING,
    embed: discord.Embed | None = MISSING,
    view: discord.ui.View | None = MISSING,
) -> None:
    """Edit the message whose button was pressed (None clears a part); after `acknowledge(update=True)` too."""
    content = limits.content(content) if content else content
    if interaction.response.type is discord.InteractionResponseType.deferred_message_update:
        await interaction.edit_original_response(content=content, embed=embed, view=view, allowed_mentions=NO_PINGS)
        interaction.extras[ANSWERED] = True
        return
    await interaction.response.edit_message(content=content, embed=embed, view=view, allowed_mentions=NO_PINGS)
