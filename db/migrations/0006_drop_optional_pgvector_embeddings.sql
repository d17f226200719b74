-- The optional pgvector-only memory_embeddings of 0002 (a dimension-less `vector` column)
-- gives way to one table on every database (next migration: real[], model and dimensions
-- per row; pgvector, where present, indexes it through a cast). Its rows are derived data:
-- the re-embed function (inngest/functions/reembed-memories.ts) rebuilds them.
-- The extension itself stays where 0002 created it.
DROP TABLE IF EXISTS memory_embeddings;
