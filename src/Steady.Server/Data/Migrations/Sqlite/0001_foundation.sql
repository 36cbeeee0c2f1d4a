-- Accounts, teams, services, integration keys, API tokens and the audit log.
-- Ids are UUIDv7 text; instants are UTC microseconds since 1970.
CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    time_zone     TEXT    NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
);
CREATE UNIQUE INDEX ix_users_email ON users (email);

CREATE TABLE teams (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_teams_name ON teams (lower(name));

CREATE TABLE memberships (
    team_id    TEXT    NOT NULL REFERENCES teams (id),
    user_id    TEXT    NOT NULL REFERENCES users (id),
    role       TEXT    NOT NULL CHECK (role IN ('Viewer', 'Responder', 'Admin')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX ix_memberships_user ON memberships (user_id);

CREATE TABLE api_tokens (
    id           TEXT    NOT NULL PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id),
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    hash         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
CREATE UNIQUE INDEX ix_api_tokens_hash ON api_tokens (hash);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

CREATE TABLE services (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    team_id     TEXT    NOT NULL REFERENCES teams (id),
    description TEXT,
    runbook_url TEXT,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_services_name ON services (lower(name));
CREATE INDEX ix_services_team ON services (team_id);

CREATE TABLE integration_keys (
    id         TEXT    NOT NULL PRIMARY KEY,
    service_id TEXT    NOT NULL REFERENCES services (id),
    name       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT,
    revoked_at INTEGER
);
CREATE UNIQUE INDEX ix_integration_keys_key ON integration_keys (key);
CREATE INDEX ix_integration_keys_service ON integration_keys (service_id);

CREATE TABLE audit_log (
    id          TEXT    NOT NULL PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    TEXT,
    actor_name  TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    entity_type TEXT    NOT NULL,
    entity_id   TEXT    NOT NULL,
    changes     TEXT    NOT NULL
);
CREATE INDEX ix_audit_log_entity ON audit_log (entity_type, entity_id);

-- ASP.NET Core data protection keys (cookies, antiforgery), shared by every node.
CREATE TABLE data_protection_keys (
    id           TEXT NOT NULL PRIMARY KEY,
    friendly_name TEXT NOT NULL,
    xml          TEXT NOT NULL
);
