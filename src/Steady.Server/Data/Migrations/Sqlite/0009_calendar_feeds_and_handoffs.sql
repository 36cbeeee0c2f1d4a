-- Secret iCal feeds of a schedule or a person: only the token's SHA-256 is stored; one feed per subject (rotating replaces it).
CREATE TABLE calendar_feeds (
    id         TEXT    NOT NULL PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('schedule', 'user')),
    subject_id TEXT    NOT NULL,
    token_hash TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL
);
CREATE UNIQUE INDEX ix_calendar_feeds_token ON calendar_feeds (token_hash);
CREATE UNIQUE INDEX ix_calendar_feeds_subject ON calendar_feeds (kind, subject_id);

-- Handoff notices to the incoming person: one row per (schedule, person, shift start), claimed before
-- sending, so a restart never sends the same notice twice.
CREATE TABLE handoff_notices (
    id          TEXT    NOT NULL PRIMARY KEY,
    schedule_id TEXT    NOT NULL REFERENCES schedules (id),
    user_id     TEXT    NOT NULL REFERENCES users (id),
    shift_start INTEGER NOT NULL,
    shift_end   INTEGER NOT NULL,
    claimed_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('sending', 'sent', 'failed', 'unreachable')),
    detail      TEXT
);
CREATE UNIQUE INDEX ix_handoff_notices_key ON handoff_notices (schedule_id, user_id, shift_start);
