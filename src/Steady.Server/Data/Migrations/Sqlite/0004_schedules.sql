-- On-call schedules: layers as JSON (rotations computed in local time), and overrides.
CREATE TABLE schedules (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    team_id     TEXT    NOT NULL REFERENCES teams (id),
    description TEXT,
    time_zone   TEXT    NOT NULL,
    layers      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_schedules_name ON schedules (lower(name));

CREATE TABLE schedule_overrides (
    id            TEXT    NOT NULL PRIMARY KEY,
    schedule_id   TEXT    NOT NULL REFERENCES schedules (id),
    user_id       TEXT    NOT NULL REFERENCES users (id),
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    created_by_id TEXT,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX ix_schedule_overrides_window ON schedule_overrides (schedule_id, ends_at);
