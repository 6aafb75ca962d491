-- Servers can name a channel where finished resources are announced.
ALTER TABLE guild_settings ADD COLUMN announce_channel_id BIGINT;

-- The leaderboard counts each member's finished resources; this keeps it to an index scan.
CREATE INDEX read_throughs_finished ON read_throughs (user_id, resource_id) WHERE finished_at IS NOT NULL;
