-- Screening v2 around the screen: one card per rumour, the nearest confirmed rumour on a card,
-- a 确认 that can be undone for a few minutes, and mutes a moderator can lift.

-- Further posts of a pending flag's text (the same rumour in other groups, or posted again):
-- they join its card, and the one decision acts on all of them.
CREATE TABLE flag_posts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    flag_id           INTEGER NOT NULL REFERENCES flags (id),
    chat_id           INTEGER NOT NULL,
    message_id        INTEGER NOT NULL,
    author_id         INTEGER NOT NULL,
    author_name       TEXT NOT NULL,
    source_update_id  INTEGER NOT NULL UNIQUE,         -- a redelivered update joins once
    created_at        TEXT NOT NULL
);
CREATE INDEX flag_posts_by_flag ON flag_posts (flag_id);
CREATE INDEX flags_pending ON flags (status, created_at);

-- The confirmed rumour a flagged post resembles without repeating it (shown on its card).
ALTER TABLE flags ADD COLUMN nearest_known_id INTEGER REFERENCES known_texts (id);
-- The group notices a 确认 sent (JSON list of outbox ids): an undo takes them back.
ALTER TABLE flags ADD COLUMN notices TEXT;
-- The flagged post's words after its author edited them into something else (a correction):
-- the card shows them, and 确认 leaves that post alone.
ALTER TABLE flags ADD COLUMN edited_text TEXT;

-- A 确认 undone within minutes: the memory forgets the text (hits keep their history).
ALTER TABLE known_texts ADD COLUMN withdrawn_at TEXT;

-- Mutes of repeated advertisers, so a moderator can lift one (解除禁言).
CREATE TABLE mutes (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    community         TEXT NOT NULL DEFAULT 'default',
    chat_id           INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    user_name         TEXT NOT NULL,
    until             TEXT NOT NULL,
    notice_outbox_id  INTEGER REFERENCES outbox (id),
    lifted_by         INTEGER,
    lifted_at         TEXT,
    created_at        TEXT NOT NULL
);
