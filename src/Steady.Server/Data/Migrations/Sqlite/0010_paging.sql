-- The paging engine: an escalation run per alert group, one outbox of deliveries, used link nonces,
-- server secrets (the link-signing key), round-robin turns; and each service's urgency settings.
ALTER TABLE services ADD COLUMN urgency TEXT NOT NULL DEFAULT 'severity';
ALTER TABLE services ADD COLUMN business_hours TEXT;
ALTER TABLE services ADD COLUMN ack_timeout_seconds INTEGER;

CREATE TABLE escalation_runs (
    group_id     TEXT    NOT NULL PRIMARY KEY REFERENCES alert_groups (id),
    service_id   TEXT    NOT NULL REFERENCES services (id),
    policy_id    TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    urgency      TEXT    NOT NULL,
    step         INTEGER NOT NULL,
    pass         INTEGER NOT NULL,
    next_due_at  INTEGER,
    started_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    last_step_at INTEGER,
    note         TEXT,
    lease_owner  TEXT,
    lease_until  INTEGER,
    version      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_escalation_runs_due ON escalation_runs (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE deliveries (
    id                TEXT    NOT NULL PRIMARY KEY,
    group_id          TEXT    NOT NULL REFERENCES alert_groups (id),
    service_id        TEXT    NOT NULL REFERENCES services (id),
    user_id           TEXT    NOT NULL REFERENCES users (id),
    contact_method_id TEXT,
    channel           TEXT,
    target            TEXT    NOT NULL,
    step              INTEGER NOT NULL,
    pass              INTEGER NOT NULL,
    urgency           TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    attempts          INTEGER NOT NULL,
    due_at            INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    last_attempt_at   INTEGER,
    sent_at           INTEGER,
    error             TEXT,
    idempotency_key   TEXT    NOT NULL UNIQUE,
    sent_as           TEXT,
    lease_owner       TEXT,
    reason            TEXT
);
CREATE INDEX ix_deliveries_due ON deliveries (due_at) WHERE state IN ('queued', 'failed-temporary', 'sending');
CREATE INDEX ix_deliveries_group ON deliveries (group_id);
CREATE INDEX ix_deliveries_sent_as ON deliveries (sent_as);
CREATE INDEX ix_deliveries_method_sent ON deliveries (contact_method_id, sent_at);
CREATE INDEX ix_deliveries_failed ON deliveries (state, id) WHERE state IN ('failed-temporary', 'failed-permanent');

CREATE TABLE used_links (
    nonce      TEXT    NOT NULL PRIMARY KEY,
    used_at    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE server_secrets (
    name       TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE round_robin_positions (
    team_id    TEXT    NOT NULL PRIMARY KEY REFERENCES teams (id),
    next_index INTEGER NOT NULL
);
