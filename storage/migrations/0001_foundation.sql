-- Foundation: the chats the bot serves, people it has seen, the audit log, the outbox,
-- and the updates whose side effects are done (so a redelivered update changes nothing twice).
-- Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS.ffffff', which sorts as time does.

CREATE TABLE chats (
    id            INTEGER PRIMARY KEY,              -- Telegram chat id
    kind          TEXT NOT NULL CHECK (kind IN ('resident', 'committee', 'moderator')),
    title         TEXT,
    active        INTEGER NOT NULL DEFAULT 1,       -- 0 after /unbind or when the bot was removed
    bot_is_admin  INTEGER NOT NULL DEFAULT 0,       -- can the bot delete posts there
    bound_by      INTEGER,                          -- Telegram user id
    bound_at      TEXT,
    unbound_at    TEXT
);

CREATE TABLE people (
    user_id            INTEGER PRIMARY KEY,
    first_name         TEXT NOT NULL,
    last_name          TEXT,
    username           TEXT,
    private_chat_open  INTEGER NOT NULL DEFAULT 0,  -- has written to the bot in private
    first_seen         TEXT NOT NULL,
    last_seen          TEXT NOT NULL
);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor_id   INTEGER,                              -- NULL when the bot itself acted
    action     TEXT NOT NULL,
    subject    TEXT,                                 -- 'chat:-100123', later 'ticket:42'
    detail     TEXT NOT NULL DEFAULT '{}',           -- JSON
    public     INTEGER NOT NULL DEFAULT 0,           -- may the resident concerned see it
    update_id  INTEGER
);
CREATE INDEX events_by_subject ON events (subject, id);
CREATE INDEX events_by_time ON events (at);

CREATE TABLE handled_updates (
    update_id   INTEGER PRIMARY KEY,
    what        TEXT NOT NULL,
    handled_at  TEXT NOT NULL
);
CREATE INDEX handled_updates_by_time ON handled_updates (handled_at);

CREATE TABLE outbox (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at           TEXT NOT NULL,
    chat_id              INTEGER NOT NULL,
    method               TEXT NOT NULL,               -- Bot API method, e.g. sendMessage
    params               TEXT NOT NULL,               -- JSON parameters besides chat_id
    dedupe_key           TEXT UNIQUE,                 -- at most one message per key, ever
    update_id            INTEGER,                     -- the update that caused it
    fallback             TEXT,                        -- hook to run when a private chat refuses (403)
    fallback_args        TEXT,                        -- JSON
    status               TEXT NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'sent', 'failed', 'undeliverable')),
    attempts             INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      TEXT NOT NULL,
    last_error           TEXT,
    telegram_message_id  INTEGER,
    sent_at              TEXT
);
CREATE INDEX outbox_pending ON outbox (chat_id, id) WHERE status = 'pending';
