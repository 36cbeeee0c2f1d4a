-- An action's observed effect can carry a verdict, against the effect expected: AsExpected, NoEffect or MadeWorse
-- (the enum's name, as the other enums are stored), or none. The postmortem draft proposes the actions that made
-- it worse as contributing factors.
ALTER TABLE incident_actions ADD COLUMN verdict TEXT;
