-- State of the local Inngest server. Applied with search_path set to the
-- server's own schema (default inngest_local), so names here are unqualified.

-- Apps that synced, and the function configs they reported.
CREATE TABLE apps (
  app_id      text PRIMARY KEY,
  url         text NOT NULL,
  sdk         text,
  framework   text,
  config_hash text NOT NULL,
  synced_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE functions (
  fn_id        text PRIMARY KEY,              -- "{appId}-{fnId}", as the SDK routes calls
  app_id       text NOT NULL REFERENCES apps (app_id) ON DELETE CASCADE,
  name         text NOT NULL,
  config       jsonb NOT NULL,                -- verbatim from the SDK
  config_error text,                          -- why the function cannot run here, if it cannot
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX functions_app_id_idx ON functions (app_id);

-- Every event received, including duplicates (marked, never routed).
CREATE TABLE events (
  id           text PRIMARY KEY,              -- internal ULID, answered to the sender
  name         text NOT NULL,
  payload      jsonb NOT NULL,                -- the event exactly as functions receive it
  user_id      text,                          -- the sender's own `id`, if any
  duplicate_of text,                          -- earlier event with the same user_id (24 h window)
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_received_at_idx ON events (received_at);

-- User-supplied event ids seen in the last 24 h.
CREATE TABLE event_ids (
  user_id    text PRIMARY KEY,
  event_id   text NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE runs (
  id                text PRIMARY KEY,         -- ULID: sorts by creation
  fn_id             text NOT NULL,
  fn_name           text NOT NULL,
  event_id          text NOT NULL,
  event             jsonb NOT NULL,           -- sent as `event` and `events: [event]`
  status            text NOT NULL,            -- queued | running | completed | failed | cancelled
  max_attempts      integer NOT NULL,         -- per step: the function's retries + 1
  req_version       integer NOT NULL DEFAULT -1,  -- -1 lets the SDK choose, then we echo its choice
  disable_immediate boolean NOT NULL DEFAULT false, -- set for good after a parallel plan
  ck1 text, cl1 integer, ck2 text, cl2 integer, -- evaluated concurrency keys and limits
  retries           integer NOT NULL DEFAULT 0,
  output            jsonb,
  error             jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  ended_at          timestamptz
);
CREATE INDEX runs_fn_id_idx ON runs (fn_id, id);
CREATE INDEX runs_event_id_idx ON runs (event_id);
CREATE INDEX runs_active_idx ON runs (fn_id) WHERE status IN ('queued', 'running');

-- Memoized step results: the durable state replayed to the SDK. Written once
-- (INSERT … ON CONFLICT DO NOTHING); seq gives the completion order (ctx.stack).
CREATE TABLE memos (
  run_id     text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  hashed_id  text NOT NULL,
  seq        bigserial,
  memo       jsonb NOT NULL,                  -- {"data": …} or {"error": …}
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, hashed_id)
);

-- Step history for the runs page (names, attempts, last error, timings).
CREATE TABLE steps (
  run_id     text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  hashed_id  text NOT NULL,
  name       text NOT NULL,
  op         text NOT NULL,
  status     text NOT NULL,                   -- planned | retrying | sleeping | waiting | completed | failed
  attempts   integer NOT NULL DEFAULT 0,
  error      jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at   timestamptz,
  PRIMARY KEY (run_id, hashed_id)
);

-- Work: calls to the app (step_id 'step' = discover/continue, else a hashed
-- step id), sleeps and waitForEvent timeouts. A worker leases an item by
-- setting leased_until; an expired lease means the worker died and the item is
-- taken again. lease_id fences a late result from a superseded lease.
CREATE TABLE queue (
  id                 text PRIMARY KEY,
  run_id             text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kind               text NOT NULL,           -- call | sleep | wait
  step_id            text NOT NULL,
  attempt            integer NOT NULL DEFAULT 0,
  transport_failures integer NOT NULL DEFAULT 0,
  last_error         text,
  run_at             timestamptz NOT NULL DEFAULT now(),
  leased_until       timestamptz,
  lease_id           text,
  ck1 text, cl1 integer, ck2 text, cl2 integer,
  UNIQUE (run_id, step_id)
);
CREATE INDEX queue_run_at_idx ON queue (run_at);
CREATE INDEX queue_ck1_idx ON queue (ck1) WHERE ck1 IS NOT NULL;
CREATE INDEX queue_ck2_idx ON queue (ck2) WHERE ck2 IS NOT NULL;

-- step.waitForEvent registrations.
CREATE TABLE waits (
  run_id     text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  hashed_id  text NOT NULL,
  event_name text NOT NULL,
  if_expr    text,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (run_id, hashed_id)
);
CREATE INDEX waits_event_name_idx ON waits (event_name);

-- One pending debounced run per (function, key): the latest event wins.
CREATE TABLE debounces (
  fn_id    text NOT NULL,
  key      text NOT NULL,
  event_id text NOT NULL,
  event    jsonb NOT NULL,
  first_at timestamptz NOT NULL DEFAULT now(),
  run_at   timestamptz NOT NULL,
  PRIMARY KEY (fn_id, key)
);

CREATE TABLE idempotency_keys (
  fn_id      text NOT NULL,
  key        text NOT NULL,
  run_id     text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (fn_id, key)
);

-- Next tick of each cron trigger.
CREATE TABLE crons (
  fn_id   text NOT NULL,
  cron    text NOT NULL,
  next_at timestamptz NOT NULL,
  PRIMARY KEY (fn_id, cron)
);
