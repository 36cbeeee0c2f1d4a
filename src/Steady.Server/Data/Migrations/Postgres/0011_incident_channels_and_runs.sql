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

-- The paging engine runs incidents' pages too: an escalation run gets an id of its own (an alert
-- group's run keeps the group's id) and belongs to a group or to an incident; a delivery names the run
-- that planned it.
ALTER TABLE escalation_runs ADD COLUMN id uuid;
UPDATE escalation_runs SET id = group_id;
ALTER TABLE escalation_runs ALTER COLUMN id SET NOT NULL;
ALTER TABLE escalation_runs DROP CONSTRAINT escalation_runs_pkey;
ALTER TABLE escalation_runs ADD PRIMARY KEY (id);
ALTER TABLE escalation_runs ALTER COLUMN group_id DROP NOT NULL;
ALTER TABLE escalation_runs ALTER COLUMN service_id DROP NOT NULL;
ALTER TABLE escalation_runs ADD COLUMN incident_id uuid REFERENCES incidents (id);
ALTER TABLE escalation_runs ADD COLUMN target_user_id uuid REFERENCES users (id);
ALTER TABLE escalation_runs ADD COLUMN key text;
ALTER TABLE escalation_runs ADD COLUMN reason text;
CREATE UNIQUE INDEX ux_escalation_runs_group ON escalation_runs (group_id);
CREATE UNIQUE INDEX ux_escalation_runs_incident_key ON escalation_runs (incident_id, key);

ALTER TABLE deliveries ADD COLUMN run_id uuid;
UPDATE deliveries SET run_id = group_id;
ALTER TABLE deliveries ALTER COLUMN run_id SET NOT NULL;
ALTER TABLE deliveries ALTER COLUMN group_id DROP NOT NULL;
ALTER TABLE deliveries ALTER COLUMN service_id DROP NOT NULL;
ALTER TABLE deliveries ADD COLUMN incident_id uuid REFERENCES incidents (id);
CREATE INDEX ix_deliveries_run ON deliveries (run_id);
CREATE INDEX ix_deliveries_incident ON deliveries (incident_id) WHERE incident_id IS NOT NULL;
