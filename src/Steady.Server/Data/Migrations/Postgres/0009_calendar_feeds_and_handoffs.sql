-- Secret iCal feeds of a schedule or a person: only the token's SHA-256 is stored; one feed per subject (rotating replaces it).
CREATE TABLE calendar_feeds (
    id         uuid        NOT NULL PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('schedule', 'user')),
    subject_id uuid        NOT NULL,
    token_hash text        NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL
);
CREATE UNIQUE INDEX ix_calendar_feeds_token ON calendar_feeds (token_hash);
CREATE UNIQUE INDEX ix_calendar_feeds_subject ON calendar_feeds (kind, subject_id);

-- Handoff notices to the incoming person: one row per (schedule, person, shift start), claimed before
-- sending, so a restart never sends the same notice twice.
CREATE TABLE handoff_notices (
    id          uuid        NOT NULL PRIMARY KEY,
    schedule_id uuid        NOT NULL REFERENCES schedules (id),
    user_id     uuid        NOT NULL REFERENCES users (id),
    shift_start timestamptz NOT NULL,
    shift_end   timestamptz NOT NULL,
    claimed_at  timestamptz NOT NULL,
    sent_at     timestamptz,
    outcome     text        NOT NULL CHECK (outcome IN ('sending', 'sent', 'failed', 'unreachable')),
    detail      text
);
CREATE UNIQUE INDEX ix_handoff_notices_key ON handoff_notices (schedule_id, user_id, shift_start);
