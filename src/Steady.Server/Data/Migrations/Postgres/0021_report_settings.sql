-- Reports: each team's holidays and compensation rates (rates stay empty until an admin sets them).
-- The reports themselves read alerts, deliveries, incidents and schedules and add no index to the hot paths.
CREATE TABLE team_report_settings (
    team_id                 uuid           NOT NULL PRIMARY KEY REFERENCES teams (id),
    currency                text,
    on_call_hour            numeric(18, 4) NOT NULL DEFAULT 0,
    off_hour_interruption   numeric(18, 4) NOT NULL DEFAULT 0,
    sleep_hour_interruption numeric(18, 4) NOT NULL DEFAULT 0,
    weekend_multiplier      numeric(18, 4) NOT NULL DEFAULT 1,
    holiday_multiplier      numeric(18, 4) NOT NULL DEFAULT 1,
    holidays                text           NOT NULL DEFAULT '[]',
    updated_at              timestamptz    NOT NULL,
    version                 integer        NOT NULL DEFAULT 0
);
