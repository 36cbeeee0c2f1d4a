-- Sign-in throttling: one row per account (subject 'account:<email>') and per client address
-- ('address:<ip>') that attempted to sign in lately. attempts counts the attempts not yet followed by
-- a success since window_started_at; enough of them lock the subject until locked_until. Shared by
-- every node, so a lockout holds whichever node the next attempt reaches. Rows whose window and
-- lock are over are deleted as new attempts come.
CREATE TABLE sign_in_throttles (
    subject           TEXT    NOT NULL PRIMARY KEY,
    attempts          INTEGER NOT NULL,
    window_started_at INTEGER NOT NULL,
    locked_until      INTEGER
);

-- Console sessions, server-side: the cookie carries only a reference (a random key, of which only the
-- SHA-256 hash is stored here), so any node accepts a session and ending it (sign-out, a password
-- change, an administrator) refuses its cookie at once. Ended and expired sessions are kept a while
-- for the person's list, then deleted.
CREATE TABLE sessions (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    key_hash     TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ended_at     INTEGER,
    ended_reason TEXT,
    address      TEXT,
    user_agent   TEXT
);
CREATE UNIQUE INDEX ix_sessions_key_hash ON sessions (key_hash);
CREATE INDEX ix_sessions_user ON sessions (user_id);

-- The first administrator's printed password is a one-time one: the console asks for a new one at
-- first sign-in, before anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
