-- Reception rules people can manage: one date of a rule cancelled (/reception skip), and the
-- committees told that the bot has no holidays for a year (once each, across restarts).

CREATE TABLE reception_skips (
    rule_id     INTEGER NOT NULL REFERENCES reception_rules (id),
    occurs_on   TEXT NOT NULL,                     -- the local date cancelled, YYYY-MM-DD
    skipped_by  INTEGER NOT NULL,                  -- Telegram user id
    skipped_at  TEXT NOT NULL,
    PRIMARY KEY (rule_id, occurs_on)
);

CREATE TABLE holiday_notices (
    community  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (community, year)
);

