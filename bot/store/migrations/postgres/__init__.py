"""PostgreSQL's numbered migrations, in step with SQLite's in the folder above (a test checks both sets match)."""
