-- What members' reading tells the others: ratings and reviews, why members stopped, and outcomes per resource
-- (who started, finished, dropped, how long it took, where those who stop stop, what they read next), each
-- member free to be left out of all of it. Existing reading is counted in at the end of this file.
--
-- The outcomes are kept as counts (`outcome_counts`) by the triggers below, inside the very transaction that
-- changes a read-through, a rating or a member's choice: so they are exact whatever commits together (group
-- commit), whatever is rolled back (a refused update's savepoint takes its counts with it) and whatever is
-- deleted (`/mydata delete` deletes the rows; the triggers subtract them). Reading one resource's outcomes is
-- then one index range, whatever the number of updates behind it.

-- A member's choice about community figures; no row means counted in (the default, shown in /progress privacy).
CREATE TABLE member_privacy (
    user_id      INTEGER PRIMARY KEY,
    in_community INTEGER NOT NULL CHECK (in_community IN (0, 1)),
    updated_at   TEXT    NOT NULL
);

-- One rating per member and resource (they change it, they do not add more); the review is optional.
CREATE TABLE ratings (
    user_id     INTEGER NOT NULL,
    resource_id TEXT    NOT NULL,
    guild_id    INTEGER,  -- where it was given: its review is shown there
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    review      TEXT,
    named       INTEGER NOT NULL DEFAULT 0 CHECK (named IN (0, 1)),  -- the member chose to sign the review
    counted     INTEGER NOT NULL DEFAULT 1 CHECK (counted IN (0, 1)),  -- 0 while the member is left out
    rated_at    TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, resource_id)
);
CREATE INDEX ratings_reviews ON ratings (resource_id, guild_id, updated_at) WHERE review IS NOT NULL AND counted = 1;

-- Why a member dropped a read-through: one of the listed reasons, or 'other' with what they typed (theirs only).
CREATE TABLE drop_reasons (
    read_through_id INTEGER PRIMARY KEY REFERENCES read_throughs (id) ON DELETE CASCADE,
    reason          TEXT    NOT NULL CHECK (reason IN ('too-hard', 'too-slow', 'not-what-i-needed', 'other')),
    detail          TEXT,
    given_at        TEXT    NOT NULL
);

-- Each member's outcome with each resource, derived from their read-throughs by the triggers below (never
-- written otherwise). `guild_id` is the first server they logged it in: where it counts as "here".
CREATE TABLE member_outcomes (
    user_id       INTEGER NOT NULL,
    resource_id   TEXT    NOT NULL,
    guild_id      INTEGER,
    started       INTEGER NOT NULL,  -- some read-through got past want-to-read
    finished      INTEGER NOT NULL,  -- some read-through finished
    dropped       INTEGER NOT NULL,  -- the current read-through is dropped
    stop_position INTEGER,           -- where the dropped read-through stopped
    drop_reason   TEXT,
    finished_at   TEXT,              -- the first finish
    days          INTEGER,           -- whole days from the start to the first finish
    next_id       TEXT,              -- the first other resource they started after that finish
    counted       INTEGER NOT NULL,
    PRIMARY KEY (user_id, resource_id)
) WITHOUT ROWID;

-- The outcomes: members per (scope, resource, figure, key). Scope 0 is every server (and DMs), else a server.
-- Figures: started, finished, dropped (key ''), days (whole days), stop (position), reason, next (a resource
-- id), rating (stars). Rows at zero are deleted, so every row stands for at least one member.
CREATE TABLE outcome_counts (
    scope       INTEGER NOT NULL,
    resource_id TEXT    NOT NULL,
    figure      TEXT    NOT NULL,
    key                 NOT NULL,  -- no declared type: stored exactly as given ('', 12, 'too-hard', a resource id)
    members     INTEGER NOT NULL,  -- no CHECK: SQLite would check the -1 an upsert subtracts with, before its conflict
    PRIMARY KEY (scope, resource_id, figure, key)
) WITHOUT ROWID;
-- The ranking reads a few figures of every resource of a scope (with the primary key's columns, it covers them).
CREATE INDEX outcome_counts_by_figure ON outcome_counts (scope, figure, members);

-- Procedures, as views whose INSTEAD OF triggers do the work: SQLite has no stored procedures, and each rule
-- is then written once. Inserting into a view runs its trigger once per row inserted.

-- `outcome_change`: add `delta` members to one figure of a resource, in every server and in the given one.
CREATE VIEW outcome_change (guild_id, resource_id, figure, key, delta) AS SELECT NULL, NULL, NULL, NULL, NULL WHERE 0;
CREATE TRIGGER outcome_change_applied INSTEAD OF INSERT ON outcome_change
BEGIN
    INSERT INTO outcome_counts (scope, resource_id, figure, key, members)
    SELECT scope, NEW.resource_id, NEW.figure, NEW.key, NEW.delta
    FROM (SELECT 0 AS scope UNION ALL SELECT NEW.guild_id WHERE NEW.guild_id IS NOT NULL)
    WHERE true
    ON CONFLICT (scope, resource_id, figure, key) DO UPDATE SET members = members + excluded.members;
    DELETE FROM outcome_counts
    WHERE NEW.delta < 0 AND scope IN (0, NEW.guild_id) AND resource_id = NEW.resource_id AND figure = NEW.figure
      AND key = NEW.key AND members = 0;
END;

-- `member_outcome_recount`: derive one member's outcome with one resource again from their read-throughs.
CREATE VIEW member_outcome_recount (user_id, resource_id) AS SELECT NULL, NULL WHERE 0;
CREATE TRIGGER member_outcome_recounted INSTEAD OF INSERT ON member_outcome_recount
BEGIN
    DELETE FROM member_outcomes
    WHERE user_id = NEW.user_id AND resource_id = NEW.resource_id
      AND NOT EXISTS (SELECT 1 FROM read_throughs WHERE user_id = NEW.user_id AND resource_id = NEW.resource_id);
    INSERT INTO member_outcomes (user_id, resource_id, started, finished, dropped, stop_position, drop_reason,
                                 finished_at, days, counted)
    SELECT current.user_id, current.resource_id,
           EXISTS (SELECT 1 FROM read_throughs WHERE user_id = current.user_id AND resource_id = current.resource_id
                   AND started_at IS NOT NULL),
           first.id IS NOT NULL,
           current.status = 'dropped',
           CASE WHEN current.status = 'dropped' THEN current.position END,
           CASE WHEN current.status = 'dropped' THEN
               (SELECT reason FROM drop_reasons WHERE read_through_id = current.id) END,
           first.finished_at,
           CAST(julianday(first.finished_at) - julianday(first.started_at) AS INTEGER),
           NOT EXISTS (SELECT 1 FROM member_privacy WHERE user_id = current.user_id AND in_community = 0)
    FROM read_throughs AS current
    LEFT JOIN read_throughs AS first ON first.id = (
        SELECT id FROM read_throughs WHERE user_id = NEW.user_id AND resource_id = NEW.resource_id
        AND finished_at IS NOT NULL ORDER BY number LIMIT 1)
    WHERE current.id = (
        SELECT id FROM read_throughs WHERE user_id = NEW.user_id AND resource_id = NEW.resource_id
        ORDER BY number DESC LIMIT 1)
    ON CONFLICT (user_id, resource_id) DO UPDATE SET
        started = excluded.started, finished = excluded.finished, dropped = excluded.dropped,
        stop_position = excluded.stop_position, drop_reason = excluded.drop_reason,
        finished_at = excluded.finished_at, days = excluded.days, counted = excluded.counted
    WHERE (started, finished, dropped, stop_position, drop_reason, finished_at, days, counted) IS NOT
          (excluded.started, excluded.finished, excluded.dropped, excluded.stop_position, excluded.drop_reason,
           excluded.finished_at, excluded.days, excluded.counted);
END;

-- A member's outcome counts toward the figures while they are counted in.
CREATE TRIGGER member_outcome_added AFTER INSERT ON member_outcomes WHEN NEW.counted
BEGIN
    INSERT INTO outcome_change
    SELECT NEW.guild_id, NEW.resource_id, 'started', '', 1 WHERE NEW.started
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'finished', '', 1 WHERE NEW.finished
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'dropped', '', 1 WHERE NEW.dropped
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'days', NEW.days, 1 WHERE NEW.days IS NOT NULL
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'stop', NEW.stop_position, 1 WHERE NEW.stop_position IS NOT NULL
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'reason', NEW.drop_reason, 1 WHERE NEW.drop_reason IS NOT NULL
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'next', NEW.next_id, 1 WHERE NEW.next_id IS NOT NULL;
END;

CREATE TRIGGER member_outcome_removed AFTER DELETE ON member_outcomes WHEN OLD.counted
BEGIN
    INSERT INTO outcome_change
    SELECT OLD.guild_id, OLD.resource_id, 'started', '', -1 WHERE OLD.started
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'finished', '', -1 WHERE OLD.finished
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'dropped', '', -1 WHERE OLD.dropped
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'days', OLD.days, -1 WHERE OLD.days IS NOT NULL
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'stop', OLD.stop_position, -1 WHERE OLD.stop_position IS NOT NULL
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'reason', OLD.drop_reason, -1 WHERE OLD.drop_reason IS NOT NULL
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'next', OLD.next_id, -1 WHERE OLD.next_id IS NOT NULL;
END;

-- A changed outcome: the old one out, the new one in (each only while counted).
CREATE TRIGGER member_outcome_changed AFTER UPDATE ON member_outcomes
BEGIN
    INSERT INTO outcome_change
    SELECT OLD.guild_id, OLD.resource_id, 'started', '', -1 WHERE OLD.counted AND OLD.started
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'finished', '', -1 WHERE OLD.counted AND OLD.finished
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'dropped', '', -1 WHERE OLD.counted AND OLD.dropped
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'days', OLD.days, -1 WHERE OLD.counted AND OLD.days IS NOT NULL
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'stop', OLD.stop_position, -1
        WHERE OLD.counted AND OLD.stop_position IS NOT NULL
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'reason', OLD.drop_reason, -1
        WHERE OLD.counted AND OLD.drop_reason IS NOT NULL
    UNION ALL SELECT OLD.guild_id, OLD.resource_id, 'next', OLD.next_id, -1 WHERE OLD.counted AND OLD.next_id IS NOT NULL
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'started', '', 1 WHERE NEW.counted AND NEW.started
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'finished', '', 1 WHERE NEW.counted AND NEW.finished
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'dropped', '', 1 WHERE NEW.counted AND NEW.dropped
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'days', NEW.days, 1 WHERE NEW.counted AND NEW.days IS NOT NULL
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'stop', NEW.stop_position, 1
        WHERE NEW.counted AND NEW.stop_position IS NOT NULL
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'reason', NEW.drop_reason, 1
        WHERE NEW.counted AND NEW.drop_reason IS NOT NULL
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'next', NEW.next_id, 1 WHERE NEW.counted AND NEW.next_id IS NOT NULL;
END;

-- Read-throughs drive the outcomes. A position change while reading (most updates) changes no outcome, so it
-- fires nothing.
CREATE TRIGGER read_through_added AFTER INSERT ON read_throughs
BEGIN
    INSERT INTO member_outcome_recount VALUES (NEW.user_id, NEW.resource_id);
END;

CREATE TRIGGER read_through_changed AFTER UPDATE ON read_throughs
WHEN OLD.status IS NOT NEW.status OR OLD.started_at IS NOT NEW.started_at OR OLD.finished_at IS NOT NEW.finished_at
     OR (NEW.status = 'dropped' AND OLD.position IS NOT NEW.position)
BEGIN
    INSERT INTO member_outcome_recount VALUES (NEW.user_id, NEW.resource_id);
END;

CREATE TRIGGER read_through_removed AFTER DELETE ON read_throughs
BEGIN
    INSERT INTO member_outcome_recount VALUES (OLD.user_id, OLD.resource_id);
END;

-- Starting a resource is what members "went on to" from every resource they finished before and had not yet
-- gone on from (a re-read of the same resource is not going on).
CREATE TRIGGER read_through_started AFTER INSERT ON read_throughs WHEN NEW.started_at IS NOT NULL
BEGIN
    UPDATE member_outcomes SET next_id = NEW.resource_id
    WHERE user_id = NEW.user_id AND finished AND next_id IS NULL AND resource_id <> NEW.resource_id
      AND finished_at <= NEW.started_at;
END;

CREATE TRIGGER read_through_started_later AFTER UPDATE OF started_at ON read_throughs
WHEN OLD.started_at IS NULL AND NEW.started_at IS NOT NULL
BEGIN
    UPDATE member_outcomes SET next_id = NEW.resource_id
    WHERE user_id = NEW.user_id AND finished AND next_id IS NULL AND resource_id <> NEW.resource_id
      AND finished_at <= NEW.started_at;
END;

-- Resuming a dropped read-through takes its reason away: it no longer explains anything.
CREATE TRIGGER read_through_resumed AFTER UPDATE OF status ON read_throughs
WHEN OLD.status = 'dropped' AND NEW.status <> 'dropped'
BEGIN
    DELETE FROM drop_reasons WHERE read_through_id = NEW.id;
END;

-- The first server a member logs a resource in is where their outcome with it counts as "here".
CREATE TRIGGER progress_event_placed AFTER INSERT ON progress_events WHEN NEW.guild_id IS NOT NULL
BEGIN
    UPDATE member_outcomes SET guild_id = NEW.guild_id
    WHERE user_id = NEW.user_id AND resource_id = NEW.resource_id AND guild_id IS NULL;
END;

CREATE TRIGGER drop_reason_given AFTER INSERT ON drop_reasons
BEGIN
    INSERT INTO member_outcome_recount SELECT user_id, resource_id FROM read_throughs WHERE id = NEW.read_through_id;
END;

CREATE TRIGGER drop_reason_changed AFTER UPDATE ON drop_reasons
BEGIN
    INSERT INTO member_outcome_recount SELECT user_id, resource_id FROM read_throughs WHERE id = NEW.read_through_id;
END;

CREATE TRIGGER drop_reason_removed AFTER DELETE ON drop_reasons
BEGIN
    INSERT INTO member_outcome_recount SELECT user_id, resource_id FROM read_throughs WHERE id = OLD.read_through_id;
END;

-- Ratings count toward the average where they were given, while the member is counted in.
CREATE TRIGGER rating_added AFTER INSERT ON ratings WHEN NEW.counted
BEGIN
    INSERT INTO outcome_change VALUES (NEW.guild_id, NEW.resource_id, 'rating', NEW.rating, 1);
END;

CREATE TRIGGER rating_removed AFTER DELETE ON ratings WHEN OLD.counted
BEGIN
    INSERT INTO outcome_change VALUES (OLD.guild_id, OLD.resource_id, 'rating', OLD.rating, -1);
END;

CREATE TRIGGER rating_changed AFTER UPDATE OF rating, guild_id, counted ON ratings
BEGIN
    INSERT INTO outcome_change
    SELECT OLD.guild_id, OLD.resource_id, 'rating', OLD.rating, -1 WHERE OLD.counted
    UNION ALL SELECT NEW.guild_id, NEW.resource_id, 'rating', NEW.rating, 1 WHERE NEW.counted;
END;

-- Count in the reading that is already here: every member's outcome with every resource, then where each was
-- first logged in a server and what each member went on to (the first other resource started after finishing).
INSERT INTO member_outcome_recount SELECT DISTINCT user_id, resource_id FROM read_throughs;
UPDATE member_outcomes SET guild_id = (
    SELECT guild_id FROM progress_events AS e
    WHERE e.user_id = member_outcomes.user_id AND e.resource_id = member_outcomes.resource_id
      AND e.guild_id IS NOT NULL
    ORDER BY e.id LIMIT 1)
WHERE EXISTS (
    SELECT 1 FROM progress_events AS e
    WHERE e.user_id = member_outcomes.user_id AND e.resource_id = member_outcomes.resource_id
      AND e.guild_id IS NOT NULL);
UPDATE member_outcomes SET next_id = (
    SELECT r.resource_id FROM read_throughs AS r
    WHERE r.user_id = member_outcomes.user_id AND r.resource_id <> member_outcomes.resource_id
      AND r.started_at >= member_outcomes.finished_at
    ORDER BY r.started_at, r.id LIMIT 1)
WHERE finished;
