-- Sign-in throttling: one row per account (subject 'account:<email>') and per client address
-- ('address:<ip>') that attempted to sign in lately. attempts counts the attempts not yet followed by
-- a success since window_started_at; enough of them lock the subject until locked_until. Shared by
-- every node, so a lockout holds whichever node the next attempt reaches. Rows whose window and
-- lock are over are deleted as new attempts come.
CREATE TABLE sign_in_throttles (
    subject           text        NOT NULL PRIMARY KEY,
    attempts          integer     NOT NULL,
    window_started_at timestamptz NOT NULL,
    locked_until      timestamptz
);
