-- Residents as they really write: voice notes, albums, locations; drafts that go stale and
-- ask before they continue; emergencies that jump the queue.

-- What came with a request besides its words and first photo: voice notes, more photos of an
-- album, a location (a JSON list); the album (media_group_id) it came in, so the album's
-- other photos join it; whether it is urgent, and when an urgent one nobody accepted was last
-- escalated.
ALTER TABLE tickets ADD COLUMN attachments TEXT;
ALTER TABLE tickets ADD COLUMN media_group TEXT;
ALTER TABLE tickets ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN escalated_at TEXT;
-- Two-way notes: the latest progress note staff wrote (the card shows it), and the resident's
-- acknowledgement, whose very message a reply adds to the ticket.
ALTER TABLE tickets ADD COLUMN last_note TEXT;
ALTER TABLE tickets ADD COLUMN ack_outbox_id INTEGER REFERENCES outbox (id);
CREATE INDEX tickets_by_album ON tickets (source_chat_id, media_group);

-- An urgent message goes out ahead of everything else queued for its chat.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
-- A reply to a bot message (a card, an acknowledgement) finds what that message was about.
CREATE INDEX outbox_by_message ON outbox (chat_id, telegram_message_id);

-- Drafts learn two steps: 'kind' (something came without saying whether it is a wish or a
-- complaint: asked) and 'stale' (an old draft met a new message: asked whether to go on;
-- the new message waits in `held`); 'addition' (the resident pressed 补充: their next message
-- joins ticket offered_ticket_id) and 'why' (asked what is still wrong after 不满意). A draft a group prompt asked for ("请在 #投诉 后面写上
-- 具体内容") remembers that prompt: a reply to its very message (words or a voice note) files it.
CREATE TABLE drafts_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           INTEGER NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('wish', 'complaint')),
    step              TEXT NOT NULL
                      CHECK (step IN ('kind', 'text', 'photo', 'confirm', 'duplicate', 'stale', 'addition', 'why')),
    text              TEXT,
    photo_file_id     TEXT,
    chat_id           INTEGER NOT NULL,
    message_id        INTEGER,
    updated_at        TEXT NOT NULL,
    offered_ticket_id INTEGER REFERENCES tickets (id),
    origin_update_id  INTEGER,
    attachments       TEXT,
    media_group       TEXT,
    held              TEXT,
    prompt_outbox_id  INTEGER REFERENCES outbox (id)
);
INSERT INTO drafts_new (id, user_id, kind, step, text, photo_file_id, chat_id, message_id,
                        updated_at, offered_ticket_id, origin_update_id)
    SELECT id, user_id, kind, step, text, photo_file_id, chat_id, message_id, updated_at,
           offered_ticket_id, origin_update_id FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_new RENAME TO drafts;
CREATE INDEX drafts_by_user ON drafts (user_id, id);
CREATE INDEX drafts_by_step ON drafts (step, updated_at);
