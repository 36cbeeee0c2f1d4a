-- Retainer clients' emergency lines: the written agreement, its secret intake key, and each submission with its triage incident.
CREATE TABLE emergency_agreements (
    id                   TEXT NOT NULL PRIMARY KEY,
    client               TEXT NOT NULL,
    covered_severities   TEXT NOT NULL,
    hours                TEXT NOT NULL,
    purpose              TEXT NOT NULL,
    boundaries           TEXT NOT NULL,
    service_id           TEXT NOT NULL REFERENCES services (id),
    escalation_policy_id TEXT NOT NULL REFERENCES escalation_policies (id),
    key                  TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    created_by_id        TEXT NOT NULL REFERENCES users (id),
    suspended_at         INTEGER,
    suspended_reason     TEXT,
    reinstated_at        INTEGER
);
CREATE UNIQUE INDEX ix_emergency_agreements_key ON emergency_agreements (key);

CREATE TABLE emergency_submissions (
    id            TEXT NOT NULL PRIMARY KEY,
    agreement_id  TEXT NOT NULL REFERENCES emergency_agreements (id),
    submitted_at  INTEGER NOT NULL,
    contact_name  TEXT NOT NULL,
    contact       TEXT NOT NULL,
    description   TEXT NOT NULL,
    incident_id   TEXT NOT NULL REFERENCES incidents (id),
    misuse_at     INTEGER,
    misuse_by     TEXT,
    misuse_reason TEXT
);
CREATE INDEX ix_emergency_submissions_agreement ON emergency_submissions (agreement_id, submitted_at);
CREATE UNIQUE INDEX ix_emergency_submissions_incident ON emergency_submissions (incident_id);
