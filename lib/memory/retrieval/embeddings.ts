import { embed, embedMany, type EmbeddingModel } from "ai";
import { sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { ACTIVE } from "./queries";
import { detectVectorSupport, embeddingModelId, resolveEmbeddingModel, toVectorLiteral } from "./vector";

/**
 * Embeddings of memories for vector search. Everything here is a no-op when
 * no embedding model is configured (OPENAI_EMBEDDING_MODEL) or the database
 * lacks pgvector: retrieval then uses text search alone.
 */

export type EmbedSkipReason = "no-embedding-model" | "no-pgvector";

export interface EmbedResult {
  /** Memories whose embedding was written. */
  embedded: number;
  /** Why nothing was embedded, when nothing could be. */
  skipped?: EmbedSkipReason;
}

interface Options {
  /** Defaults to the configured model; null turns embedding off. */
  embeddingModel?: EmbeddingModel | null;
  db?: Database;
}

/** Texts per embedMany call: a backfill of a large store goes in several requests. */
const EMBED_BATCH = 64;

/**
 * Embeds and stores the given memories of the user (insert or replace). A
 * memory that is not the user's, or whose content changed since it was read
 * (the text no longer matches), is not written. Model errors are thrown, so a
 * durable step retries.
 */
export async function embedMemories({
  userId,
  memories,
  ...options
}: { userId: string; memories: ReadonlyArray<{ id: string; content: string }> } & Options): Promise<EmbedResult> {
  const db = options.db ?? getDb();
  const model = options.embeddingModel === undefined ? await resolveEmbeddingModel() : options.embeddingModel;
  if (!model) return { embedded: 0, skipped: "no-embedding-model" };
  if (!(await detectVectorSupport(db)).available) return { embedded: 0, skipped: "no-pgvector" };
  const modelId = embeddingModelId(model);
  let embedded = 0;
  for (let start = 0; start < memories.length; start += EMBED_BATCH) {
    const batch = memories.slice(start, start + EMBED_BATCH);
    const { embeddings } = await embedMany({ model, values: batch.map((m) => m.content) });
    const { rowCount } = await db.execute(sql`
      insert into memory_embeddings (memory_id, user_id, model, embedding)
      select m.id, m.user_id, ${modelId}, v.embedding::vector
      from unnest(${sql.param(batch.map((m) => m.id))}::uuid[],
                  ${sql.param(batch.map((m) => m.content))}::text[],
                  ${sql.param(embeddings.map(toVectorLiteral))}::text[]) as v(id, content, embedding)
      join memories m on m.id = v.id and m.user_id = ${userId} and m.content = v.content
      on conflict (memory_id) do update
        set model = excluded.model, embedding = excluded.embedding, embedded_at = now()`);
    embedded += rowCount ?? 0;
  }
  return { embedded };
}

/**
 * Embeds the user's active memories that have no current embedding for the
 * configured model — new ones, edited ones (embedded before their last
 * change) and ones stored before a model was configured — newest first, at
 * most `limit` per call. Idempotent: run it after every store; a failed run
 * is caught up by the next.
 */
export async function embedPendingMemories({
  userId,
  limit = 128,
  ...options
}: { userId: string; limit?: number } & Options): Promise<EmbedResult> {
  const db = options.db ?? getDb();
  const model = options.embeddingModel === undefined ? await resolveEmbeddingModel() : options.embeddingModel;
  if (!model) return { embedded: 0, skipped: "no-embedding-model" };
  if (!(await detectVectorSupport(db)).available) return { embedded: 0, skipped: "no-pgvector" };
  const { rows } = await db.execute<{ id: string; content: string }>(sql`
    select m.id, m.content
    from memories m
    left join memory_embeddings e on e.memory_id = m.id
    where m.user_id = ${userId} and ${ACTIVE}
      and (e.memory_id is null or e.model <> ${embeddingModelId(model)} or e.embedded_at < m.updated_at)
    order by m.created_at desc, m.id
    limit ${limit}`);
  if (rows.length === 0) return { embedded: 0 };
  return embedMemories({ userId, memories: rows, embeddingModel: model, db });
}

/** The query's embedding for retrieval; the caller bounds the wait. */
export async function embedQuery(
  model: EmbeddingModel,
  query: string,
  { abortSignal }: { abortSignal?: AbortSignal } = {},
): Promise<number[]> {
  // No retries: the reply is waiting, and text search answers without it.
  const { embedding } = await embed({ model, value: query, maxRetries: 0, abortSignal });
  return embedding;
}
