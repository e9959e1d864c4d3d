-- 三维四色 and the monthly report (民情月报): the inspection score committee staff enter for
-- the property company each month, and which monthly reports went out automatically (one per
-- community and month, '@street' for the street office's, across restarts and workers).

CREATE TABLE inspections (
    community   TEXT NOT NULL,
    month       TEXT NOT NULL,                     -- local month YYYY-MM
    score       REAL NOT NULL CHECK (score >= 0 AND score <= 100),
    entered_by  INTEGER NOT NULL,                  -- Telegram user id
    entered_at  TEXT NOT NULL,
    PRIMARY KEY (community, month)
);

-- A row is claimed before the report is built and sent (the images and the workbook are
-- uploaded directly, not through the outbox: see bot/services/report/service.py); sent_at is
-- set once Telegram took them. A claim left without sent_at (the process died, Telegram
-- failed) is taken again after a while.
CREATE TABLE monthly_reports (
    community   TEXT NOT NULL,
    month       TEXT NOT NULL,                     -- the month reported, YYYY-MM
    claimed_at  TEXT NOT NULL,
    sent_at     TEXT,
    PRIMARY KEY (community, month)
);
