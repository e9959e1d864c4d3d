-- Long polling: each getUpdates answer is kept here as Telegram sent it, before the next
-- getUpdates confirms it to Telegram, and deleted once every update in it was handled. What a
-- killed process leaves here is handled at the next start. (One row per answer, not per
-- update: the common case, handled at once, costs one insert and a share of one delete.)

CREATE TABLE polled (
    last_update_id  INTEGER PRIMARY KEY,        -- the answer's newest update
    body            TEXT NOT NULL,              -- Telegram's JSON answer: {"ok":..., "result": [...]}
    received_at     TEXT NOT NULL
);
