-- throttle: GCRA state per throttle key, and runs waiting for a start.
-- A key is "fn:{fnId}" or "fn:{fnId}:{key value}": each function throttles on
-- its own, even where two functions use the same key expression.
CREATE TABLE throttles (
  key     text PRIMARY KEY,
  fn_id   text NOT NULL,
  tat     double precision,                -- theoretical arrival time (ms since epoch); NULL: unused
  next_at timestamptz                      -- when the oldest waiting run may start; NULL: none waits
);
CREATE INDEX throttles_next_at_idx ON throttles (next_at) WHERE next_at IS NOT NULL;

-- A run's first call waits here (throttle_key set) until the throttle admits
-- it; then throttle_key is cleared and the item is ordinary due work.
ALTER TABLE queue ADD COLUMN throttle_key text;
CREATE INDEX queue_throttle_key_idx ON queue (throttle_key, id) WHERE throttle_key IS NOT NULL;

-- The key a run was throttled under (purge drops state no remaining run uses).
ALTER TABLE runs ADD COLUMN throttle_key text;
