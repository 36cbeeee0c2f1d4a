-- An incident's messages (updates to its channels, reminders) are claimed by the node that sends them,
-- as escalation runs and deliveries are: a claim names its node, so the claims of a process that died
-- are taken back at once (by the next process on SQLite, by the nodes still alive on PostgreSQL)
-- instead of when their two-minute lease runs out.
ALTER TABLE incident_notices ADD COLUMN lease_owner text;
CREATE INDEX ix_incident_notices_lease ON incident_notices (lease_owner) WHERE lease_owner IS NOT NULL;
