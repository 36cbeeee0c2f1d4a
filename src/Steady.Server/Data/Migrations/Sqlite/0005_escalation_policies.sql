-- Escalation policies (steps as JSON with targets by id) and the policy each service pages through.
CREATE TABLE escalation_policies (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    team_id     TEXT    NOT NULL REFERENCES teams (id),
    description TEXT,
    repeat      INTEGER NOT NULL,
    steps       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_escalation_policies_name ON escalation_policies (lower(name));
ALTER TABLE services ADD COLUMN escalation_policy_id TEXT REFERENCES escalation_policies (id);
