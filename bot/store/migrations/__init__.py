"""Numbered SQL migrations, applied in order at open; `PRAGMA user_version` records the last one applied."""
