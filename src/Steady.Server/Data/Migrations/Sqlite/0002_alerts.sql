-- Alerts: groups, occurrences with dedup, their history, silences, maintenance windows, heartbeats.
ALTER TABLE services ADD COLUMN group_by TEXT NOT NULL DEFAULT '[]';
ALTER TABLE services ADD COLUMN group_window_seconds INTEGER NOT NULL DEFAULT 300;
ALTER TABLE services ADD COLUMN flap_threshold INTEGER NOT NULL DEFAULT 6;
ALTER TABLE services ADD COLUMN flap_window_seconds INTEGER NOT NULL DEFAULT 900;

CREATE TABLE alert_groups (
    id             TEXT    NOT NULL PRIMARY KEY,
    service_id     TEXT    NOT NULL REFERENCES services (id),
    group_key      TEXT    NOT NULL,
    labels         TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    is_open        INTEGER NOT NULL,
    opened_at      INTEGER NOT NULL,
    last_alert_at  INTEGER NOT NULL,
    resolved_at    INTEGER,
    alert_count    INTEGER NOT NULL,
    open_count     INTEGER NOT NULL,
    severity       TEXT    NOT NULL,
    flapping_until INTEGER,
    version        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_alert_groups_key ON alert_groups (service_id, group_key, last_alert_at);
CREATE INDEX ix_alert_groups_open ON alert_groups (is_open, id);

CREATE TABLE alerts (
    id                  TEXT    NOT NULL PRIMARY KEY,
    service_id          TEXT    NOT NULL REFERENCES services (id),
    group_id            TEXT    NOT NULL REFERENCES alert_groups (id),
    dedup_key           TEXT    NOT NULL,
    occurrence          INTEGER NOT NULL,
    previous_id         TEXT,
    status              TEXT    NOT NULL CHECK (status IN ('Triggered', 'Acknowledged', 'Resolved')),
    severity            TEXT    NOT NULL,
    summary             TEXT    NOT NULL,
    source              TEXT,
    labels              TEXT    NOT NULL,
    details             TEXT,
    links               TEXT,
    format              TEXT    NOT NULL,
    first_seen_at       INTEGER NOT NULL,
    last_seen_at        INTEGER NOT NULL,
    event_count         INTEGER NOT NULL,
    acknowledged_at     INTEGER,
    acknowledged_by_id  TEXT,
    acknowledged_by     TEXT,
    resolved_at         INTEGER,
    resolved_by_id      TEXT,
    resolved_by         TEXT,
    silenced_by         TEXT,
    maintenance_id      TEXT,
    flapping            INTEGER NOT NULL DEFAULT 0,
    version             INTEGER NOT NULL DEFAULT 0
);
-- At most one open occurrence per dedup key of a service.
CREATE UNIQUE INDEX ix_alerts_open_key ON alerts (service_id, dedup_key) WHERE status <> 'Resolved';
CREATE INDEX ix_alerts_key_occurrence ON alerts (service_id, dedup_key, occurrence);
CREATE INDEX ix_alerts_group ON alerts (group_id);
CREATE INDEX ix_alerts_status ON alerts (status, id);
CREATE INDEX ix_alerts_last_seen ON alerts (last_seen_at);

CREATE TABLE alert_events (
    id         TEXT    NOT NULL PRIMARY KEY,
    alert_id   TEXT    NOT NULL REFERENCES alerts (id),
    service_id TEXT    NOT NULL,
    dedup_key  TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    actor_id   TEXT,
    actor_name TEXT    NOT NULL,
    note       TEXT
);
CREATE INDEX ix_alert_events_alert ON alert_events (alert_id, at);
CREATE INDEX ix_alert_events_key ON alert_events (service_id, dedup_key, at);

CREATE TABLE silences (
    id            TEXT    NOT NULL PRIMARY KEY,
    service_id    TEXT    REFERENCES services (id),
    matchers      TEXT    NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    reason        TEXT    NOT NULL,
    created_by_id TEXT,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX ix_silences_ends ON silences (ends_at);

CREATE TABLE maintenance_windows (
    id            TEXT    NOT NULL PRIMARY KEY,
    service_id    TEXT    NOT NULL REFERENCES services (id),
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    reason        TEXT    NOT NULL,
    created_by_id TEXT,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX ix_maintenance_windows_service ON maintenance_windows (service_id, ends_at);

CREATE TABLE heartbeats (
    id               TEXT    NOT NULL PRIMARY KEY,
    service_id       TEXT    NOT NULL REFERENCES services (id),
    name             TEXT    NOT NULL,
    interval_seconds INTEGER NOT NULL,
    grace_seconds    INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    last_ping_at     INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    is_down          INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_heartbeats_name ON heartbeats (service_id, name);
CREATE INDEX ix_heartbeats_due ON heartbeats (due_at) WHERE is_down = 0;
