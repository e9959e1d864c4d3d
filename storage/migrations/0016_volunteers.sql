-- Volunteers and 党员 claim 微心愿 (VOLUNTEER_CHAT_ID): the wish card posted in their chat (and
-- when it was posted again, unclaimed), and whether the assignee is a volunteer.
ALTER TABLE tickets ADD COLUMN volunteer_outbox_id INTEGER REFERENCES outbox (id);
ALTER TABLE tickets ADD COLUMN volunteer_posted_at TEXT;
ALTER TABLE tickets ADD COLUMN by_volunteer INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_by_volunteer_card ON tickets (volunteer_outbox_id);
CREATE INDEX events_by_action ON events (action, at);
