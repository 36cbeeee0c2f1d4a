-- How each person is reached, and their personal notification rules.
CREATE TABLE contact_methods (
    id          TEXT    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL,
    label       TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    settings    TEXT,
    created_at  INTEGER NOT NULL,
    verified_at INTEGER
);
CREATE INDEX ix_contact_methods_user ON contact_methods (user_id);

CREATE TABLE notification_rules (
    id                TEXT    NOT NULL PRIMARY KEY,
    user_id           TEXT    NOT NULL REFERENCES users (id),
    contact_method_id TEXT    NOT NULL REFERENCES contact_methods (id),
    delay_minutes     INTEGER NOT NULL,
    urgency           TEXT    NOT NULL CHECK (urgency IN ('high', 'low', 'any')),
    created_at        INTEGER NOT NULL
);
CREATE INDEX ix_notification_rules_user ON notification_rules (user_id);
