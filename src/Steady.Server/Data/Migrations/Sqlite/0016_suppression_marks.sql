-- A silence or maintenance window marks alerts only while it is on. applied_at: when it covered the
-- alerts already open as it started (null: not started yet); lifted_at: when its mark came off its
-- alerts after it ended (null: not yet). The worker that does both finds the next one by these
-- partial indexes, and the marked alerts by theirs.
ALTER TABLE silences ADD COLUMN applied_at INTEGER;
ALTER TABLE silences ADD COLUMN lifted_at INTEGER;
ALTER TABLE maintenance_windows ADD COLUMN applied_at INTEGER;
ALTER TABLE maintenance_windows ADD COLUMN lifted_at INTEGER;

-- Those that started as they were made covered the open alerts then; those that ended and mark no
-- open alert have nothing to lift. The others (ended, still marking open alerts) are lifted by the
-- worker when it first runs: their alerts that are still triggered page then.
UPDATE silences SET applied_at = created_at WHERE starts_at <= created_at;
UPDATE maintenance_windows SET applied_at = created_at WHERE starts_at <= created_at;
UPDATE silences SET lifted_at = ends_at
WHERE ends_at <= CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
  AND id NOT IN (SELECT silenced_by FROM alerts WHERE silenced_by IS NOT NULL AND status <> 'Resolved');
UPDATE maintenance_windows SET lifted_at = ends_at
WHERE ends_at <= CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)
  AND id NOT IN (SELECT maintenance_id FROM alerts WHERE maintenance_id IS NOT NULL AND status <> 'Resolved');

CREATE INDEX ix_silences_unapplied ON silences (starts_at) WHERE applied_at IS NULL;
CREATE INDEX ix_silences_unlifted ON silences (ends_at) WHERE lifted_at IS NULL;
CREATE INDEX ix_maintenance_windows_unapplied ON maintenance_windows (starts_at) WHERE applied_at IS NULL;
CREATE INDEX ix_maintenance_windows_unlifted ON maintenance_windows (ends_at) WHERE lifted_at IS NULL;
CREATE INDEX ix_alerts_silenced_by ON alerts (silenced_by) WHERE silenced_by IS NOT NULL;
CREATE INDEX ix_alerts_maintenance ON alerts (maintenance_id) WHERE maintenance_id IS NOT NULL;
