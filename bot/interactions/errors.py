"""The one error handler: every failure of a command, autocomplete, button or modal ends here.

Installed by `PillarsBot` as the command tree's error handler; the bases in `bot.interactions.views` and
`bot.interactions.buttons` route the errors of views, modals and persistent buttons here too. What the
member sees, in the order errors are examined (a `CommandInvokeError` is first unwrapped to the error the
command raised):

1. `PillarsError` (not found, invalid input, conflict, storage unavailable…): its own message, which is
   written for the member.
2. `WriteCooldown` / `CommandOnCooldown`: "You're going a little fast. Try again in N s."
3. `MemberFacingCheckFailure` (not a moderator, server only, someone else's button): its message. Other `CheckFailure`s
   (discord.py's permission checks): a sentence naming what is missing.
4. `TransformerError` (an option value that could not be read: an unknown topic or member, a bad number):
   the message of the `PillarsError` our transformer raised (with "did you mean"), else which value and
   what was expected.
5. `CommandSignatureMismatch` / `CommandNotFound` (Discord still shows an older version of a command):
   "this command was just updated, try again in a minute".
6. Anything else is a bug: logged in full with the command or component, the ids of the member, server and
   channel, and the names of the options given (never their values: a note is private, an attachment's URL
   opens the file), and the member sees a short apology. A traceback never reaches the member.

The answer is always ephemeral and mentions nobody: it completes an answer still "thinking…" (see
`bot.interactions.answers.acknowledge`), is sent as a follow-up when the interaction was already answered,
and is the first answer otherwise. An interaction Discord no longer knows (answered too late) cannot be answered; it is
logged and dropped.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord
from discord import app_commands

from bot.errors import PillarsError
from bot.interactions.answers import NO_PINGS, waiting_for_answer
from bot.interactions.refusals import MemberFacingCheckFailure, WriteCooldown
from bot.ui import limits
from bot.ui.text import no_masked_links

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side while doing that. It has been logged; please try again later."
UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction answered too late or twice
OUTDATED = "This command was just updated and Discord still shows the old version. Try again in a minute."


def _seconds(value: float) -> int:
    """Whole seconds to wait, never 0."""
    return max(1, int(value + 0.999))


def member_message(error: Exception) -> str | None:
    """The sentence a member sees for an expected failure, or None when the error is a bug."""
    if isinstance(error, PillarsError):  # the core's words may quote what someone typed
        return no_masked_links(error.message)
    if isinstance(error, WriteCooldown):
        return error.message
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"You're going a little fast. Try again in {_seconds(error.retry_after)} s."
    if isinstance(error, MemberFacingCheckFailure):
        return error.message
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That works in a server, not in direct messages."
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the {_permissions(error.missing_permissions)} permission to do that."
    if isinstance(error, app_commands.BotMissingPermissions):
        return f"I need the {_permissions(error.missing_permissions)} permission here to do that."
    if isinstance(error, app_commands.MissingRole | app_commands.MissingAnyRole):
        return "You don't have the role that command needs."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    if isinstance(error, app_commands.TransformerError):
        if isinstance(error.__cause__, PillarsError):  # our transformers explain themselves
            return no_masked_links(error.__cause__.message)
        expected = error.type.name.replace("_", " ")
        return f"I couldn't read {str(error.value)[:100]!r} as a {expected}. Pick one of the suggestions, or check it."
    if isinstance(error, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
        return OUTDATED
    return None


def _permissions(names: list[str]) -> str:
    """'Manage Server and Embed Links' from discord.py's permission names."""
    words = [name.replace("_", " ").replace("guild", "server").title() for name in names]
    return " and ".join(words) if words else "right"


def _describe(interaction: discord.Interaction[Any]) -> str:
    """What the member was doing, for the log: the command and the names of its options, or the component's id,
    and where. Never a value: what a member types (a note, a form) is theirs, and an attachment URL opens the file.
    """
    data: dict[str, Any] = dict(interaction.data or {})
    where = f"guild {interaction.guild_id} channel {interaction.channel_id}"
    if interaction.command is not None:
        options = ", ".join(sorted(interaction.namespace.__dict__)) or "none"
        return f"/{interaction.command.qualified_name} (options given: {options}; {where})"
    if "custom_id" in data:  # our custom ids hold ids and settings, never what anyone typed
        return f"component/modal custom_id={data['custom_id']!r} ({where})"
    return f"interaction type={interaction.type.name} ({where})"


async def send_ephemeral(interaction: discord.Interaction[Any], text: str) -> None:
    """Answer the member privately: the answer still thinking, else a follow-up, else the first answer."""
    text = limits.content(text)
    try:
        if waiting_for_answer(interaction):
            await interaction.edit_original_response(content=text, embed=None, view=None, allowed_mentions=NO_PINGS)
        elif interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)
    except discord.NotFound:
        log.warning("Could not answer %s: Discord no longer knows the interaction", _describe(interaction))
    except discord.HTTPException:
        log.exception("Could not send the error answer for %s", _describe(interaction))


async def handle_error(interaction: discord.Interaction[Any], error: Exception) -> None:
    """Turn any failure of an interaction into the right ephemeral answer (see the module docstring)."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if interaction.type is discord.InteractionType.autocomplete:
        # An autocomplete cannot show a message; the member sees no suggestions rather than "loading failed".
        log.error("Autocomplete failed for %s", _describe(interaction), exc_info=error)
        if not interaction.response.is_done():
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.autocomplete([])
        return
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
        log.warning("Interaction expired before it was answered: %s", _describe(interaction))
        return
    message = member_message(error)
    if message is None:
        log.error("Unexpected error in %s (user %s)", _describe(interaction), interaction.user.id, exc_info=error)
        message = APOLOGY
    await send_ephemeral(interaction, message)


class PillarsTree(app_commands.CommandTree):
    """The command tree, with every command's errors going to `handle_error`."""

    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /) -> None:
        """Route every command failure to the one handler."""
        await handle_error(interaction, error)
