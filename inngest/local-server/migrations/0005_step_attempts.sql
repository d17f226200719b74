-- Each attempt of a step that was retried or failed (a step that succeeded
-- at once has none: its row in `steps` says it all), for the run page's
-- timeline: when each attempt ran and why it failed.
CREATE TABLE step_attempts (
  run_id     text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  hashed_id  text NOT NULL,
  attempt    integer NOT NULL,                -- 1-based
  started_at timestamptz NOT NULL,
  ended_at   timestamptz NOT NULL DEFAULT now(),
  error      jsonb,                           -- null: this attempt succeeded
  PRIMARY KEY (run_id, hashed_id, attempt)
);
