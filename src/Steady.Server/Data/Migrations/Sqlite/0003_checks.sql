-- Built-in HTTP(S) and TCP checks, and their recent results.
CREATE TABLE checks (
    id                   TEXT    NOT NULL PRIMARY KEY,
    service_id           TEXT    NOT NULL REFERENCES services (id),
    name                 TEXT    NOT NULL,
    kind                 TEXT    NOT NULL CHECK (kind IN ('Http', 'Tcp')),
    target               TEXT    NOT NULL,
    interval_seconds     INTEGER NOT NULL,
    timeout_ms           INTEGER NOT NULL,
    expected_status      INTEGER,
    max_latency_ms       INTEGER,
    body_match           TEXT,
    severity             TEXT    NOT NULL,
    failures_to_alert    INTEGER NOT NULL,
    enabled              INTEGER NOT NULL,
    created_at           INTEGER NOT NULL,
    next_run_at          INTEGER NOT NULL,
    last_run_at          INTEGER,
    last_ok              INTEGER,
    last_message         TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    alerting             INTEGER NOT NULL DEFAULT 0,
    version              INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_checks_name ON checks (service_id, lower(name));
CREATE INDEX ix_checks_due ON checks (next_run_at) WHERE enabled = 1;

CREATE TABLE check_results (
    id          TEXT    NOT NULL PRIMARY KEY,
    check_id    TEXT    NOT NULL REFERENCES checks (id),
    at          INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    latency_ms  INTEGER NOT NULL,
    status_code INTEGER,
    message     TEXT    NOT NULL
);
CREATE INDEX ix_check_results_check ON check_results (check_id, at);
