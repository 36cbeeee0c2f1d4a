-- Status pages, second part: private pages (signed-in people, or a secret link whose key is kept as a
-- hash) and pages on their own host name; scheduled maintenance with its components, updates and the
-- alert maintenance windows it made, whose next_due_at is the worker's due row; subscribers (email with
-- double opt-in, webhooks), the broadcasts written with each change and fanned out a batch at a time,
-- and the notices (one per subscriber and broadcast or confirmation), claimed and sent with retries.
ALTER TABLE status_pages ADD COLUMN is_private boolean NOT NULL DEFAULT false;
ALTER TABLE status_pages ADD COLUMN access_key_hash text;
ALTER TABLE status_pages ADD COLUMN host_name text;
CREATE UNIQUE INDEX ux_status_pages_host ON status_pages (host_name) WHERE host_name IS NOT NULL;

CREATE TABLE status_maintenances (
    id             uuid    NOT NULL PRIMARY KEY,
    page_id        uuid    NOT NULL REFERENCES status_pages (id),
    title          text    NOT NULL,
    status         text    NOT NULL CHECK (status IN ('Scheduled', 'InProgress', 'Verifying', 'Completed')),
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    notice_minutes integer NOT NULL,
    silence_alerts boolean NOT NULL,
    reminded_at    timestamptz,
    started_at     timestamptz,
    completed_at   timestamptz,
    next_due_at    timestamptz,
    created_at     timestamptz NOT NULL,
    created_by     text    NOT NULL,
    updated_at     timestamptz NOT NULL,
    version        integer NOT NULL DEFAULT 0
);
CREATE INDEX ix_status_maintenances_page ON status_maintenances (page_id, starts_at);
CREATE INDEX ix_status_maintenances_due ON status_maintenances (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE status_maintenance_components (
    maintenance_id uuid NOT NULL REFERENCES status_maintenances (id),
    component_id   uuid NOT NULL REFERENCES status_components (id),
    PRIMARY KEY (maintenance_id, component_id)
);
CREATE INDEX ix_status_maintenance_components_component ON status_maintenance_components (component_id);

CREATE TABLE status_maintenance_updates (
    id             uuid    NOT NULL PRIMARY KEY,
    maintenance_id uuid    NOT NULL REFERENCES status_maintenances (id),
    status         text    NOT NULL CHECK (status IN ('Scheduled', 'InProgress', 'Verifying', 'Completed')),
    body           text    NOT NULL,
    at             timestamptz NOT NULL,
    author         text    NOT NULL
);
CREATE INDEX ix_status_maintenance_updates ON status_maintenance_updates (maintenance_id, at);

CREATE TABLE status_maintenance_windows (
    maintenance_id uuid NOT NULL REFERENCES status_maintenances (id),
    window_id      uuid NOT NULL REFERENCES maintenance_windows (id),
    PRIMARY KEY (maintenance_id, window_id)
);

CREATE TABLE status_subscribers (
    id              uuid    NOT NULL PRIMARY KEY,
    page_id         uuid    NOT NULL REFERENCES status_pages (id),
    kind            text    NOT NULL CHECK (kind IN ('Email', 'Webhook')),
    address         text    NOT NULL,
    address_key     text    NOT NULL,
    components      text,
    state           text    NOT NULL CHECK (state IN ('Pending', 'Active', 'Failed')),
    confirm_nonce   text,
    confirm_sent_at timestamptz,
    confirmed_at    timestamptz,
    failed_reason   text,
    failed_at       timestamptz,
    created_at      timestamptz NOT NULL,
    created_by      text,
    UNIQUE (page_id, kind, address_key)
);
CREATE INDEX ix_status_subscribers_page ON status_subscribers (page_id, state, id);

CREATE TABLE status_broadcasts (
    id            uuid    NOT NULL PRIMARY KEY,
    page_id       uuid    NOT NULL REFERENCES status_pages (id),
    kind          text    NOT NULL,
    key           text    NOT NULL,
    subject       text    NOT NULL,
    body          text    NOT NULL,
    webhook       text    NOT NULL,
    component_ids text,
    webhook_only  boolean NOT NULL,
    created_at    timestamptz NOT NULL,
    due_at        timestamptz,
    fanout_cursor uuid,
    recipients    integer NOT NULL DEFAULT 0,
    lease_owner   text,
    UNIQUE (page_id, key)
);
CREATE INDEX ix_status_broadcasts_due ON status_broadcasts (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX ix_status_broadcasts_lease ON status_broadcasts (lease_owner) WHERE lease_owner IS NOT NULL;

CREATE TABLE status_notices (
    id            uuid    NOT NULL PRIMARY KEY,
    subscriber_id uuid    NOT NULL REFERENCES status_subscribers (id),
    broadcast_id  uuid    REFERENCES status_broadcasts (id),
    kind          text    NOT NULL,
    confirm_nonce text,
    created_at    timestamptz NOT NULL,
    due_at        timestamptz,
    sent_at       timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    outcome       text,
    lease_owner   text
);
CREATE UNIQUE INDEX ux_status_notices_broadcast ON status_notices (broadcast_id, subscriber_id) WHERE broadcast_id IS NOT NULL;
CREATE INDEX ix_status_notices_subscriber ON status_notices (subscriber_id);
CREATE INDEX ix_status_notices_due ON status_notices (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX ix_status_notices_lease ON status_notices (lease_owner) WHERE lease_owner IS NOT NULL;
