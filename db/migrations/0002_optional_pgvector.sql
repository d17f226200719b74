-- Optional vector search (docs/memory-retrieval.md). pgvector ships with the embedded
-- PGlite but not with every server (Debian's PostgreSQL 15 has no package), so the
-- extension and the embeddings table are created only where the extension is available,
-- and only if this role may create it. Elsewhere this migration does nothing and
-- retrieval uses text search alone; lib/memory/retrieval/vector.ts detects which case holds.
--
-- The column is dimension-agnostic `vector` (any embedding model); rows of one model share
-- a dimension, and queries filter by user, model and dimension before an exact scan.
-- Not in db/schema.ts on purpose: drizzle-kit would then create it unconditionally.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    BEGIN
      EXECUTE 'CREATE EXTENSION IF NOT EXISTS vector';
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pgvector is available but this role may not create it; vector search stays off';
      RETURN;
    END;
    EXECUTE $sql$
      CREATE TABLE IF NOT EXISTS memory_embeddings (
        memory_id uuid PRIMARY KEY REFERENCES memories(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        model text NOT NULL,
        embedding vector NOT NULL,
        embedded_at timestamp with time zone NOT NULL DEFAULT now()
      )
    $sql$;
    EXECUTE 'CREATE INDEX IF NOT EXISTS memory_embeddings_user_id_model_idx ON memory_embeddings (user_id, model)';
  END IF;
END
$$;
