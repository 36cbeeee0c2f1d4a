-- Accounts, teams, services, integration keys, API tokens and the audit log.
CREATE TABLE users (
    id            uuid        NOT NULL PRIMARY KEY,
    name          text        NOT NULL,
    email         text        NOT NULL,
    time_zone     text        NOT NULL,
    is_admin      boolean     NOT NULL DEFAULT false,
    password_hash text,
    created_at    timestamptz NOT NULL,
    disabled_at   timestamptz
);
CREATE UNIQUE INDEX ix_users_email ON users (email);

CREATE TABLE teams (
    id          uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    description text,
    created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX ix_teams_name ON teams (lower(name));

CREATE TABLE memberships (
    team_id    uuid        NOT NULL REFERENCES teams (id),
    user_id    uuid        NOT NULL REFERENCES users (id),
    role       text        NOT NULL CHECK (role IN ('Viewer', 'Responder', 'Admin')),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX ix_memberships_user ON memberships (user_id);

CREATE TABLE api_tokens (
    id           uuid        NOT NULL PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id),
    name         text        NOT NULL,
    prefix       text        NOT NULL,
    hash         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE UNIQUE INDEX ix_api_tokens_hash ON api_tokens (hash);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

CREATE TABLE services (
    id          uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    team_id     uuid        NOT NULL REFERENCES teams (id),
    description text,
    runbook_url text,
    created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX ix_services_name ON services (lower(name));
CREATE INDEX ix_services_team ON services (team_id);

CREATE TABLE integration_keys (
    id         uuid        NOT NULL PRIMARY KEY,
    service_id uuid        NOT NULL REFERENCES services (id),
    name       text        NOT NULL,
    key        text        NOT NULL,
    created_at timestamptz NOT NULL,
    created_by uuid,
    revoked_at timestamptz
);
CREATE UNIQUE INDEX ix_integration_keys_key ON integration_keys (key);
CREATE INDEX ix_integration_keys_service ON integration_keys (service_id);

CREATE TABLE audit_log (
    id          uuid        NOT NULL PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor_id    uuid,
    actor_name  text        NOT NULL,
    action      text        NOT NULL,
    entity_type text        NOT NULL,
    entity_id   text        NOT NULL,
    changes     text        NOT NULL
);
CREATE INDEX ix_audit_log_entity ON audit_log (entity_type, entity_id);

-- ASP.NET Core data protection keys (cookies, antiforgery), shared by every node.
CREATE TABLE data_protection_keys (
    id           uuid NOT NULL PRIMARY KEY,
    friendly_name text NOT NULL,
    xml          text NOT NULL
);
