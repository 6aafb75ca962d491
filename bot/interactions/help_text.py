"""What `/help` shows of a command besides its description: an example, and whether it is for moderators.

    @example("/path topic:probability")
    @app_commands.command(name="path", description="The order to study a topic in, prerequisites first")

A group marked `extras={"moderator": True}` lists every subcommand under "For moderators" (`bot.exts.help`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from discord import app_commands

EXAMPLE = "example"  # the key in a command's extras
MODERATOR = "moderator"

CommandT = TypeVar("CommandT", bound=app_commands.Command[Any, ..., Any])


def example(text: str, *more: str) -> Callable[[CommandT], CommandT]:
    """Decorator, above the command's own: the example `/help` shows for it (more than one where it has two uses)."""

    def attach(command: CommandT) -> CommandT:
        command.extras[EXAMPLE] = (text, *more)
        return command

    return attach
