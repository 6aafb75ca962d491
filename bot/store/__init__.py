"""The store: the only code that speaks SQL. See `Store` for the contract; its records are `bot.store.models`."""

from bot.store.store import MAX_NOTE, Store, backup_database

__all__ = ["MAX_NOTE", "Store", "backup_database"]
