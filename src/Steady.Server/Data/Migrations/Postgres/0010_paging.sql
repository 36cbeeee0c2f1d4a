-- The paging engine: an escalation run per alert group, one outbox of deliveries, used link nonces,
-- server secrets (the link-signing key), round-robin turns; and each service's urgency settings.
ALTER TABLE services ADD COLUMN urgency text NOT NULL DEFAULT 'severity';
ALTER TABLE services ADD COLUMN business_hours text;
ALTER TABLE services ADD COLUMN ack_timeout_seconds integer;

CREATE TABLE escalation_runs (
    group_id     uuid        NOT NULL PRIMARY KEY REFERENCES alert_groups (id),
    service_id   uuid        NOT NULL REFERENCES services (id),
    policy_id    uuid        NOT NULL,
    state        text        NOT NULL,
    urgency      text        NOT NULL,
    step         integer     NOT NULL,
    pass         integer     NOT NULL,
    next_due_at  timestamptz,
    started_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    last_step_at timestamptz,
    note         text,
    lease_owner  text,
    lease_until  timestamptz,
    version      integer     NOT NULL DEFAULT 0
);
CREATE INDEX ix_escalation_runs_due ON escalation_runs (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE deliveries (
    id                uuid        NOT NULL PRIMARY KEY,
    group_id          uuid        NOT NULL REFERENCES alert_groups (id),
    service_id        uuid        NOT NULL REFERENCES services (id),
    user_id           uuid        NOT NULL REFERENCES users (id),
    contact_method_id uuid,
    channel           text,
    target            text        NOT NULL,
    step              integer     NOT NULL,
    pass              integer     NOT NULL,
    urgency           text        NOT NULL,
    state             text        NOT NULL,
    attempts          integer     NOT NULL,
    due_at            timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    last_attempt_at   timestamptz,
    sent_at           timestamptz,
    error             text,
    idempotency_key   text        NOT NULL UNIQUE,
    sent_as           uuid,
    lease_owner       text,
    reason            text
);
CREATE INDEX ix_deliveries_due ON deliveries (due_at) WHERE state IN ('queued', 'failed-temporary', 'sending');
CREATE INDEX ix_deliveries_group ON deliveries (group_id);
CREATE INDEX ix_deliveries_sent_as ON deliveries (sent_as);
CREATE INDEX ix_deliveries_method_sent ON deliveries (contact_method_id, sent_at);
CREATE INDEX ix_deliveries_failed ON deliveries (state, id) WHERE state IN ('failed-temporary', 'failed-permanent');

CREATE TABLE used_links (
    nonce      text        NOT NULL PRIMARY KEY,
    used_at    timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE server_secrets (
    name       text        NOT NULL PRIMARY KEY,
    value      text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE round_robin_positions (
    team_id    uuid        NOT NULL PRIMARY KEY REFERENCES teams (id),
    next_index integer     NOT NULL
);
