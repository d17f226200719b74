-- pg_trgm powers fuzzy memory search. It ships with PGlite and with postgresql-contrib.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
