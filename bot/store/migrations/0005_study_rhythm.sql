-- Study rhythm: goals, reminders, reading clubs, and the scheduler's due work. Only new tables and new
-- columns with defaults: every row already stored stays as it was.

-- A member's own settings: their time zone (weeks and reminders follow it) and the DM channel Discord gave.
CREATE TABLE member_settings (
    user_id       INTEGER PRIMARY KEY,
    time_zone     TEXT,
    dm_channel_id INTEGER,
    updated_at    TEXT NOT NULL
);

-- One goal per member and unit: `amount` of `unit` each `period`.
CREATE TABLE goals (
    user_id    INTEGER NOT NULL,
    unit       TEXT    NOT NULL CHECK (unit IN ('pages', 'chapters', 'lectures', 'resources')),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    period     TEXT    NOT NULL CHECK (period IN ('week', 'month', 'year')),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, unit)
);

-- A member's study reminder (one each): when, and where to fall back to when their DMs are closed.
CREATE TABLE reminders (
    user_id      INTEGER PRIMARY KEY,
    guild_id     INTEGER,
    at           TEXT    NOT NULL,
    weekdays     TEXT    NOT NULL CHECK (json_valid(weekdays)),
    time_zone    TEXT    NOT NULL,
    streak_nudge INTEGER NOT NULL DEFAULT 0 CHECK (streak_nudge IN (0, 1)),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);

-- At most one nudge a member a day (their local day): the job that took the day.
CREATE TABLE member_nudges (
    user_id INTEGER NOT NULL,
    day     TEXT    NOT NULL,
    job_id  INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- A reading club: one resource, a pace in sections a week from a first day, a thread to talk in.
CREATE TABLE clubs (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    resource_id TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    channel_id  INTEGER NOT NULL,
    thread_id   INTEGER,
    starts_on   TEXT    NOT NULL,
    pace        INTEGER NOT NULL CHECK (pace >= 1),
    weeks       INTEGER NOT NULL CHECK (weeks >= 1),
    time_zone   TEXT    NOT NULL,
    started_by  INTEGER NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'ended')),
    created_at  TEXT    NOT NULL,
    ended_at    TEXT
);
CREATE INDEX clubs_by_guild ON clubs (guild_id, state);
CREATE UNIQUE INDEX clubs_one_open_per_resource ON clubs (guild_id, resource_id) WHERE state = 'open';

CREATE TABLE club_members (
    id        INTEGER PRIMARY KEY,
    club_id   INTEGER NOT NULL REFERENCES clubs (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    on_board  INTEGER NOT NULL DEFAULT 1 CHECK (on_board IN (0, 1)),
    nudges    INTEGER NOT NULL DEFAULT 0 CHECK (nudges IN (0, 1)),
    joined_at TEXT    NOT NULL,
    UNIQUE (club_id, user_id)
);
CREATE INDEX club_members_by_user ON club_members (user_id);

-- What recurs: a rule (JSON, see bot.rhythm.recurrence) and its next firing in UTC (NULL: never again).
-- `subject_id` is the member (reminder, streak), the club (club-week) or the member in a club (club-nudge, with
-- `user_id` the member). Personal schedules carry `user_id`, so a member's data can be found and deleted.
CREATE TABLE schedules (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    subject_id   INTEGER NOT NULL,
    user_id      INTEGER,
    rule         TEXT    NOT NULL CHECK (json_valid(rule)),
    next_fire_at TEXT,
    UNIQUE (kind, subject_id)
);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE INDEX schedules_by_user ON schedules (user_id) WHERE user_id IS NOT NULL;

-- Due work: one row per firing, written before anything is sent. `key` makes a firing's job unique however many
-- schedulers see it; the state moves due → claimed (by one runner) → sent / skipped / failed, or back to due.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    schedule_id INTEGER REFERENCES schedules (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    subject_id  INTEGER NOT NULL,
    user_id     INTEGER,
    key         TEXT    NOT NULL UNIQUE,
    due_at      TEXT    NOT NULL,
    missed      INTEGER NOT NULL DEFAULT 0,
    state       TEXT    NOT NULL DEFAULT 'due' CHECK (state IN ('due', 'claimed', 'sent', 'skipped', 'failed')),
    not_before  TEXT    NOT NULL,
    claimed_by  TEXT,
    claimed_at  TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    done_at     TEXT,
    outcome     TEXT,
    message_id  INTEGER
);
CREATE INDEX jobs_due ON jobs (not_before) WHERE state = 'due';
CREATE INDEX jobs_claimed ON jobs (claimed_at) WHERE state = 'claimed';
CREATE INDEX jobs_by_schedule ON jobs (schedule_id);
CREATE INDEX jobs_by_user ON jobs (user_id) WHERE user_id IS NOT NULL;

-- Servers choose where reminders go when a member's DMs are closed, and whether members may start clubs.
ALTER TABLE guild_settings ADD COLUMN reminder_channel_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN members_start_clubs INTEGER NOT NULL DEFAULT 0 CHECK (members_start_clubs IN (0, 1));
