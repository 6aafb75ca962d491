"""The one exception family for failures a member or moderator can cause.

Anything raised as a `PillarsError` is an expected outcome: its message is written for the member and
is safe to show as-is. Every other exception is a bug; the Discord layer logs it and shows a generic
apology instead.
"""


class PillarsError(Exception):
    """An expected failure whose message is friendly and safe to show to the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(PillarsError):
    """Something the member named (a resource, a suggestion) does not exist."""


class InvalidInputError(PillarsError):
    """The member's input breaks a rule (a position past the end, a note too long)."""


class ConflictError(PillarsError):
    """The request clashes with what is stored (an id already taken, a resource already retired)."""


class PermissionDeniedError(PillarsError):
    """The member is not allowed to do this."""


class StorageUnavailableError(PillarsError):
    """The database cannot be written right now (read-only file, full disk)."""
