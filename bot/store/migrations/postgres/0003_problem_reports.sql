-- As ../0003_problem_reports.sql is for SQLite: members report problems with a resource (a dead link, wrong
-- facts) into the same moderators' queue as suggestions. PostgreSQL changes a CHECK in place, so the table is
-- altered rather than rebuilt; the columns land in the same order as SQLite's rebuilt table has them.

ALTER TABLE suggestions DROP CONSTRAINT suggestions_status_check;
ALTER TABLE suggestions ADD COLUMN kind TEXT NOT NULL DEFAULT 'resource' CHECK (kind IN ('resource', 'report'));
ALTER TABLE suggestions ADD COLUMN resource_id TEXT;
ALTER TABLE suggestions ADD COLUMN problem TEXT CHECK (problem IS NULL OR problem IN ('dead-link', 'wrong-facts'));
-- A report names its resource and problem; a suggestion names neither.
ALTER TABLE suggestions ADD CHECK ((kind = 'report') = (resource_id IS NOT NULL AND problem IS NOT NULL));
ALTER TABLE suggestions ADD CHECK (
    (kind = 'resource' AND status IN ('pending', 'approved', 'rejected'))
    OR (kind = 'report' AND status IN ('pending', 'resolved', 'dismissed'))
);

-- One pending report per member, resource and problem: a second click adds nothing to the queue.
CREATE UNIQUE INDEX reports_pending_once ON suggestions (guild_id, user_id, resource_id, problem)
    WHERE kind = 'report' AND status = 'pending';
