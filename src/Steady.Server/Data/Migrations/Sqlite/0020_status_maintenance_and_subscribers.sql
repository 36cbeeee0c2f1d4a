-- Status pages, second part: private pages (signed-in people, or a secret link whose key is kept as a
-- hash) and pages on their own host name; scheduled maintenance with its components, updates and the
-- alert maintenance windows it made, whose next_due_at is the worker's due row; subscribers (email with
-- double opt-in, webhooks), the broadcasts written with each change and fanned out a batch at a time,
-- and the notices (one per subscriber and broadcast or confirmation), claimed and sent with retries.
ALTER TABLE status_pages ADD COLUMN is_private INTEGER NOT NULL DEFAULT 0;
ALTER TABLE status_pages ADD COLUMN access_key_hash TEXT;
ALTER TABLE status_pages ADD COLUMN host_name TEXT;
CREATE UNIQUE INDEX ux_status_pages_host ON status_pages (host_name) WHERE host_name IS NOT NULL;

CREATE TABLE status_maintenances (
    id             TEXT    NOT NULL PRIMARY KEY,
    page_id        TEXT    NOT NULL REFERENCES status_pages (id),
    title          TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('Scheduled', 'InProgress', 'Verifying', 'Completed')),
    starts_at      INTEGER NOT NULL,
    ends_at        INTEGER NOT NULL,
    notice_minutes INTEGER NOT NULL,
    silence_alerts INTEGER NOT NULL,
    reminded_at    INTEGER,
    started_at     INTEGER,
    completed_at   INTEGER,
    next_due_at    INTEGER,
    created_at     INTEGER NOT NULL,
    created_by     TEXT    NOT NULL,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_status_maintenances_page ON status_maintenances (page_id, starts_at);
CREATE INDEX ix_status_maintenances_due ON status_maintenances (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE status_maintenance_components (
    maintenance_id TEXT NOT NULL REFERENCES status_maintenances (id),
    component_id   TEXT NOT NULL REFERENCES status_components (id),
    PRIMARY KEY (maintenance_id, component_id)
);
CREATE INDEX ix_status_maintenance_components_component ON status_maintenance_components (component_id);

CREATE TABLE status_maintenance_updates (
    id             TEXT    NOT NULL PRIMARY KEY,
    maintenance_id TEXT    NOT NULL REFERENCES status_maintenances (id),
    status         TEXT    NOT NULL CHECK (status IN ('Scheduled', 'InProgress', 'Verifying', 'Completed')),
    body           TEXT    NOT NULL,
    at             INTEGER NOT NULL,
    author         TEXT    NOT NULL
);
CREATE INDEX ix_status_maintenance_updates ON status_maintenance_updates (maintenance_id, at);

CREATE TABLE status_maintenance_windows (
    maintenance_id TEXT NOT NULL REFERENCES status_maintenances (id),
    window_id      TEXT NOT NULL REFERENCES maintenance_windows (id),
    PRIMARY KEY (maintenance_id, window_id)
);

CREATE TABLE status_subscribers (
    id              TEXT    NOT NULL PRIMARY KEY,
    page_id         TEXT    NOT NULL REFERENCES status_pages (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('Email', 'Webhook')),
    address         TEXT    NOT NULL,
    address_key     TEXT    NOT NULL,
    components      TEXT,
    state           TEXT    NOT NULL CHECK (state IN ('Pending', 'Active', 'Failed')),
    confirm_nonce   TEXT,
    confirm_sent_at INTEGER,
    confirmed_at    INTEGER,
    failed_reason   TEXT,
    failed_at       INTEGER,
    created_at      INTEGER NOT NULL,
    created_by      TEXT,
    UNIQUE (page_id, kind, address_key)
);
CREATE INDEX ix_status_subscribers_page ON status_subscribers (page_id, state, id);

CREATE TABLE status_broadcasts (
    id            TEXT    NOT NULL PRIMARY KEY,
    page_id       TEXT    NOT NULL REFERENCES status_pages (id),
    kind          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    webhook       TEXT    NOT NULL,
    component_ids TEXT,
    webhook_only  INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    due_at        INTEGER,
    fanout_cursor TEXT,
    recipients    INTEGER NOT NULL DEFAULT 0,
    lease_owner   TEXT,
    UNIQUE (page_id, key)
);
CREATE INDEX ix_status_broadcasts_due ON status_broadcasts (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX ix_status_broadcasts_lease ON status_broadcasts (lease_owner) WHERE lease_owner IS NOT NULL;

CREATE TABLE status_notices (
    id            TEXT    NOT NULL PRIMARY KEY,
    subscriber_id TEXT    NOT NULL REFERENCES status_subscribers (id),
    broadcast_id  TEXT    REFERENCES status_broadcasts (id),
    kind          TEXT    NOT NULL,
    confirm_nonce TEXT,
    created_at    INTEGER NOT NULL,
    due_at        INTEGER,
    sent_at       INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT,
    lease_owner   TEXT
);
CREATE UNIQUE INDEX ux_status_notices_broadcast ON status_notices (broadcast_id, subscriber_id) WHERE broadcast_id IS NOT NULL;
CREATE INDEX ix_status_notices_subscriber ON status_notices (subscriber_id);
CREATE INDEX ix_status_notices_due ON status_notices (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX ix_status_notices_lease ON status_notices (lease_owner) WHERE lease_owner IS NOT NULL;
