-- Households, votes and groups tied to buildings (issue 16).

-- A home of a community, by its normalised key ('3-502', '3-2-502'); nothing else about it.
CREATE TABLE households (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    community   TEXT NOT NULL,
    key         TEXT NOT NULL,
    building    TEXT NOT NULL,                   -- '3', 'A': the key's first part
    created_at  TEXT NOT NULL,
    UNIQUE (community, key)
);
CREATE INDEX households_by_building ON households (community, building);

-- Who said they live there: one home per person. With [households] verify = true a member
-- votes only once staff confirmed them on the card in the committee chat.
CREATE TABLE household_members (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL UNIQUE,
    household_id    INTEGER NOT NULL REFERENCES households (id),
    status          TEXT NOT NULL DEFAULT 'unconfirmed'
                    CHECK (status IN ('unconfirmed', 'confirmed', 'rejected')),
    registered_at   TEXT NOT NULL,
    decided_by      INTEGER,
    decided_at      TEXT,
    card_chat_id    INTEGER,
    card_outbox_id  INTEGER REFERENCES outbox (id)
);
CREATE INDEX household_members_by_household ON household_members (household_id, status);

-- /home in private: the address asked for (a force-reply prompt, key NULL) or the one shown
-- back for 对/不对; an answer or a press counts only on that very message.
CREATE TABLE home_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    community   TEXT NOT NULL,
    key         TEXT,
    outbox_id   INTEGER NOT NULL REFERENCES outbox (id),
    created_at  TEXT NOT NULL,
    done_at     TEXT
);
CREATE INDEX home_requests_by_outbox ON home_requests (outbox_id);
CREATE INDEX home_requests_by_user ON home_requests (user_id, id);

-- A resident group tied to buildings (/bind 3号楼,4号楼): votes of other buildings skip it.
CREATE TABLE group_buildings (
    chat_id   INTEGER NOT NULL,
    building  TEXT NOT NULL,
    PRIMARY KEY (chat_id, building)
);

CREATE TABLE votes (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    community         TEXT NOT NULL,
    question          TEXT NOT NULL,
    options           TEXT NOT NULL,              -- JSON list of the options' words
    scope             TEXT,                       -- JSON list of buildings; NULL: everyone
    per_person        INTEGER NOT NULL DEFAULT 0, -- 每人一票 instead of 每户一票
    closes_at         TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    key_check         TEXT NOT NULL,              -- which ballot key the vote was started under
    created_by        INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    source_update_id  INTEGER NOT NULL UNIQUE,
    closed_at         TEXT,
    closed_by         INTEGER,                    -- NULL: closed by its deadline
    result            TEXT                        -- JSON, written once, at close
);
CREATE INDEX votes_open_by_deadline ON votes (status, closes_at);
CREATE INDEX votes_by_community ON votes (community, id);

-- A running vote's secret part, one row per vote, never row per ballot (rows would keep the
-- order ballots came in, which other tables' times could match): who took part and what was
-- chosen as two JSON maps under different keyed hashes, each sorted by hash. Emptied at
-- close, once the counts are in votes.result.
CREATE TABLE vote_ballots (
    vote_id  INTEGER PRIMARY KEY REFERENCES votes (id),
    turnout  TEXT NOT NULL DEFAULT '{}',          -- {voter hash: [caster hash, building]}
    choices  TEXT NOT NULL DEFAULT '{}'           -- {ballot hash: option index}
);
