-- Each schedule and job names the server it concerns (NULL: none, a reminder set in a DM), so that with several
-- bot processes, each running some of the shards, a process sends only the jobs of the servers on its shards:
-- those are the servers whose members and channels it has in its cache. The same for PostgreSQL (postgres/).
ALTER TABLE schedules ADD COLUMN guild_id INTEGER;
ALTER TABLE jobs ADD COLUMN guild_id INTEGER;

-- What is already scheduled: a member's reminder and streak nudge go by their reminder's server, a club's week by
-- its club's, a club member's nudge by their club's.
UPDATE schedules SET guild_id = (SELECT guild_id FROM reminders WHERE reminders.user_id = schedules.subject_id)
WHERE kind IN ('reminder', 'streak');
UPDATE schedules SET guild_id = (SELECT guild_id FROM clubs WHERE clubs.id = schedules.subject_id)
WHERE kind = 'club-week';
UPDATE schedules SET guild_id = (
    SELECT clubs.guild_id FROM club_members JOIN clubs ON clubs.id = club_members.club_id
    WHERE club_members.id = schedules.subject_id)
WHERE kind = 'club-nudge';
UPDATE jobs SET guild_id = (SELECT guild_id FROM schedules WHERE schedules.id = jobs.schedule_id);
