-- Incidents: each incident's own channels (chat webhooks, email addresses), beside the server-wide ones.
CREATE TABLE incident_channels (
    id          TEXT    NOT NULL PRIMARY KEY,
    incident_id TEXT    NOT NULL REFERENCES incidents (id),
    kind        TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    settings    TEXT,
    added_at    INTEGER NOT NULL,
    added_by    TEXT    NOT NULL
);
CREATE INDEX ix_incident_channels_incident ON incident_channels (incident_id);

-- The emergency line: who commands the incidents its submissions open (null: the agreement's creator).
ALTER TABLE emergency_agreements ADD COLUMN commander_id TEXT REFERENCES users (id);

-- The paging engine runs incidents' pages too: an escalation run gets an id of its own (an alert
-- group's run keeps the group's id) and belongs to a group or to an incident; a delivery names the run
-- that planned it. SQLite cannot drop NOT NULL or a primary key in place: both tables are rebuilt
-- with their rows (nothing references them).
CREATE TABLE escalation_runs_new (
    id             TEXT    NOT NULL PRIMARY KEY,
    group_id       TEXT    REFERENCES alert_groups (id),
    incident_id    TEXT    REFERENCES incidents (id),
    service_id     TEXT    REFERENCES services (id),
    policy_id      TEXT    NOT NULL,
    target_user_id TEXT    REFERENCES users (id),
    key            TEXT,
    reason         TEXT,
    state          TEXT    NOT NULL,
    urgency        TEXT    NOT NULL,
    step           INTEGER NOT NULL,
    pass           INTEGER NOT NULL,
    next_due_at    INTEGER,
    started_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_step_at   INTEGER,
    note           TEXT,
    lease_owner    TEXT,
    lease_until    INTEGER,
    version        INTEGER NOT NULL DEFAULT 0
);
INSERT INTO escalation_runs_new (id, group_id, incident_id, service_id, policy_id, target_user_id, key, reason, state, urgency, step, pass,
                                 next_due_at, started_at, updated_at, last_step_at, note, lease_owner, lease_until, version)
    SELECT group_id, group_id, NULL, service_id, policy_id, NULL, NULL, NULL, state, urgency, step, pass,
           next_due_at, started_at, updated_at, last_step_at, note, lease_owner, lease_until, version
    FROM escalation_runs;
DROP TABLE escalation_runs;
ALTER TABLE escalation_runs_new RENAME TO escalation_runs;
CREATE INDEX ix_escalation_runs_due ON escalation_runs (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE UNIQUE INDEX ux_escalation_runs_group ON escalation_runs (group_id);
CREATE UNIQUE INDEX ux_escalation_runs_incident_key ON escalation_runs (incident_id, key);

CREATE TABLE deliveries_new (
    id                TEXT    NOT NULL PRIMARY KEY,
    run_id            TEXT    NOT NULL,
    group_id          TEXT    REFERENCES alert_groups (id),
    incident_id       TEXT    REFERENCES incidents (id),
    service_id        TEXT    REFERENCES services (id),
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
INSERT INTO deliveries_new (id, run_id, group_id, incident_id, service_id, user_id, contact_method_id, channel, target, step, pass, urgency, state,
                            attempts, due_at, created_at, last_attempt_at, sent_at, error, idempotency_key, sent_as, lease_owner, reason)
    SELECT id, group_id, group_id, NULL, service_id, user_id, contact_method_id, channel, target, step, pass, urgency, state,
           attempts, due_at, created_at, last_attempt_at, sent_at, error, idempotency_key, sent_as, lease_owner, reason
    FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX ix_deliveries_due ON deliveries (due_at) WHERE state IN ('queued', 'failed-temporary', 'sending');
CREATE INDEX ix_deliveries_group ON deliveries (group_id);
CREATE INDEX ix_deliveries_run ON deliveries (run_id);
CREATE INDEX ix_deliveries_incident ON deliveries (incident_id) WHERE incident_id IS NOT NULL;
CREATE INDEX ix_deliveries_sent_as ON deliveries (sent_as);
CREATE INDEX ix_deliveries_method_sent ON deliveries (contact_method_id, sent_at);
CREATE INDEX ix_deliveries_failed ON deliveries (state, id) WHERE state IN ('failed-temporary', 'failed-permanent');
