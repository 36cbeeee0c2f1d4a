-- Public status pages: pages, ordered groups of components (optionally linked to services), each
-- component's state history as intervals (the open one is its current state), public incidents with
-- their updates and the component states each update set.
CREATE TABLE status_pages (
    id          TEXT          NOT NULL PRIMARY KEY,
    slug        TEXT          NOT NULL UNIQUE,
    is_default  INTEGER       NOT NULL,
    name        TEXT          NOT NULL,
    description TEXT,
    logo_url    TEXT,
    home_url    TEXT,
    time_zone   TEXT          NOT NULL,
    created_at  INTEGER       NOT NULL,
    changed_at  INTEGER       NOT NULL
);
CREATE UNIQUE INDEX ux_status_pages_default ON status_pages (is_default) WHERE is_default;

CREATE TABLE status_component_groups (
    id          TEXT          NOT NULL PRIMARY KEY,
    page_id     TEXT          NOT NULL REFERENCES status_pages (id),
    name        TEXT          NOT NULL,
    position    INTEGER       NOT NULL,
    created_at  INTEGER       NOT NULL,
    UNIQUE (page_id, name)
);

CREATE TABLE status_components (
    id          TEXT          NOT NULL PRIMARY KEY,
    page_id     TEXT          NOT NULL REFERENCES status_pages (id),
    group_id    TEXT          REFERENCES status_component_groups (id),
    name        TEXT          NOT NULL,
    description TEXT,
    position    INTEGER       NOT NULL,
    service_id  TEXT          REFERENCES services (id),
    state       TEXT          NOT NULL CHECK (state IN ('Operational', 'DegradedPerformance', 'PartialOutage', 'MajorOutage', 'UnderMaintenance')),
    created_at  INTEGER       NOT NULL,
    updated_at  INTEGER       NOT NULL,
    UNIQUE (page_id, name)
);
CREATE INDEX ix_status_components_group ON status_components (group_id);
CREATE INDEX ix_status_components_service ON status_components (service_id);

CREATE TABLE status_component_intervals (
    id           TEXT         NOT NULL PRIMARY KEY,
    component_id TEXT         NOT NULL REFERENCES status_components (id),
    state        TEXT         NOT NULL CHECK (state IN ('Operational', 'DegradedPerformance', 'PartialOutage', 'MajorOutage', 'UnderMaintenance')),
    started_at   INTEGER      NOT NULL,
    ended_at     INTEGER
);
CREATE INDEX ix_status_component_intervals ON status_component_intervals (component_id, started_at);
CREATE UNIQUE INDEX ux_status_component_intervals_open ON status_component_intervals (component_id) WHERE ended_at IS NULL;

CREATE TABLE status_incidents (
    id          TEXT          NOT NULL PRIMARY KEY,
    page_id     TEXT          NOT NULL REFERENCES status_pages (id),
    incident_id TEXT          REFERENCES incidents (id),
    title       TEXT          NOT NULL,
    status      TEXT          NOT NULL CHECK (status IN ('Investigating', 'Identified', 'Monitoring', 'Resolved')),
    impact      TEXT          NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
    created_at  INTEGER       NOT NULL,
    updated_at  INTEGER       NOT NULL,
    resolved_at INTEGER
);
CREATE INDEX ix_status_incidents_page ON status_incidents (page_id, created_at);
CREATE UNIQUE INDEX ux_status_incidents_incident ON status_incidents (page_id, incident_id) WHERE incident_id IS NOT NULL;

CREATE TABLE status_incident_updates (
    id                 TEXT   NOT NULL PRIMARY KEY,
    public_incident_id TEXT   NOT NULL REFERENCES status_incidents (id),
    status             TEXT   NOT NULL CHECK (status IN ('Investigating', 'Identified', 'Monitoring', 'Resolved')),
    body               TEXT   NOT NULL,
    at                 INTEGER NOT NULL,
    author             TEXT   NOT NULL
);
CREATE INDEX ix_status_incident_updates ON status_incident_updates (public_incident_id, at);

CREATE TABLE status_update_components (
    update_id    TEXT         NOT NULL REFERENCES status_incident_updates (id),
    component_id TEXT         NOT NULL REFERENCES status_components (id),
    old_state    TEXT         NOT NULL CHECK (old_state IN ('Operational', 'DegradedPerformance', 'PartialOutage', 'MajorOutage', 'UnderMaintenance')),
    new_state    TEXT         NOT NULL CHECK (new_state IN ('Operational', 'DegradedPerformance', 'PartialOutage', 'MajorOutage', 'UnderMaintenance')),
    PRIMARY KEY (update_id, component_id)
);
CREATE INDEX ix_status_update_components_component ON status_update_components (component_id);
