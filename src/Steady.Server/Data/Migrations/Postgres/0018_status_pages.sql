-- Public status pages: pages, ordered groups of components (optionally linked to services), each
-- component's state history as intervals (the open one is its current state), public incidents with
-- their updates and the component states each update set.
CREATE TABLE status_pages (
    id          uuid          NOT NULL PRIMARY KEY,
    slug        text          NOT NULL UNIQUE,
    is_default  boolean       NOT NULL,
    name        text          NOT NULL,
    description text,
    logo_url    text,
    home_url    text,
    time_zone   text          NOT NULL,
    created_at  timestamptz   NOT NULL,
    changed_at  timestamptz   NOT NULL
);
CREATE UNIQUE INDEX ux_status_pages_default ON status_pages (is_default) WHERE is_default;

CREATE TABLE status_component_groups (
    id          uuid          NOT NULL PRIMARY KEY,
    page_id     uuid          NOT NULL REFERENCES status_pages (id),
    name        text          NOT NULL,
    position    integer       NOT NULL,
    created_at  timestamptz   NOT NULL,
    UNIQUE (page_id, name)
);

CREATE TABLE status_components (
    id          uuid          NOT NULL PRIMARY KEY,
    page_id     uuid          NOT NULL REFERENCES status_pages (id),
    group_id    uuid          REFERENCES status_component_groups (id),
    name        text          NOT NULL,
    description text,
    position    integer       NOT NULL,
    service_id  uuid          REFERENCES services (id),
    state       text          NOT NULL CHECK (state IN ('Operational', 'DegradedPerformance', 'PartialOutage', 'MajorOutage', 'UnderMaintenance')),
    created_at  timestamptz   NOT NULL,
    updated_at  timestamptz   NOT NULL,
    UNIQUE (page_id, name)
);
CREATE INDEX ix_status_components_group ON status_components (group_id);
CREATE INDEX ix_status_components_service ON status_components (service_id);

CREATE TABLE status_component_intervals (
    id           uuid         NOT NULL PRIMARY KEY,
    component_id uuid         NOT NULL REFERENCES status_components (id),
    state        text         NOT NULL CHECK (state IN ('Operational', 'DegradedPerformance', 'PartialOutage', 'MajorOutage', 'UnderMaintenance')),
    started_at   timestamptz  NOT NULL,
    ended_at     timestamptz
);
CREATE INDEX ix_status_component_intervals ON status_component_intervals (component_id, started_at);
CREATE UNIQUE INDEX ux_status_component_intervals_open ON status_component_intervals (component_id) WHERE ended_at IS NULL;

CREATE TABLE status_incidents (
    id          uuid          NOT NULL PRIMARY KEY,
    page_id     uuid          NOT NULL REFERENCES status_pages (id),
    incident_id uuid          REFERENCES incidents (id),
    title       text          NOT NULL,
    status      text          NOT NULL CHECK (status IN ('Investigating', 'Identified', 'Monitoring', 'Resolved')),
    impact      text          NOT NULL CHECK (impact IN ('none', 'minor', 'major', 'critical')),
    created_at  timestamptz   NOT NULL,
    updated_at  timestamptz   NOT NULL,
    resolved_at timestamptz
);
CREATE INDEX ix_status_incidents_page ON status_incidents (page_id, created_at);
CREATE UNIQUE INDEX ux_status_incidents_incident ON status_incidents (page_id, incident_id) WHERE incident_id IS NOT NULL;

CREATE TABLE status_incident_updates (
    id                 uuid   NOT NULL PRIMARY KEY,
    public_incident_id uuid   NOT NULL REFERENCES status_incidents (id),
    status             text   NOT NULL CHECK (status IN ('Investigating', 'Identified', 'Monitoring', 'Resolved')),
    body               text   NOT NULL,
    at                 timestamptz NOT NULL,
    author             text   NOT NULL
);
CREATE INDEX ix_status_incident_updates ON status_incident_updates (public_incident_id, at);

CREATE TABLE status_update_components (
    update_id    uuid         NOT NULL REFERENCES status_incident_updates (id),
    component_id uuid         NOT NULL REFERENCES status_components (id),
    old_state    text         NOT NULL CHECK (old_state IN ('Operational', 'DegradedPerformance', 'PartialOutage', 'MajorOutage', 'UnderMaintenance')),
    new_state    text         NOT NULL CHECK (new_state IN ('Operational', 'DegradedPerformance', 'PartialOutage', 'MajorOutage', 'UnderMaintenance')),
    PRIMARY KEY (update_id, component_id)
);
CREATE INDEX ix_status_update_components_component ON status_update_components (component_id);
