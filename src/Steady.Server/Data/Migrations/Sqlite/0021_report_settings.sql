-- Reports: each team's holidays and compensation rates (rates stay empty until an admin sets them).
-- The reports themselves read alerts, deliveries, incidents and schedules and add no index to the hot paths.
CREATE TABLE team_report_settings (
    team_id                 TEXT    NOT NULL PRIMARY KEY REFERENCES teams (id),
    currency                TEXT,
    on_call_hour            TEXT    NOT NULL DEFAULT '0',
    off_hour_interruption   TEXT    NOT NULL DEFAULT '0',
    sleep_hour_interruption TEXT    NOT NULL DEFAULT '0',
    weekend_multiplier      TEXT    NOT NULL DEFAULT '1',
    holiday_multiplier      TEXT    NOT NULL DEFAULT '1',
    holidays                TEXT    NOT NULL DEFAULT '[]',
    updated_at              INTEGER NOT NULL,
    version                 INTEGER NOT NULL DEFAULT 0
);
