-- Webhook mode: every update Telegram posts is stored here before it is acknowledged, then
-- handled by whichever worker holds its chat, oldest first. A worker killed mid-way leaves its
-- rows unhandled, and another worker takes them.

CREATE TABLE inbox (
    update_id    INTEGER PRIMARY KEY,
    chat_key     INTEGER NOT NULL,               -- whose updates stay in order (a chat, or a person)
    body         TEXT NOT NULL,                  -- the update as Telegram sent it (JSON)
    received_at  TEXT NOT NULL,
    handled_at   TEXT
);
CREATE INDEX inbox_waiting ON inbox (chat_key, update_id) WHERE handled_at IS NULL;
CREATE INDEX inbox_by_handled ON inbox (handled_at);
