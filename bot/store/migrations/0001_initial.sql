-- The first schema. Times are ISO 8601 text in UTC ("2025-01-31T12:00:00.000000+00:00"), so they sort
-- as text and substr(at, 1, 10) is the UTC day. Resource ids are catalog slugs, not foreign keys: the
-- curated catalog lives in files, and progress outlives a resource being retired or renamed.

-- One row per reading of a resource by a member; a re-read is a new row with number + 1.
-- The current read-through is the one with the highest number.
CREATE TABLE read_throughs (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL,
    resource_id TEXT    NOT NULL,
    number      INTEGER NOT NULL CHECK (number >= 1),
    status      TEXT    NOT NULL CHECK (status IN ('want-to-read', 'reading', 'finished', 'dropped')),
    position    INTEGER CHECK (position IS NULL OR position >= 0),
    unit        TEXT    NOT NULL,
    total       INTEGER NOT NULL CHECK (total > 0),
    started_at  TEXT,
    finished_at TEXT,
    note        TEXT,
    updated_at  TEXT    NOT NULL,
    CHECK (position IS NULL OR position <= total),
    CHECK ((status = 'finished') = (finished_at IS NOT NULL)),
    UNIQUE (user_id, resource_id, number)
);

-- Every update a member logged, in order: the history, and the days streaks are counted from.
CREATE TABLE progress_events (
    id              INTEGER PRIMARY KEY,
    read_through_id INTEGER NOT NULL REFERENCES read_throughs (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    guild_id        INTEGER,
    resource_id     TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    position        INTEGER,
    note            TEXT,
    at              TEXT    NOT NULL
);
CREATE INDEX progress_events_by_user ON progress_events (user_id, at);
CREATE INDEX progress_events_by_read_through ON progress_events (read_through_id);

-- A server's additions to the curated catalog, and its edits of curated entries (same id, its own data).
CREATE TABLE guild_resources (
    guild_id    INTEGER NOT NULL,
    resource_id TEXT    NOT NULL,
    data        TEXT    NOT NULL CHECK (json_valid(data)),
    created_by  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_by  INTEGER NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, resource_id)
);

-- What a server hid from its catalog; progress on these stays.
CREATE TABLE guild_retired (
    guild_id    INTEGER NOT NULL,
    resource_id TEXT    NOT NULL,
    retired_by  INTEGER NOT NULL,
    retired_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, resource_id)
);

CREATE TABLE suggestions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    note        TEXT,
    status      TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at  TEXT    NOT NULL,
    decided_by  INTEGER,
    decided_at  TEXT
);
CREATE INDEX suggestions_by_guild ON suggestions (guild_id, status, id);
CREATE INDEX suggestions_by_user ON suggestions (user_id);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    moderator_id INTEGER NOT NULL,
    action       TEXT    NOT NULL,
    target       TEXT,
    before       TEXT CHECK (before IS NULL OR json_valid(before)),
    after        TEXT CHECK (after IS NULL OR json_valid(after)),
    at           TEXT    NOT NULL
);
CREATE INDEX audit_log_by_guild ON audit_log (guild_id, id);

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    moderator_role_id INTEGER,
    updated_at        TEXT NOT NULL
);
