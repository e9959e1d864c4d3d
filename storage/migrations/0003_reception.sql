-- Reception days and meetings: the committee's rules, which reminder slots went out, and the
-- daily digests sent (one a day, across restarts).

CREATE TABLE reception_rules (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule        TEXT NOT NULL,                 -- as written: 每月15日, 每周一三五, 2026-12-20
    starts          TEXT NOT NULL,                 -- local HH:MM
    ends            TEXT NOT NULL,
    place           TEXT NOT NULL,
    title           TEXT NOT NULL,
    audience        TEXT NOT NULL DEFAULT 'residents' CHECK (audience IN ('residents', 'staff')),
    holiday_policy  TEXT NOT NULL DEFAULT 'shift' CHECK (holiday_policy IN ('shift', 'skip', 'keep')),
    created_by      INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    deleted_at      TEXT
);

CREATE TABLE reminders_sent (
    rule_id    INTEGER NOT NULL REFERENCES reception_rules (id),
    occurs_on  TEXT NOT NULL,                      -- local date YYYY-MM-DD
    slot       TEXT NOT NULL,                      -- 'evening' or 'before'
    sent_at    TEXT NOT NULL,
    groups     INTEGER NOT NULL,
    PRIMARY KEY (rule_id, occurs_on, slot)
);

CREATE TABLE digests (
    day           TEXT PRIMARY KEY,                -- local date YYYY-MM-DD
    period_start  TEXT NOT NULL,
    period_end    TEXT NOT NULL,
    sent_at       TEXT NOT NULL
);

-- The digest reads tickets by time.
CREATE INDEX tickets_by_created ON tickets (created_at);
CREATE INDEX tickets_by_done ON tickets (done_at);
CREATE INDEX tickets_by_rated ON tickets (rated_at);
