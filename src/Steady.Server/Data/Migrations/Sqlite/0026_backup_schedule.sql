-- Scheduled backups (Features/Backups/BackupWorker.cs): one row says when the next backup is due, which node is
-- taking it (a claim with a lease, as the outboxes' rows are claimed, so on several nodes one node takes each
-- backup), and how the last ones went (shown on /metrics and the console; too old a last success raises Steady's
-- own alert, once, until a backup succeeds again).
CREATE TABLE backup_state (
    id               INTEGER PRIMARY KEY,
    next_due_at      INTEGER,
    lease_owner      TEXT,
    lease_until      INTEGER,
    last_success_at  INTEGER,
    last_file        TEXT,
    last_bytes       INTEGER,
    last_failure_at  INTEGER,
    last_error       TEXT,
    failures         INTEGER NOT NULL DEFAULT 0,
    overdue_alerted  INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);
