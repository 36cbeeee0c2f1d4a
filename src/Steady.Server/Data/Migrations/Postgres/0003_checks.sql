-- Built-in HTTP(S) and TCP checks, and their recent results.
CREATE TABLE checks (
    id                   uuid        NOT NULL PRIMARY KEY,
    service_id           uuid        NOT NULL REFERENCES services (id),
    name                 text        NOT NULL,
    kind                 text        NOT NULL CHECK (kind IN ('Http', 'Tcp')),
    target               text        NOT NULL,
    interval_seconds     integer     NOT NULL,
    timeout_ms           integer     NOT NULL,
    expected_status      integer,
    max_latency_ms       integer,
    body_match           text,
    severity             text        NOT NULL,
    failures_to_alert    integer     NOT NULL,
    enabled              boolean     NOT NULL,
    created_at           timestamptz NOT NULL,
    next_run_at          timestamptz NOT NULL,
    last_run_at          timestamptz,
    last_ok              boolean,
    last_message         text,
    consecutive_failures integer     NOT NULL DEFAULT 0,
    alerting             boolean     NOT NULL DEFAULT false,
    version              integer     NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_checks_name ON checks (service_id, lower(name));
CREATE INDEX ix_checks_due ON checks (next_run_at) WHERE enabled;

CREATE TABLE check_results (
    id          uuid        NOT NULL PRIMARY KEY,
    check_id    uuid        NOT NULL REFERENCES checks (id),
    at          timestamptz NOT NULL,
    ok          boolean     NOT NULL,
    latency_ms  integer     NOT NULL,
    status_code integer,
    message     text        NOT NULL
);
CREATE INDEX ix_check_results_check ON check_results (check_id, at);
