-- 0010 on PostgreSQL: the same columns; the drafts' step constraint changes in place.

ALTER TABLE tickets ADD COLUMN attachments TEXT;
ALTER TABLE tickets ADD COLUMN media_group TEXT;
ALTER TABLE tickets ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN escalated_at TEXT;
-- Two-way notes: the latest progress note staff wrote (the card shows it), and the resident's
-- acknowledgement, whose very message a reply adds to the ticket.
ALTER TABLE tickets ADD COLUMN last_note TEXT;
ALTER TABLE tickets ADD COLUMN ack_outbox_id INTEGER REFERENCES outbox (id);
CREATE INDEX tickets_by_album ON tickets (source_chat_id, media_group);

ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
-- A reply to a bot message (a card, an acknowledgement) finds what that message was about.
CREATE INDEX outbox_by_message ON outbox (chat_id, telegram_message_id);

ALTER TABLE drafts DROP CONSTRAINT IF EXISTS drafts_step_check;
ALTER TABLE drafts ADD CONSTRAINT drafts_step_check
    CHECK (step IN ('kind', 'text', 'photo', 'confirm', 'duplicate', 'stale', 'addition', 'why'));
ALTER TABLE drafts ADD COLUMN attachments TEXT;
ALTER TABLE drafts ADD COLUMN media_group TEXT;
ALTER TABLE drafts ADD COLUMN held TEXT;
ALTER TABLE drafts ADD COLUMN prompt_outbox_id INTEGER REFERENCES outbox (id);
