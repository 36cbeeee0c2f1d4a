-- Incidents: each incident's own channels (chat webhooks, email addresses), beside the server-wide ones.
CREATE TABLE incident_channels (
    id          uuid        NOT NULL PRIMARY KEY,
    incident_id uuid        NOT NULL REFERENCES incidents (id),
    kind        text        NOT NULL,
    address     text        NOT NULL,
    settings    text,
    added_at    timestamptz NOT NULL,
    added_by    text        NOT NULL
);
CREATE INDEX ix_incident_channels_incident ON incident_channels (incident_id);

-- The emergency line: who commands the incidents its submissions open (null: the agreement's creator).
ALTER TABLE emergency_agreements ADD COLUMN commander_id uuid REFERENCES users (id);
