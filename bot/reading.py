"""Reading statuses (the shelves a member's resources sit on) and the periods reading is counted over."""

from datetime import UTC, datetime, timedelta

from bot.catalog.vocabulary import Words


class ReadingStatus(Words):
    """Where a resource stands for one member; `label` is how the shelf reads ('want to read')."""

    WANT_TO_READ = "want-to-read"
    READING = "reading"
    FINISHED = "finished"
    DROPPED = "dropped"


class Period(Words):
    """A stretch of time a leaderboard counts, in UTC: weeks start on Monday, months on the first."""

    THIS_WEEK = "this-week"
    THIS_MONTH = "this-month"
    ALL_TIME = "all-time"

    def start(self, now: datetime) -> datetime | None:
        """When the period began, as of `now`; None for all time."""
        today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        if self is Period.THIS_WEEK:
            return today - timedelta(days=today.weekday())
        if self is Period.THIS_MONTH:
            return today.replace(day=1)
        return None
