-- Secrets at rest: the data keys recoverable secrets are sealed with (AES-256-GCM), each wrapped by the
-- master key, which is never in the database (Steady:Secrets:Key or its key file; Data/SecretKeyring.cs).
-- The newest key not retired seals; retired ones still open what was sealed before a rotation.
CREATE TABLE secret_keys (
    id            TEXT    NOT NULL PRIMARY KEY,
    master_key_id TEXT    NOT NULL,
    wrapped       TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    retired_at    INTEGER
);

-- Integration keys and emergency-line keys are sealed like every secret, so a request's key is found by its
-- SHA-256. The hashes (and the sealing of every secret written before this version) are written at start,
-- once the master key is read (Data/SecretsStartup.cs).
DROP INDEX ix_integration_keys_key;
ALTER TABLE integration_keys ADD COLUMN key_hash TEXT;
CREATE UNIQUE INDEX ix_integration_keys_key_hash ON integration_keys (key_hash);

DROP INDEX ix_emergency_agreements_key;
ALTER TABLE emergency_agreements ADD COLUMN key_hash TEXT;
CREATE UNIQUE INDEX ix_emergency_agreements_key_hash ON emergency_agreements (key_hash);

-- The audit log kept the values of secrets (a contact method's address, a check's target with its
-- credentials), of deleted and replaced ones too. After this file, in the same transaction, code replaces
-- each such value by "(secret)" (Data/SecretColumns.cs, ScrubAuditAsync); from now on the log records that a
-- secret was set or changed, never its value.

-- An emergency-line incident's summary named the client's person and their contact ("Submitted by NAME
-- (CONTACT): ..."), which everyone signed in reads; the submission keeps them for the line's responders.
UPDATE incidents SET summary = 'Submitted through the emergency line: ' || (SELECT s.description FROM emergency_submissions s WHERE s.incident_id = incidents.id)
WHERE summary = (SELECT 'Submitted by ' || s.contact_name || ' (' || s.contact || '): ' || s.description FROM emergency_submissions s WHERE s.incident_id = incidents.id);
