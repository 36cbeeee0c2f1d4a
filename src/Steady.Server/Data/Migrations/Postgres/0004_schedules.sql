-- On-call schedules: layers as JSON (rotations computed in local time), and overrides.
CREATE TABLE schedules (
    id          uuid        NOT NULL PRIMARY KEY,
    name        text        NOT NULL,
    team_id     uuid        NOT NULL REFERENCES teams (id),
    description text,
    time_zone   text        NOT NULL,
    layers      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    version     integer     NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_schedules_name ON schedules (lower(name));

CREATE TABLE schedule_overrides (
    id            uuid        NOT NULL PRIMARY KEY,
    schedule_id   uuid        NOT NULL REFERENCES schedules (id),
    user_id       uuid        NOT NULL REFERENCES users (id),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    created_by_id uuid,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX ix_schedule_overrides_window ON schedule_overrides (schedule_id, ends_at);
