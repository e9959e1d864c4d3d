-- Staff where they work (issue 14): who forwarded a ticket and why, the reminder before it
-- falls due, how far up the escalation ladder it went; a third kind of force-reply prompt.

-- A forwarded ticket's card says who forwarded it, from which party and (optionally) why.
ALTER TABLE tickets ADD COLUMN forwarded_by TEXT;
ALTER TABLE tickets ADD COLUMN forwarded_from TEXT;
ALTER TABLE tickets ADD COLUMN forward_reason TEXT;
-- Deadlines: when the card's chat was reminded before the due time, and how many steps of
-- the community's escalation ladder were taken (each once: the step and its messages are
-- written in one transaction).
ALTER TABLE tickets ADD COLUMN reminded_at TEXT;
ALTER TABLE tickets ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0;
-- /open lists one party's (or someone's) open tickets of a community.
CREATE INDEX tickets_open_by_party ON tickets (community, party, status, due_at);
CREATE INDEX tickets_by_assignee ON tickets (assignee_id, status);

-- 转派 asks for an optional reason: prompts learn the kind 'forward_reason'. SQLite cannot
-- change a CHECK in place: the table is rebuilt (PostgreSQL: 0014_staff.postgresql.sql).
CREATE TABLE prompts_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('reject_reason', 'clarification', 'forward_reason')),
    subject_id  INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL,
    outbox_id   INTEGER NOT NULL REFERENCES outbox (id),
    asked_by    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    answered_at TEXT
);
INSERT INTO prompts_new (id, kind, subject_id, chat_id, outbox_id, asked_by, created_at,
                         answered_at)
    SELECT id, kind, subject_id, chat_id, outbox_id, asked_by, created_at, answered_at
    FROM prompts;
DROP TABLE prompts;
ALTER TABLE prompts_new RENAME TO prompts;
CREATE INDEX prompts_by_outbox ON prompts (outbox_id);
