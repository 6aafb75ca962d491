"""Reading statuses: the shelves a member's resources sit on."""

from bot.catalog.vocabulary import Words


class ReadingStatus(Words):
    """Where a resource stands for one member; `label` is how the shelf reads ('want to read')."""

    WANT_TO_READ = "want-to-read"
    READING = "reading"
    FINISHED = "finished"
    DROPPED = "dropped"
