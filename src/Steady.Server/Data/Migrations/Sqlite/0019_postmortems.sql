-- Postmortems (one per incident) and their action items, which outlive the incident.
CREATE TABLE postmortems (
    id                   TEXT    NOT NULL PRIMARY KEY,
    incident_id          TEXT    NOT NULL REFERENCES incidents (id),
    status               TEXT    NOT NULL CHECK (status IN ('Draft', 'InReview', 'Reviewed', 'Published')),
    owner_id             TEXT    REFERENCES users (id),
    due_at               INTEGER,
    summary              TEXT,
    impact               TEXT,
    "trigger"            TEXT,
    root_cause           TEXT,
    contributing_factors TEXT,
    detection            TEXT,
    resolution           TEXT,
    went_well            TEXT,
    went_wrong           TEXT,
    got_lucky            TEXT,
    timeline             TEXT    NOT NULL,
    responders           TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    created_by           TEXT    NOT NULL,
    updated_at           INTEGER NOT NULL,
    published_at         INTEGER,
    version              INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ux_postmortems_incident ON postmortems (incident_id);

CREATE TABLE action_items (
    id            TEXT    NOT NULL PRIMARY KEY,
    incident_id   TEXT    NOT NULL REFERENCES incidents (id),
    postmortem_id TEXT    REFERENCES postmortems (id),
    title         TEXT    NOT NULL,
    type          TEXT    NOT NULL CHECK (type IN ('Mitigate', 'Prevent', 'Process', 'Monitoring', 'Backup', 'Design')),
    owner_id      TEXT    NOT NULL REFERENCES users (id),
    priority      TEXT    NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
    due_at        INTEGER NOT NULL,
    ticket_url    TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('Open', 'InProgress', 'Done', 'NotDoing')),
    reason        TEXT,
    created_at    INTEGER NOT NULL,
    created_by    TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL,
    done_at       INTEGER,
    version       INTEGER NOT NULL DEFAULT 0,
    -- the due row of the follow-up: when the owner is next reminded (null once done or dropped), and how often they were
    next_reminder_at INTEGER,
    reminders_sent   INTEGER NOT NULL DEFAULT 0,
    CHECK (status <> 'NotDoing' OR reason IS NOT NULL)
);
CREATE INDEX ix_action_items_incident ON action_items (incident_id);
CREATE INDEX ix_action_items_owner ON action_items (owner_id, status);
CREATE INDEX ix_action_items_next_reminder ON action_items (next_reminder_at) WHERE next_reminder_at IS NOT NULL;
