-- Screening of group posts: flagged posts awaiting a moderator (review cards), the memory of
-- what moderators decided (confirmed rumours with their clarification, confirmed ads, texts
-- dismissed as false alarms), and the automatic answers to repeats.

CREATE TABLE flags (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT NOT NULL CHECK (kind IN ('rumour', 'ad')),
    chat_id          INTEGER NOT NULL,                 -- the resident group of the post
    message_id       INTEGER NOT NULL,
    author_id        INTEGER NOT NULL,
    author_name      TEXT NOT NULL,
    text             TEXT NOT NULL,
    score            REAL NOT NULL,
    reasons          TEXT NOT NULL,                    -- JSON list of short Chinese phrases
    source_update_id INTEGER NOT NULL UNIQUE,          -- a redelivered update flags nothing twice
    status           TEXT NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'checking', 'confirmed', 'dismissed')),
    decided_by       INTEGER,
    decided_by_name  TEXT,
    decided_at       TEXT,
    card_chat_id     INTEGER,                          -- the review card in the moderators' chat
    card_outbox_id   INTEGER REFERENCES outbox (id),
    check_chat_id    INTEGER,                          -- its copy sent to the committee (需核实)
    check_outbox_id  INTEGER REFERENCES outbox (id),
    created_at       TEXT NOT NULL
);
CREATE INDEX flags_by_time ON flags (created_at);
CREATE INDEX flags_by_decision ON flags (decided_at);
CREATE INDEX flags_by_author ON flags (author_id, kind, status);

-- Confirmed rumours and ads: the screen's known-text index is rebuilt from here at start.
CREATE TABLE known_texts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,  -- 谣言#N / 广告#N
    kind           TEXT NOT NULL CHECK (kind IN ('rumour', 'ad', 'dismissed')),
    text           TEXT NOT NULL,
    clarification  TEXT,
    flag_id        INTEGER REFERENCES flags (id),
    created_by     INTEGER,
    created_at     TEXT NOT NULL
);
CREATE INDEX known_texts_by_kind ON known_texts (kind, id);

-- Repeats answered without a review (one row per post, so a redelivery answers once).
CREATE TABLE known_hits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    known_id    INTEGER NOT NULL REFERENCES known_texts (id),
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    at          TEXT NOT NULL,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX known_hits_by_time ON known_hits (at);
CREATE INDEX known_hits_by_author ON known_hits (author_id, known_id);
