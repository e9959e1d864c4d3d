-- Trust boundaries: what a press or a reply may act on is what the bot recorded, never what
-- the button data or a message's words say.

-- The rating question sent to the reporter: only a press on that very message rates.
ALTER TABLE tickets ADD COLUMN rating_outbox_id INTEGER REFERENCES outbox (id);
-- An edited #投诉 post finds the ticket it filed.
CREATE INDEX tickets_by_source_message ON tickets (source_chat_id, source_message_id);

-- The ticket a duplicate offer proposed: "+1" follows it, whatever the button data says; and
-- the update the request came in, so an offer never answered is still filed under it.
ALTER TABLE drafts ADD COLUMN offered_ticket_id INTEGER REFERENCES tickets (id);
ALTER TABLE drafts ADD COLUMN origin_update_id INTEGER;
CREATE INDEX drafts_by_step ON drafts (step, updated_at);

-- Force-reply prompts (a reject reason, a clarification): an answer counts only as a reply to
-- the prompt's own message, in its chat.
CREATE TABLE prompts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('reject_reason', 'clarification')),
    subject_id  INTEGER NOT NULL,                    -- the ticket, or the known rumour
    chat_id     INTEGER NOT NULL,
    outbox_id   INTEGER NOT NULL REFERENCES outbox (id),
    asked_by    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    answered_at TEXT
);
CREATE INDEX prompts_by_outbox ON prompts (outbox_id);

-- Per-person quota of requests: recent requests of one person.
CREATE INDEX events_by_actor ON events (actor_id, action, at);
