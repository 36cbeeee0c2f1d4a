-- Scheduled backups (Features/Backups/BackupWorker.cs): one row says when the next backup is due, which node is
-- taking it (a claim with a lease, as the outboxes' rows are claimed, so on several nodes one node takes each
-- backup), and how the last ones went (shown on /metrics and the console; too old a last success raises Steady's
-- own alert, once, until a backup succeeds again).
CREATE TABLE backup_state (
    id               integer PRIMARY KEY,
    next_due_at      timestamptz,
    lease_owner      text,
    lease_until      timestamptz,
    last_success_at  timestamptz,
    last_file        text,
    last_bytes       bigint,
    last_failure_at  timestamptz,
    last_error       text,
    failures         integer NOT NULL DEFAULT 0,
    overdue_alerted  boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL
);
