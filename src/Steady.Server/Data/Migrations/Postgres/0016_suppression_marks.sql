-- A silence or maintenance window marks alerts only while it is on. applied_at: when it covered the
-- alerts already open as it started (null: not started yet); lifted_at: when its mark came off its
-- alerts after it ended (null: not yet). The worker that does both finds the next one by these
-- partial indexes, and the marked alerts by theirs.
ALTER TABLE silences ADD COLUMN applied_at timestamptz;
ALTER TABLE silences ADD COLUMN lifted_at timestamptz;
ALTER TABLE maintenance_windows ADD COLUMN applied_at timestamptz;
ALTER TABLE maintenance_windows ADD COLUMN lifted_at timestamptz;

-- Those that started as they were made covered the open alerts then; those that ended and mark no
-- open alert have nothing to lift. The others (ended, still marking open alerts) are lifted by the
-- worker when it first runs: their alerts that are still triggered page then.
UPDATE silences SET applied_at = created_at WHERE starts_at <= created_at;
UPDATE maintenance_windows SET applied_at = created_at WHERE starts_at <= created_at;
UPDATE silences s SET lifted_at = s.ends_at
WHERE s.ends_at <= now()
  AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.silenced_by = s.id AND a.status <> 'Resolved');
UPDATE maintenance_windows m SET lifted_at = m.ends_at
WHERE m.ends_at <= now()
  AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.maintenance_id = m.id AND a.status <> 'Resolved');

CREATE INDEX ix_silences_unapplied ON silences (starts_at) WHERE applied_at IS NULL;
CREATE INDEX ix_silences_unlifted ON silences (ends_at) WHERE lifted_at IS NULL;
CREATE INDEX ix_maintenance_windows_unapplied ON maintenance_windows (starts_at) WHERE applied_at IS NULL;
CREATE INDEX ix_maintenance_windows_unlifted ON maintenance_windows (ends_at) WHERE lifted_at IS NULL;
CREATE INDEX ix_alerts_silenced_by ON alerts (silenced_by) WHERE silenced_by IS NOT NULL;
CREATE INDEX ix_alerts_maintenance ON alerts (maintenance_id) WHERE maintenance_id IS NOT NULL;
