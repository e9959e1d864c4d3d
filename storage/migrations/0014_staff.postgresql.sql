-- 0014 on PostgreSQL: the same columns; the prompts' kind constraint changes in place.

ALTER TABLE tickets ADD COLUMN forwarded_by TEXT;
ALTER TABLE tickets ADD COLUMN forwarded_from TEXT;
ALTER TABLE tickets ADD COLUMN forward_reason TEXT;
ALTER TABLE tickets ADD COLUMN reminded_at TEXT;
ALTER TABLE tickets ADD COLUMN escalation_step BIGINT NOT NULL DEFAULT 0;
CREATE INDEX tickets_open_by_party ON tickets (community, party, status, due_at);
CREATE INDEX tickets_by_assignee ON tickets (assignee_id, status);

ALTER TABLE prompts DROP CONSTRAINT IF EXISTS prompts_kind_check;
ALTER TABLE prompts ADD CONSTRAINT prompts_kind_check
    CHECK (kind IN ('reject_reason', 'clarification', 'forward_reason'));
