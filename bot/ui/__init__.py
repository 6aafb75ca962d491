"""Everything the bot shows: embeds, views, modals. Every Discord limit is enforced here (see `limits`)."""
