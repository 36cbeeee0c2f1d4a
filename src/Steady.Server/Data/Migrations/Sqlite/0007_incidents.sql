-- Incidents: severity, status, one commander, the timeline, updates, actions, evidence, cadence notices;
-- changes and freezes on services; each service's stabilization checklist.
ALTER TABLE services ADD COLUMN stabilization_checklist TEXT NOT NULL DEFAULT '[]';

CREATE TABLE incidents (
    id                  TEXT        NOT NULL PRIMARY KEY,
    number              INTEGER     NOT NULL,
    title               TEXT        NOT NULL,
    severity            TEXT        NOT NULL,
    status              TEXT        NOT NULL CHECK (status IN ('Triage', 'Mitigating', 'Mitigated', 'Resolved', 'Closed')),
    team_id             TEXT        NOT NULL REFERENCES teams (id),
    summary             TEXT,
    declared_at         INTEGER     NOT NULL,
    declared_by_id      TEXT,
    declared_by         TEXT        NOT NULL,
    started_at          INTEGER     NOT NULL,
    acknowledged_at     INTEGER    ,
    mitigated_at        INTEGER    ,
    resolved_at         INTEGER    ,
    closed_at           INTEGER    ,
    resolution_override TEXT,
    last_update_at      INTEGER    ,
    next_update_due_at  INTEGER    ,
    cadence_done        TEXT        NOT NULL DEFAULT 'None',
    submission_id       TEXT,
    what_happened       TEXT,
    what_was_done       TEXT,
    failed_assumptions  TEXT,
    what_should_change  TEXT,
    cause               TEXT,
    postmortem_required INTEGER     NOT NULL DEFAULT 0,
    version             INTEGER     NOT NULL DEFAULT 0
);
-- The organization's human numbers: #1, #2, ...
CREATE UNIQUE INDEX ix_incidents_number ON incidents (number);
CREATE INDEX ix_incidents_status ON incidents (status, id);
CREATE INDEX ix_incidents_next_update ON incidents (next_update_due_at) WHERE next_update_due_at IS NOT NULL;

CREATE TABLE incident_services (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    service_id  TEXT NOT NULL REFERENCES services (id),
    PRIMARY KEY (incident_id, service_id)
);
CREATE INDEX ix_incident_services_service ON incident_services (service_id);

CREATE TABLE incident_alerts (
    incident_id TEXT        NOT NULL REFERENCES incidents (id),
    alert_id    TEXT        NOT NULL REFERENCES alerts (id),
    linked_at   INTEGER     NOT NULL,
    PRIMARY KEY (incident_id, alert_id)
);
CREATE INDEX ix_incident_alerts_alert ON incident_alerts (alert_id);

CREATE TABLE incident_roles (
    id          TEXT        NOT NULL PRIMARY KEY,
    incident_id TEXT        NOT NULL REFERENCES incidents (id),
    user_id     TEXT        NOT NULL REFERENCES users (id),
    role        TEXT        NOT NULL CHECK (role IN ('Commander', 'Responder', 'CommunicationsLead', 'Scribe')),
    started_at  INTEGER     NOT NULL,
    ended_at    INTEGER    ,
    assigned_by TEXT        NOT NULL
);
-- Exactly one Incident Commander at every moment: never two current ones.
CREATE UNIQUE INDEX ix_incident_roles_one_commander ON incident_roles (incident_id) WHERE role = 'Commander' AND ended_at IS NULL;
CREATE INDEX ix_incident_roles_incident ON incident_roles (incident_id);
CREATE INDEX ix_incident_roles_user ON incident_roles (user_id) WHERE ended_at IS NULL;

CREATE TABLE incident_timeline (
    id          TEXT        NOT NULL PRIMARY KEY,
    incident_id TEXT        NOT NULL REFERENCES incidents (id),
    at          INTEGER     NOT NULL,
    kind        TEXT        NOT NULL,
    text        TEXT        NOT NULL,
    actor_id    TEXT,
    actor_name  TEXT,
    source      TEXT,
    host        TEXT,
    key         TEXT,
    pinned      INTEGER     NOT NULL DEFAULT 0,
    ref_id      TEXT,
    recorded_at INTEGER     NOT NULL
);
CREATE INDEX ix_incident_timeline_at ON incident_timeline (incident_id, at);
-- Imported entries (journal, snapshots) are deduplicated by their key.
CREATE UNIQUE INDEX ix_incident_timeline_key ON incident_timeline (incident_id, key) WHERE key IS NOT NULL;

CREATE TABLE incident_updates (
    id             TEXT        NOT NULL PRIMARY KEY,
    incident_id    TEXT        NOT NULL REFERENCES incidents (id),
    at             INTEGER     NOT NULL,
    known          TEXT        NOT NULL,
    unknown        TEXT,
    doing          TEXT        NOT NULL,
    next_update_at INTEGER    ,
    visibility     TEXT        NOT NULL CHECK (visibility IN ('Internal', 'Public')),
    author_id      TEXT,
    author         TEXT        NOT NULL,
    severity       TEXT        NOT NULL,
    status         TEXT        NOT NULL
);
CREATE INDEX ix_incident_updates_incident ON incident_updates (incident_id, at);

CREATE TABLE incident_actions (
    id              TEXT        NOT NULL PRIMARY KEY,
    incident_id     TEXT        NOT NULL REFERENCES incidents (id),
    intent          TEXT        NOT NULL,
    expected_effect TEXT        NOT NULL,
    decided_by      TEXT        NOT NULL,
    decided_at      INTEGER     NOT NULL,
    done_at         INTEGER    ,
    observed_effect TEXT,
    observed_at     INTEGER    ,
    recorded_by     TEXT        NOT NULL
);
CREATE INDEX ix_incident_actions_incident ON incident_actions (incident_id);

CREATE TABLE incident_evidence (
    id            TEXT        NOT NULL PRIMARY KEY,
    incident_id   TEXT        NOT NULL REFERENCES incidents (id),
    kind          TEXT        NOT NULL,
    host          TEXT,
    taken_at      INTEGER     NOT NULL,
    added_at      INTEGER     NOT NULL,
    added_by      TEXT        NOT NULL,
    finding_count INTEGER     NOT NULL,
    findings      TEXT        NOT NULL,
    document      TEXT        NOT NULL
);
CREATE INDEX ix_incident_evidence_incident ON incident_evidence (incident_id);

-- The incident's outbox: updates to its channels, cadence reminders, escalations and pages, once per key
-- (a restart never sends twice); due_at is set while a send is pending, cleared when it is done.
CREATE TABLE incident_notices (
    id          TEXT NOT NULL PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    key         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    due_at      INTEGER,
    sent_at     INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT
);
CREATE INDEX ix_incident_notices_due ON incident_notices (due_at) WHERE due_at IS NOT NULL;
CREATE UNIQUE INDEX ix_incident_notices_key ON incident_notices (incident_id, key);

CREATE TABLE change_events (
    id          TEXT        NOT NULL PRIMARY KEY,
    service_id  TEXT        NOT NULL REFERENCES services (id),
    summary     TEXT        NOT NULL,
    kind        TEXT        NOT NULL,
    at          INTEGER     NOT NULL,
    who         TEXT        NOT NULL,
    link        TEXT,
    recorded_at INTEGER     NOT NULL,
    recorded_by TEXT        NOT NULL
);
CREATE INDEX ix_change_events_service ON change_events (service_id, at);

CREATE TABLE service_freezes (
    id         TEXT        NOT NULL PRIMARY KEY,
    service_id TEXT        NOT NULL REFERENCES services (id),
    reason     TEXT        NOT NULL,
    set_by     TEXT        NOT NULL,
    set_at     INTEGER     NOT NULL,
    until      INTEGER    ,
    lifted_at  INTEGER    
);
CREATE INDEX ix_service_freezes_service ON service_freezes (service_id);
