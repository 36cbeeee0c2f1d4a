-- Sends in flight: a delivery (and an incident message) handed to its channel carries when, until its outcome is
-- stored. One still marked when a node takes it over (its node died or stalled mid-send) may have reached the
-- receiver: it goes again under the same key, and the delivery counts the repeat.
ALTER TABLE deliveries ADD COLUMN sending_at timestamptz;
ALTER TABLE deliveries ADD COLUMN repeats integer NOT NULL DEFAULT 0;
ALTER TABLE incident_notices ADD COLUMN sending_at timestamptz;

-- Alert groups left open without an escalation run (open since before the paging engine, migration 10, when
-- nothing created runs for them) get one, due since the group opened: the engine pages them at once.
INSERT INTO escalation_runs (id, group_id, service_id, policy_id, state, urgency, step, pass, next_due_at, started_at, updated_at, version)
SELECT g.id, g.id, g.service_id, s.escalation_policy_id, 'active',
       CASE s.urgency WHEN 'high' THEN 'high' WHEN 'low' THEN 'low'
                      ELSE CASE WHEN g.severity IN ('Critical', 'Error') THEN 'high' ELSE 'low' END END,
       0, 0, g.opened_at, now(), now(), 0
FROM alert_groups g JOIN services s ON s.id = g.service_id
WHERE g.is_open AND s.escalation_policy_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM escalation_runs r WHERE r.group_id = g.id)
  AND EXISTS (SELECT 1 FROM alerts a WHERE a.group_id = g.id AND a.status = 'Triggered' AND a.silenced_by IS NULL AND a.maintenance_id IS NULL);
