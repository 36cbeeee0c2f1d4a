-- Stored JSON kept as clients sent it (alerts.details, incident_evidence.document) may hold an escaped
-- unpaired surrogate such as "\ud800" from before request text was checked; writing it back out made
-- responses fail. The repair (each such escape becomes \ufffd, U+FFFD) is code, run by the Migrator after
-- this file in the same transaction: Data/StoredText.cs, RepairAsync. Other text columns cannot hold an
-- unpaired surrogate: both drivers write one as U+FFFD or refuse it.
SELECT 1;
