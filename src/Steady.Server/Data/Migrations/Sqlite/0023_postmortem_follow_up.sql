-- The follow-up of postmortems (their owner is reminded until they are reviewed, as action items' owners
-- are) and the claims of both: a node's follow-up pass claims the due rows it reminds of, with a lease,
-- as the outboxes' rows are claimed (Features/Paging/OutboxClaims.cs), so several nodes never remind twice.
-- And the postmortem's optional public summary, posted to the status page's incident when it is published.
ALTER TABLE postmortems ADD COLUMN next_reminder_at INTEGER;
ALTER TABLE postmortems ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE postmortems ADD COLUMN lease_owner TEXT;
ALTER TABLE postmortems ADD COLUMN lease_until INTEGER;
ALTER TABLE postmortems ADD COLUMN public_summary TEXT;
ALTER TABLE action_items ADD COLUMN lease_owner TEXT;
ALTER TABLE action_items ADD COLUMN lease_until INTEGER;
CREATE INDEX ix_postmortems_next_reminder ON postmortems (next_reminder_at) WHERE next_reminder_at IS NOT NULL;
CREATE INDEX ix_postmortems_lease ON postmortems (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX ix_action_items_lease ON action_items (lease_owner) WHERE lease_owner IS NOT NULL;
-- Postmortems being written when this arrives: their owner is reminded from their due date on.
UPDATE postmortems SET next_reminder_at = due_at WHERE status IN ('Draft', 'InReview') AND owner_id IS NOT NULL AND due_at IS NOT NULL;
