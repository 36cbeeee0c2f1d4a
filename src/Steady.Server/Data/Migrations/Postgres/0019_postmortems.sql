-- Postmortems (one per incident) and their action items, which outlive the incident.
CREATE TABLE postmortems (
    id                   uuid    NOT NULL PRIMARY KEY,
    incident_id          uuid    NOT NULL REFERENCES incidents (id),
    status               text    NOT NULL CHECK (status IN ('Draft', 'InReview', 'Reviewed', 'Published')),
    owner_id             uuid    REFERENCES users (id),
    due_at               timestamptz,
    summary              text,
    impact               text,
    "trigger"            text,
    root_cause           text,
    contributing_factors text,
    detection            text,
    resolution           text,
    went_well            text,
    went_wrong           text,
    got_lucky            text,
    timeline             text    NOT NULL,
    responders           text    NOT NULL,
    created_at           timestamptz NOT NULL,
    created_by           text    NOT NULL,
    updated_at           timestamptz NOT NULL,
    published_at         timestamptz,
    version              integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ux_postmortems_incident ON postmortems (incident_id);

CREATE TABLE action_items (
    id            uuid    NOT NULL PRIMARY KEY,
    incident_id   uuid    NOT NULL REFERENCES incidents (id),
    postmortem_id uuid    REFERENCES postmortems (id),
    title         text    NOT NULL,
    type          text    NOT NULL CHECK (type IN ('Mitigate', 'Prevent', 'Process', 'Monitoring', 'Backup', 'Design')),
    owner_id      uuid    NOT NULL REFERENCES users (id),
    priority      text    NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
    due_at        timestamptz NOT NULL,
    ticket_url    text,
    status        text    NOT NULL CHECK (status IN ('Open', 'InProgress', 'Done', 'NotDoing')),
    reason        text,
    created_at    timestamptz NOT NULL,
    created_by    text    NOT NULL,
    updated_at    timestamptz NOT NULL,
    done_at       timestamptz,
    version       integer NOT NULL DEFAULT 0,
    -- the due row of the follow-up: when the owner is next reminded (null once done or dropped), and how often they were
    next_reminder_at timestamptz,
    reminders_sent   integer NOT NULL DEFAULT 0,
    CHECK (status <> 'NotDoing' OR reason IS NOT NULL)
);
CREATE INDEX ix_action_items_incident ON action_items (incident_id);
CREATE INDEX ix_action_items_owner ON action_items (owner_id, status);
CREATE INDEX ix_action_items_next_reminder ON action_items (next_reminder_at) WHERE next_reminder_at IS NOT NULL;
