-- Members report problems with a resource (a dead link, wrong facts) into the same moderators' queue as
-- suggestions. A report names the resource and the kind of problem; a moderator resolves or dismisses it.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt and every row copied as it was.

CREATE TABLE suggestions_new (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    note        TEXT,
    status      TEXT    NOT NULL DEFAULT 'pending',
    created_at  TEXT    NOT NULL,
    decided_by  INTEGER,
    decided_at  TEXT,
    kind        TEXT    NOT NULL DEFAULT 'resource' CHECK (kind IN ('resource', 'report')),
    resource_id TEXT,
    problem     TEXT    CHECK (problem IS NULL OR problem IN ('dead-link', 'wrong-facts')),
    -- A report names its resource and problem; a suggestion names neither.
    CHECK ((kind = 'report') = (resource_id IS NOT NULL AND problem IS NOT NULL)),
    CHECK (
        (kind = 'resource' AND status IN ('pending', 'approved', 'rejected'))
        OR (kind = 'report' AND status IN ('pending', 'resolved', 'dismissed'))
    )
);

INSERT INTO suggestions_new (id, guild_id, user_id, title, url, note, status, created_at, decided_by, decided_at)
    SELECT id, guild_id, user_id, title, url, note, status, created_at, decided_by, decided_at FROM suggestions;

DROP TABLE suggestions;
ALTER TABLE suggestions_new RENAME TO suggestions;

CREATE INDEX suggestions_by_guild ON suggestions (guild_id, status, id);
CREATE INDEX suggestions_by_user ON suggestions (user_id);
-- One pending report per member, resource and problem: a second click adds nothing to the queue.
CREATE UNIQUE INDEX reports_pending_once ON suggestions (guild_id, user_id, resource_id, problem)
    WHERE kind = 'report' AND status = 'pending';
