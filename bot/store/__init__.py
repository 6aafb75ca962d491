"""The store: the only code that speaks SQL. See `Store` for the contract."""

from bot.store.models import (
    AuditEntry,
    GuildSettings,
    ImportSummary,
    LeaderboardRow,
    ProgressEvent,
    ReadingStats,
    ShelfEntry,
    Suggestion,
    SuggestionStatus,
)
from bot.store.store import MAX_NOTE, Store, backup_database

__all__ = [
    "MAX_NOTE",
    "AuditEntry",
    "GuildSettings",
    "ImportSummary",
    "LeaderboardRow",
    "ProgressEvent",
    "ReadingStats",
    "ShelfEntry",
    "Store",
    "Suggestion",
    "SuggestionStatus",
    "backup_database",
]
