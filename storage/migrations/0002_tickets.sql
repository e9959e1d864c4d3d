-- Tickets: residents' wishes (微心愿) and complaints, their followers (+1), and the drafts of
-- requests still being written in a private conversation.

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,  -- the number residents see as #42
    kind              TEXT NOT NULL CHECK (kind IN ('wish', 'complaint')),
    text              TEXT NOT NULL,
    photo_file_id     TEXT,
    category          TEXT NOT NULL,
    party             TEXT NOT NULL,                      -- 物业 / 业委会 / 居委会 / 街道
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
    rating            TEXT CHECK (rating IN ('满意', '基本满意', '不满意')),
    rated_at          TEXT,
    reject_reason     TEXT,
    card_chat_id      INTEGER,                            -- the staff card: its chat and
    card_outbox_id    INTEGER REFERENCES outbox (id)      -- the outbox row that posts it
);
CREATE INDEX tickets_by_reporter ON tickets (reporter_id, id);
CREATE INDEX tickets_open_by_due ON tickets (status, due_at);
CREATE INDEX tickets_by_category ON tickets (category, status, id);

CREATE TABLE ticket_followers (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    user_id    INTEGER NOT NULL,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX ticket_followers_by_user ON ticket_followers (user_id);

CREATE TABLE drafts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('wish', 'complaint')),
    step            TEXT NOT NULL CHECK (step IN ('text', 'photo', 'confirm', 'duplicate')),
    text            TEXT,
    photo_file_id   TEXT,
    chat_id         INTEGER NOT NULL,                     -- where the request was made
    message_id      INTEGER,
    updated_at      TEXT NOT NULL
);
CREATE INDEX drafts_by_user ON drafts (user_id, id);
