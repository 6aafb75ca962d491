"""Reading statuses: the shelves a member's resources sit on."""

from enum import StrEnum


class ReadingStatus(StrEnum):
    """Where a resource stands for one member."""

    WANT_TO_READ = "want-to-read"
    READING = "reading"
    FINISHED = "finished"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        """'want to read' for WANT_TO_READ: how the shelf reads."""
        return self.value.replace("-", " ")
