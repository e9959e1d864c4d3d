-- Nothing stored is a display word: a ticket's party and rating become codes (the words are in
-- bot/texts.py). SQLite cannot change a CHECK constraint in place, so the table is rebuilt the
-- way SQLite's documentation gives (the runner turns foreign keys off around a migration and
-- checks them before it commits).

CREATE TABLE tickets_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- the number residents see as #42
    kind              TEXT NOT NULL CHECK (kind IN ('wish', 'complaint')),
    text              TEXT NOT NULL,
    photo_file_id     TEXT,
    category          TEXT NOT NULL,
    party             TEXT NOT NULL
                      CHECK (party IN ('property', 'owners', 'residents', 'street')),
    status            TEXT NOT NULL DEFAULT 'new'
                      CHECK (status IN ('new', 'in_progress', 'done', 'rated', 'rejected')),
    reporter_id       INTEGER NOT NULL,
    reporter_name     TEXT NOT NULL,
    source_chat_id    INTEGER NOT NULL,
    source_message_id INTEGER,
    source_update_id  INTEGER NOT NULL UNIQUE,            -- a redelivered update files nothing
    assignee_id       INTEGER,
    assignee_name     TEXT,
    created_at        TEXT NOT NULL,
    due_at            TEXT NOT NULL,
    overdue_at        TEXT,                               -- when the escalation was raised
    done_at           TEXT,
    rating            TEXT CHECK (rating IN ('satisfied', 'fair', 'unsatisfied')),
    rated_at          TEXT,
    reject_reason     TEXT,
    card_chat_id      INTEGER,                            -- the staff card: its chat and
    card_outbox_id    INTEGER REFERENCES outbox (id),     -- the outbox row that posts it
    rating_outbox_id  INTEGER REFERENCES outbox (id)      -- the rating question to the reporter
);

INSERT INTO tickets_new
SELECT id, kind, text, photo_file_id, category,
       CASE party WHEN '物业' THEN 'property' WHEN '业委会' THEN 'owners'
                  WHEN '居委会' THEN 'residents' WHEN '街道' THEN 'street' ELSE party END,
       status, reporter_id, reporter_name, source_chat_id, source_message_id, source_update_id,
       assignee_id, assignee_name, created_at, due_at, overdue_at, done_at,
       CASE rating WHEN '满意' THEN 'satisfied' WHEN '基本满意' THEN 'fair'
                   WHEN '不满意' THEN 'unsatisfied' ELSE rating END,
       rated_at, reject_reason, card_chat_id, card_outbox_id, rating_outbox_id
FROM tickets;

DROP TABLE tickets;
ALTER TABLE tickets_new RENAME TO tickets;

CREATE INDEX tickets_by_reporter ON tickets (reporter_id, id);
CREATE INDEX tickets_open_by_due ON tickets (status, due_at);
CREATE INDEX tickets_by_category ON tickets (category, status, id);
CREATE INDEX tickets_by_created ON tickets (created_at);
CREATE INDEX tickets_by_done ON tickets (done_at);
CREATE INDEX tickets_by_rated ON tickets (rated_at);
CREATE INDEX tickets_by_kind_status ON tickets (kind, status, id);
CREATE INDEX tickets_by_source_message ON tickets (source_chat_id, source_message_id);

-- Events keep what they said then; the /ticket log reads both words and codes.
