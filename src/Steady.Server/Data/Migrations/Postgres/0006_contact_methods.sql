-- How each person is reached, and their personal notification rules.
CREATE TABLE contact_methods (
    id          uuid        NOT NULL PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id),
    kind        text        NOT NULL,
    label       text        NOT NULL,
    address     text        NOT NULL,
    settings    text,
    created_at  timestamptz NOT NULL,
    verified_at timestamptz
);
CREATE INDEX ix_contact_methods_user ON contact_methods (user_id);

CREATE TABLE notification_rules (
    id                uuid        NOT NULL PRIMARY KEY,
    user_id           uuid        NOT NULL REFERENCES users (id),
    contact_method_id uuid        NOT NULL REFERENCES contact_methods (id),
    delay_minutes     integer     NOT NULL,
    urgency           text        NOT NULL CHECK (urgency IN ('high', 'low', 'any')),
    created_at        timestamptz NOT NULL
);
CREATE INDEX ix_notification_rules_user ON notification_rules (user_id);
