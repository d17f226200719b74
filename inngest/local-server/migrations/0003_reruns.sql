-- Runs started by "Rerun" point at the run they repeat.
ALTER TABLE runs ADD COLUMN rerun_of text;
CREATE INDEX runs_rerun_of_idx ON runs (rerun_of) WHERE rerun_of IS NOT NULL;
