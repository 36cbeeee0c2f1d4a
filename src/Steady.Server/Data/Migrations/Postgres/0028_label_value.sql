-- One label's value in a labels column (text holding a JSON object), as a function of the database's own, so that
-- queries name it (SteadyDb.LabelValue) instead of the model carrying a translation of its own: the report worker's
-- model is compiled ahead of time (CompiledModel/), and a compiled model holds no custom translations. A plain SQL function that
-- is immutable and not strict: the planner inlines it into the query as the expression itself.
CREATE OR REPLACE FUNCTION steady_label_value(labels text, path text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT jsonb_extract_path_text(labels::jsonb, path) $$;
