-- Retainer clients' emergency lines: the written agreement, its secret intake key, and each submission with its triage incident.
CREATE TABLE emergency_agreements (
    id                   uuid NOT NULL PRIMARY KEY,
    client               text NOT NULL,
    covered_severities   text NOT NULL,
    hours                text NOT NULL,
    purpose              text NOT NULL,
    boundaries           text NOT NULL,
    service_id           uuid NOT NULL REFERENCES services (id),
    escalation_policy_id uuid NOT NULL REFERENCES escalation_policies (id),
    key                  text NOT NULL,
    created_at           timestamptz NOT NULL,
    created_by_id        uuid NOT NULL REFERENCES users (id),
    suspended_at         timestamptz,
    suspended_reason     text,
    reinstated_at        timestamptz
);
CREATE UNIQUE INDEX ix_emergency_agreements_key ON emergency_agreements (key);

CREATE TABLE emergency_submissions (
    id            uuid NOT NULL PRIMARY KEY,
    agreement_id  uuid NOT NULL REFERENCES emergency_agreements (id),
    submitted_at  timestamptz NOT NULL,
    contact_name  text NOT NULL,
    contact       text NOT NULL,
    description   text NOT NULL,
    incident_id   uuid NOT NULL REFERENCES incidents (id),
    misuse_at     timestamptz,
    misuse_by     text,
    misuse_reason text
);
CREATE INDEX ix_emergency_submissions_agreement ON emergency_submissions (agreement_id, submitted_at);
CREATE UNIQUE INDEX ix_emergency_submissions_incident ON emergency_submissions (incident_id);
