-- Secrets the server makes for itself. `form_tokens` keys the dashboard's
-- form tokens (CSRF); kept here so a page opened before a restart still
-- submits after it.
CREATE TABLE secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
