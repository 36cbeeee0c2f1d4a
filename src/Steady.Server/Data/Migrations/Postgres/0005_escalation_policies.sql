-- Escalation policies (steps as JSON with targets by id) and the policy each service pages through.
CREATE TABLE escalation_policies (
    id          uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    team_id     uuid        NOT NULL REFERENCES teams (id),
    description text,
    repeat      integer     NOT NULL,
    steps       text        NOT NULL,
    created_at  timestamptz NOT NULL,
    version     integer     NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_escalation_policies_name ON escalation_policies (lower(name));
ALTER TABLE services ADD COLUMN escalation_policy_id uuid REFERENCES escalation_policies (id);
