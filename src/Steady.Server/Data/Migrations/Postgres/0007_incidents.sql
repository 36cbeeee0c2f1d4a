-- Incidents: severity, status, one commander, the timeline, updates, actions, evidence, cadence notices;
-- changes and freezes on services; each service's stabilization checklist.
ALTER TABLE services ADD COLUMN stabilization_checklist text NOT NULL DEFAULT '[]';

CREATE TABLE incidents (
    id                  uuid        NOT NULL PRIMARY KEY,
    number              integer     NOT NULL,
    title               text        NOT NULL,
    severity            text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('Triage', 'Mitigating', 'Mitigated', 'Resolved', 'Closed')),
    team_id             uuid        NOT NULL REFERENCES teams (id),
    summary             text,
    declared_at         timestamptz NOT NULL,
    declared_by_id      uuid,
    declared_by         text        NOT NULL,
    started_at          timestamptz NOT NULL,
    acknowledged_at     timestamptz,
    mitigated_at        timestamptz,
    resolved_at         timestamptz,
    closed_at           timestamptz,
    resolution_override text,
    last_update_at      timestamptz,
    next_update_due_at  timestamptz,
    cadence_done        text        NOT NULL DEFAULT 'None',
    submission_id       uuid,
    what_happened       text,
    what_was_done       text,
    failed_assumptions  text,
    what_should_change  text,
    cause               text,
    postmortem_required boolean     NOT NULL DEFAULT false,
    version             integer     NOT NULL DEFAULT 0
);
-- The organization's human numbers: #1, #2, ...
CREATE UNIQUE INDEX ix_incidents_number ON incidents (number);
CREATE INDEX ix_incidents_status ON incidents (status, id);
CREATE INDEX ix_incidents_next_update ON incidents (next_update_due_at) WHERE next_update_due_at IS NOT NULL;

CREATE TABLE incident_services (
    incident_id uuid NOT NULL REFERENCES incidents (id),
    service_id  uuid NOT NULL REFERENCES services (id),
    PRIMARY KEY (incident_id, service_id)
);
CREATE INDEX ix_incident_services_service ON incident_services (service_id);

CREATE TABLE incident_alerts (
    incident_id uuid        NOT NULL REFERENCES incidents (id),
    alert_id    uuid        NOT NULL REFERENCES alerts (id),
    linked_at   timestamptz NOT NULL,
    PRIMARY KEY (incident_id, alert_id)
);
CREATE INDEX ix_incident_alerts_alert ON incident_alerts (alert_id);

CREATE TABLE incident_roles (
    id          uuid        NOT NULL PRIMARY KEY,
    incident_id uuid        NOT NULL REFERENCES incidents (id),
    user_id     uuid        NOT NULL REFERENCES users (id),
    role        text        NOT NULL CHECK (role IN ('Commander', 'Responder', 'CommunicationsLead', 'Scribe')),
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    assigned_by text        NOT NULL
);
-- Exactly one Incident Commander at every moment: never two current ones.
CREATE UNIQUE INDEX ix_incident_roles_one_commander ON incident_roles (incident_id) WHERE role = 'Commander' AND ended_at IS NULL;
CREATE INDEX ix_incident_roles_incident ON incident_roles (incident_id);
CREATE INDEX ix_incident_roles_user ON incident_roles (user_id) WHERE ended_at IS NULL;

CREATE TABLE incident_timeline (
    id          uuid        NOT NULL PRIMARY KEY,
    incident_id uuid        NOT NULL REFERENCES incidents (id),
    at          timestamptz NOT NULL,
    kind        text        NOT NULL,
    text        text        NOT NULL,
    actor_id    uuid,
    actor_name  text,
    source      text,
    host        text,
    key         text,
    pinned      boolean     NOT NULL DEFAULT false,
    ref_id      uuid,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX ix_incident_timeline_at ON incident_timeline (incident_id, at);
-- Imported entries (journal, snapshots) are deduplicated by their key.
CREATE UNIQUE INDEX ix_incident_timeline_key ON incident_timeline (incident_id, key) WHERE key IS NOT NULL;

CREATE TABLE incident_updates (
    id             uuid        NOT NULL PRIMARY KEY,
    incident_id    uuid        NOT NULL REFERENCES incidents (id),
    at             timestamptz NOT NULL,
    known          text        NOT NULL,
    unknown        text,
    doing          text        NOT NULL,
    next_update_at timestamptz,
    visibility     text        NOT NULL CHECK (visibility IN ('Internal', 'Public')),
    author_id      uuid,
    author         text        NOT NULL,
    severity       text        NOT NULL,
    status         text        NOT NULL
);
CREATE INDEX ix_incident_updates_incident ON incident_updates (incident_id, at);

CREATE TABLE incident_actions (
    id              uuid        NOT NULL PRIMARY KEY,
    incident_id     uuid        NOT NULL REFERENCES incidents (id),
    intent          text        NOT NULL,
    expected_effect text        NOT NULL,
    decided_by      text        NOT NULL,
    decided_at      timestamptz NOT NULL,
    done_at         timestamptz,
    observed_effect text,
    observed_at     timestamptz,
    recorded_by     text        NOT NULL
);
CREATE INDEX ix_incident_actions_incident ON incident_actions (incident_id);

CREATE TABLE incident_evidence (
    id            uuid        NOT NULL PRIMARY KEY,
    incident_id   uuid        NOT NULL REFERENCES incidents (id),
    kind          text        NOT NULL,
    host          text,
    taken_at      timestamptz NOT NULL,
    added_at      timestamptz NOT NULL,
    added_by      text        NOT NULL,
    finding_count integer     NOT NULL,
    findings      text        NOT NULL,
    document      text        NOT NULL
);
CREATE INDEX ix_incident_evidence_incident ON incident_evidence (incident_id);

-- The incident's outbox: updates to its channels, cadence reminders, escalations and pages, once per key
-- (a restart never sends twice); due_at is set while a send is pending, cleared when it is done.
CREATE TABLE incident_notices (
    id          uuid NOT NULL PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    key         text NOT NULL,
    kind        text NOT NULL,
    recipient   text NOT NULL,
    title       text NOT NULL,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL,
    due_at      timestamptz,
    sent_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    outcome     text
);
CREATE INDEX ix_incident_notices_due ON incident_notices (due_at) WHERE due_at IS NOT NULL;
CREATE UNIQUE INDEX ix_incident_notices_key ON incident_notices (incident_id, key);

CREATE TABLE change_events (
    id          uuid        NOT NULL PRIMARY KEY,
    service_id  uuid        NOT NULL REFERENCES services (id),
    summary     text        NOT NULL,
    kind        text        NOT NULL,
    at          timestamptz NOT NULL,
    who         text        NOT NULL,
    link        text,
    recorded_at timestamptz NOT NULL,
    recorded_by text        NOT NULL
);
CREATE INDEX ix_change_events_service ON change_events (service_id, at);

CREATE TABLE service_freezes (
    id         uuid        NOT NULL PRIMARY KEY,
    service_id uuid        NOT NULL REFERENCES services (id),
    reason     text        NOT NULL,
    set_by     text        NOT NULL,
    set_at     timestamptz NOT NULL,
    until      timestamptz,
    lifted_at  timestamptz
);
CREATE INDEX ix_service_freezes_service ON service_freezes (service_id);
