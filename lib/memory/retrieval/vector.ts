import type { EmbeddingModel } from "ai";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { DbOrTx } from "@/db/queries/memories";
import { env } from "@/lib/env";
import { ACTIVE, MEMORY_COLUMNS, toCandidateRows, type CandidateRow } from "./queries";

/**
 * Optional vector search over pgvector. The extension and the
 * memory_embeddings table exist only where migration 0002 found pgvector
 * (the embedded PGlite has it; Debian's PostgreSQL 15 does not), so every
 * caller asks detectVectorSupport() first and degrades to text search.
 */

export interface VectorSupport {
  /** pgvector is installed in this database. */
  extension: boolean;
  /** memory_embeddings exists (migration 0002 ran with pgvector present). */
  table: boolean;
  /** Both: embeddings can be stored and searched. */
  available: boolean;
}

// Per database handle, i.e. per pool (getDb() keeps one per pool): one process
// may talk to several databases (tests, bench). A negative answer is
// re-checked now and then, so installing pgvector and re-running the
// migration takes effect without a restart.
const NEGATIVE_TTL_MS = 5 * 60_000;
const supportByDb = new WeakMap<Database, { value: Promise<VectorSupport>; checkedAt: number }>();

export async function detectVectorSupport(db: Database): Promise<VectorSupport> {
  const cached = supportByDb.get(db);
  if (cached) {
    const value = await cached.value;
    if (value.available || Date.now() - cached.checkedAt < NEGATIVE_TTL_MS) return value;
  }
  const value = (async (): Promise<VectorSupport> => {
    const { rows } = await db.execute<{ extension: boolean; table: boolean }>(sql`
      select exists (select 1 from pg_extension where extname = 'vector') as "extension",
             to_regclass('memory_embeddings') is not null as "table"`);
    const row = rows[0];
    const extension = row?.extension === true;
    const table = row?.table === true;
    return { extension, table, available: extension && table };
  })();
  supportByDb.set(db, { value, checkedAt: Date.now() });
  // A failed check is not an answer: forget it so the next call asks again.
  value.catch(() => supportByDb.delete(db));
  return value;
}

/** Forgets cached detection results (tests that change the database under a live pool). */
export function resetVectorSupportCache(db: Database): void {
  supportByDb.delete(db);
}

/** The name stored with each embedding: vectors of different models are never compared. */
export function embeddingModelId(model: EmbeddingModel): string {
  return typeof model === "string" ? model : `${model.provider}:${model.modelId}`;
}

/**
 * The configured embedding model, or null. The model layer is server-only and
 * is loaded only when OPENAI_EMBEDDING_MODEL names a model, so retrieval also
 * runs in plain Node scripts (bench/) where none is configured.
 */
export async function resolveEmbeddingModel(): Promise<EmbeddingModel | null> {
  if (!env().OPENAI_EMBEDDING_MODEL) return null;
  const { getEmbeddingModel } = await import("@/lib/ai/models");
  return getEmbeddingModel();
}

/** pgvector's text form. Throws on NaN/Infinity, which pgvector rejects anyway. */
export function toVectorLiteral(embedding: readonly number[]): string {
  if (embedding.length === 0 || embedding.some((v) => !Number.isFinite(v))) {
    throw new RangeError("an embedding must be a non-empty list of finite numbers");
  }
  return `[${embedding.join(",")}]`;
}

/**
 * Below this cosine similarity a neighbour is not a match. Model-specific:
 * text-embedding-3-* puts unrelated sentences around 0.0–0.2 and related ones
 * above 0.3; raise it for models whose unrelated pairs score higher.
 */
export const MIN_VECTOR_SIMILARITY = 0.25;

/** Nearest embeddings considered before the memory filters (type, state) and the per-type cut. */
export const VECTOR_SCAN_LIMIT = 200;

/**
 * Nearest memories to the query embedding, per type (semantic, episodic),
 * best first. Exact scan of the user's embeddings of this model and
 * dimension — no ANN index, because the column has no fixed dimension (see
 * docs/memory-retrieval.md for when to add one). Embeddings older than their
 * memory's last change are skipped: they describe text that was edited.
 *
 * The shape is fixed on purpose: distances are computed once per embedding
 * (the query vector is parsed once, in a materialized CTE), the nearest
 * VECTOR_SCAN_LIMIT are kept, and only those are looked up in memories by
 * primary key (a LIMITed lateral subquery, which the planner cannot turn into
 * a join of its choosing). Without statistics — PGlite never analyzes on its
 * own — the planner otherwise nests the embedding scan inside the memories
 * scan and computes n² distances.
 */
export async function getVectorCandidates(
  db: DbOrTx,
  {
    userId,
    model,
    embedding,
    perType,
    minSimilarity = MIN_VECTOR_SIMILARITY,
  }: { userId: string; model: string; embedding: readonly number[]; perType: number; minSimilarity?: number },
): Promise<CandidateRow[]> {
  const vector = toVectorLiteral(embedding);
  const { rows } = await db.execute<Parameters<typeof toCandidateRows>[0][number]>(sql`
    with q as materialized (select ${vector}::vector as v),
    nearest as materialized (
      select e.memory_id, e.embedded_at, e.embedding <=> q.v as distance
      from q, memory_embeddings e
      where e.user_id = ${userId} and e.model = ${model} and vector_dims(e.embedding) = ${embedding.length}
        and (e.embedding <=> q.v) <= ${1 - minSimilarity}
      order by distance
      limit ${VECTOR_SCAN_LIMIT}
    )
    select * from (
      select ${MEMORY_COLUMNS}, 1 - n.distance as score,
             row_number() over (partition by m.type order by n.distance, m.id) as rn
      from nearest n
      cross join lateral (
        select m.id, m.type, m.key, m.content, m.data, m.importance, m.valid_from, m.source_conversation_id, m.source_turn_id
        from memories m
        where m.id = n.memory_id and m.user_id = ${userId} and m.type in ('semantic', 'episodic') and ${ACTIVE}
          and m.updated_at <= n.embedded_at
        limit 1
      ) m
    ) ranked
    where rn <= ${perType}
    order by type, rn`);
  return toCandidateRows(rows);
}
