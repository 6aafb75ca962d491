"""Discord features, one module each; `PillarsBot.setup_hook` loads every module not starting with '_'."""
