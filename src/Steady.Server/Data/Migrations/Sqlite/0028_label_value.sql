-- Nothing on SQLite: its json_extract is the label's value already (SteadyDb.LabelValue). PostgreSQL gets a function
-- of the same shape in its 0028.
SELECT 1;
