-- Many communities (居民区) in one deployment. Every row that belongs to a community names it;
-- 'default' is the community of COMMITTEE_CHAT_ID and the rules file's top level, so a
-- deployment of one community keeps all it had. Ticket numbers stay one sequence for the
-- deployment (#42 names one ticket, whichever community).

ALTER TABLE chats ADD COLUMN community TEXT NOT NULL DEFAULT 'default';
ALTER TABLE tickets ADD COLUMN community TEXT NOT NULL DEFAULT 'default';
ALTER TABLE flags ADD COLUMN community TEXT NOT NULL DEFAULT 'default';
ALTER TABLE reception_rules ADD COLUMN community TEXT NOT NULL DEFAULT 'default';
-- The community of the resident group a person last wrote in: where a private request goes.
ALTER TABLE people ADD COLUMN community TEXT;

-- When a ticket was accepted (受理) or claimed (认领): responsiveness in 三维四色. Rows from
-- before take it from their event.
ALTER TABLE tickets ADD COLUMN accepted_at TEXT;
UPDATE tickets SET accepted_at = (
    SELECT MIN(e.at) FROM events e
    WHERE e.subject = 'ticket:' || CAST(tickets.id AS TEXT) AND e.action IN ('accepted', 'claimed')
);

-- One digest a day per community (and '@street' for the street office's).
CREATE TABLE digests_new (
    community     TEXT NOT NULL DEFAULT 'default',
    day           TEXT NOT NULL,                   -- local date YYYY-MM-DD
    period_start  TEXT NOT NULL,
    period_end    TEXT NOT NULL,
    sent_at       TEXT NOT NULL,
    PRIMARY KEY (community, day)
);
INSERT INTO digests_new (community, day, period_start, period_end, sent_at)
    SELECT 'default', day, period_start, period_end, sent_at FROM digests;
DROP TABLE digests;
ALTER TABLE digests_new RENAME TO digests;

-- The digest reads one community's tickets and flags by time.
DROP INDEX tickets_by_created;
DROP INDEX tickets_by_done;
DROP INDEX tickets_by_rated;
CREATE INDEX tickets_by_created ON tickets (community, created_at);
CREATE INDEX tickets_by_done ON tickets (community, done_at);
CREATE INDEX tickets_by_rated ON tickets (community, rated_at);
CREATE INDEX tickets_open_by_community ON tickets (community, status, due_at);
CREATE INDEX tickets_wishes_by_community ON tickets (community, kind, status, created_at);
DROP INDEX flags_by_time;
DROP INDEX flags_by_decision;
CREATE INDEX flags_by_time ON flags (community, created_at);
CREATE INDEX flags_by_decision ON flags (community, decided_at);
CREATE INDEX chats_by_community ON chats (community, kind, active);
