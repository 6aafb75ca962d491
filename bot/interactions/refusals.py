"""What a member is told when the bot refuses them: each refusal carries the sentence, written for them.

They are `app_commands.CheckFailure`s, so a refusal raised by a command's check and one raised by a button
or a form end the same way: the error handler (`bot.interactions.errors`) shows the message as is. Who is
refused, and when, is decided in `bot.interactions.checks` and `bot.interactions.buttons`.
"""

from __future__ import annotations

import math

from discord import app_commands


class MemberFacingCheckFailure(app_commands.CheckFailure):
    """A check failed; `message` is the friendly sentence to show the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotModerator(MemberFacingCheckFailure):
    """The member is not a moderator of this server."""

    def __init__(self) -> None:
        super().__init__(
            "Only moderators can do that: members with the Manage Server permission or the server's moderator role."
        )


class NotServerManager(MemberFacingCheckFailure):
    """The member lacks Manage Server."""

    def __init__(self) -> None:
        super().__init__(
            "Only members with the Manage Server permission can change these settings; the moderator role "
            "alone is not enough, since the settings decide who moderates."
        )


class ServerOnly(MemberFacingCheckFailure):
    """The command needs a server and was used in a DM."""

    def __init__(self) -> None:
        super().__init__("That works in a server, not in direct messages.")


class NotYours(MemberFacingCheckFailure):
    """A button that belongs to another member's request (see `bot.interactions.buttons.OwnerOnlyButton`)."""


class WriteCooldown(MemberFacingCheckFailure):
    """The member used up their writes for now; `retry_after` says for how long, in seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        seconds = max(1, math.ceil(retry_after))
        super().__init__(f"You're going a little fast. Try again in {seconds} s.")
