-- A service's group_by NULL means "not set": its alerts follow the sender's own grouping (Alertmanager's
-- group; each dedup key alone for PagerDuty events, generic alerts, heartbeats and checks). '[]' keeps
-- every alert of the service in one group, as it is set explicitly from now on. Until now '[]' was the
-- default nobody chose, so existing services with it move to the new default (see README).
ALTER TABLE services ADD COLUMN group_by_set TEXT;
UPDATE services SET group_by_set = group_by WHERE group_by <> '[]';
ALTER TABLE services DROP COLUMN group_by;
ALTER TABLE services RENAME COLUMN group_by_set TO group_by;

-- A delivery is a step's page, or tells the person who acknowledged a group about a new alert in it.
ALTER TABLE deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'page';
ALTER TABLE deliveries ADD COLUMN alert_id TEXT REFERENCES alerts (id);
CREATE INDEX ix_deliveries_alert ON deliveries (alert_id) WHERE alert_id IS NOT NULL;
