-- The engine reads back what it just claimed by its claim token (the lease owner). Without an index
-- that read scanned the whole table: with 50,000 open alerts every claim of one run or one delivery
-- read 50,000 rows. Only rows being worked on have an owner, so the indexes stay small.
CREATE INDEX ix_escalation_runs_lease ON escalation_runs (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX ix_deliveries_lease ON deliveries (lease_owner) WHERE lease_owner IS NOT NULL;

-- "Does this group still have a triggered (or acknowledged) alert?" is asked for every step the engine
-- runs. With only (group_id) and (status, id) to choose from, SQLite, not knowing how many ids the list
-- holds, read every triggered alert through the status index. One index on both answers it exactly;
-- it serves every lookup by group the old one did.
DROP INDEX ix_alerts_group;
CREATE INDEX ix_alerts_group_status ON alerts (group_id, status);
