-- Incidents: each incident's own channels (chat webhooks, email addresses), beside the server-wide ones.
CREATE TABLE incident_channels (
    id          TEXT    NOT NULL PRIMARY KEY,
    incident_id TEXT    NOT NULL REFERENCES incidents (id),
    kind        TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    settings    TEXT,
    added_at    INTEGER NOT NULL,
    added_by    TEXT    NOT NULL
);
CREATE INDEX ix_incident_channels_incident ON incident_channels (incident_id);

-- The emergency line: who commands the incidents its submissions open (null: the agreement's creator).
ALTER TABLE emergency_agreements ADD COLUMN commander_id TEXT REFERENCES users (id);
