-- Alerts: groups, occurrences with dedup, their history, silences, maintenance windows, heartbeats.
ALTER TABLE services ADD COLUMN group_by text NOT NULL DEFAULT '[]';
ALTER TABLE services ADD COLUMN group_window_seconds integer NOT NULL DEFAULT 300;
ALTER TABLE services ADD COLUMN flap_threshold integer NOT NULL DEFAULT 6;
ALTER TABLE services ADD COLUMN flap_window_seconds integer NOT NULL DEFAULT 900;

CREATE TABLE alert_groups (
    id             uuid    NOT NULL PRIMARY KEY,
    service_id     uuid    NOT NULL REFERENCES services (id),
    group_key      text    NOT NULL,
    labels         text    NOT NULL,
    title          text    NOT NULL,
    is_open        boolean NOT NULL,
    opened_at      timestamptz NOT NULL,
    last_alert_at  timestamptz NOT NULL,
    resolved_at    timestamptz,
    alert_count    integer NOT NULL,
    open_count     integer NOT NULL,
    severity       text    NOT NULL,
    flapping_until timestamptz,
    version        integer NOT NULL DEFAULT 0
);
CREATE INDEX ix_alert_groups_key ON alert_groups (service_id, group_key, last_alert_at);
CREATE INDEX ix_alert_groups_open ON alert_groups (is_open, id);

CREATE TABLE alerts (
    id                  uuid    NOT NULL PRIMARY KEY,
    service_id          uuid    NOT NULL REFERENCES services (id),
    group_id            uuid    NOT NULL REFERENCES alert_groups (id),
    dedup_key           text    NOT NULL,
    occurrence          integer NOT NULL,
    previous_id         uuid,
    status              text    NOT NULL CHECK (status IN ('Triggered', 'Acknowledged', 'Resolved')),
    severity            text    NOT NULL,
    summary             text    NOT NULL,
    source              text,
    labels              text    NOT NULL,
    details             text,
    links               text,
    format              text    NOT NULL,
    first_seen_at       timestamptz NOT NULL,
    last_seen_at        timestamptz NOT NULL,
    event_count         integer NOT NULL,
    acknowledged_at     timestamptz,
    acknowledged_by_id  uuid,
    acknowledged_by     text,
    resolved_at         timestamptz,
    resolved_by_id      uuid,
    resolved_by         text,
    silenced_by         uuid,
    maintenance_id      uuid,
    flapping            boolean NOT NULL DEFAULT false,
    version             integer NOT NULL DEFAULT 0
);
-- At most one open occurrence per dedup key of a service.
CREATE UNIQUE INDEX ix_alerts_open_key ON alerts (service_id, dedup_key) WHERE status <> 'Resolved';
CREATE INDEX ix_alerts_key_occurrence ON alerts (service_id, dedup_key, occurrence);
CREATE INDEX ix_alerts_group ON alerts (group_id);
CREATE INDEX ix_alerts_status ON alerts (status, id);
CREATE INDEX ix_alerts_last_seen ON alerts (last_seen_at);

CREATE TABLE alert_events (
    id         uuid    NOT NULL PRIMARY KEY,
    alert_id   uuid    NOT NULL REFERENCES alerts (id),
    service_id uuid    NOT NULL,
    dedup_key  text    NOT NULL,
    at         timestamptz NOT NULL,
    kind       text    NOT NULL,
    actor_id   uuid,
    actor_name text    NOT NULL,
    note       text
);
CREATE INDEX ix_alert_events_alert ON alert_events (alert_id, at);
CREATE INDEX ix_alert_events_key ON alert_events (service_id, dedup_key, at);

CREATE TABLE silences (
    id            uuid    NOT NULL PRIMARY KEY,
    service_id    uuid    REFERENCES services (id),
    matchers      text    NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    reason        text    NOT NULL,
    created_by_id uuid,
    created_by    text    NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX ix_silences_ends ON silences (ends_at);

CREATE TABLE maintenance_windows (
    id            uuid    NOT NULL PRIMARY KEY,
    service_id    uuid    NOT NULL REFERENCES services (id),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    reason        text    NOT NULL,
    created_by_id uuid,
    created_by    text    NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX ix_maintenance_windows_service ON maintenance_windows (service_id, ends_at);

CREATE TABLE heartbeats (
    id               uuid    NOT NULL PRIMARY KEY,
    service_id       uuid    NOT NULL REFERENCES services (id),
    name             text    NOT NULL,
    interval_seconds integer NOT NULL,
    grace_seconds    integer NOT NULL,
    created_at       timestamptz NOT NULL,
    last_ping_at     timestamptz NOT NULL,
    due_at           timestamptz NOT NULL,
    is_down          boolean NOT NULL DEFAULT false,
    version          integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_heartbeats_name ON heartbeats (service_id, name);
CREATE INDEX ix_heartbeats_due ON heartbeats (due_at) WHERE NOT is_down;
