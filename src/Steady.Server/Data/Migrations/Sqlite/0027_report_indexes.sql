-- The reports (Features/Reports) read the alerts' history by kind: acknowledgements (a group's first one, for the
-- response report; who acknowledged what in a period, for the on-call report) and flapping marks (the noise report).
-- Without these, each report read every event of the year (2.4 million with a million alerts) to find them. They are
-- partial: intake writes "triggered" and "resolved" events into none of them; only a person's acknowledgement (or a
-- flapping mark) adds an entry.
CREATE INDEX ix_alert_events_acknowledged_alert ON alert_events (alert_id, at) WHERE kind = 'acknowledged';
CREATE INDEX ix_alert_events_acknowledged_at ON alert_events (at, actor_id, alert_id) WHERE kind = 'acknowledged';
CREATE INDEX ix_alert_events_flapping_at ON alert_events (at) WHERE kind = 'flapping';
