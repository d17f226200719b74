import { sql } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { getEmbedder, type Embedder } from "@/lib/memory/embedding";
import { ACTIVE } from "./queries";
import { ensureVectorIndex } from "./vector";

/**
 * Vectors of memories for vector search, on every database (real[] in
 * memory_embeddings; vector.ts searches them). Only semantic and episodic
 * memories are embedded: procedural ones are always retrieved whole.
 */

export interface EmbedResult {
  /** Memories whose vector was written. */
  embedded: number;
  /** Set when embeddings are off (EMBEDDINGS=off): nothing was embedded. */
  skipped?: "embeddings-off";
}

export interface MemoryText {
  id: string;
  userId: string;
  content: string;
}

interface Options {
  /** Defaults to getEmbedder(); null means embeddings are off. */
  embedder?: Embedder | null;
  db?: Database;
}

/** Texts per embed() call: a large backlog goes in several, each written as it comes. */
export const EMBED_BATCH = 64;

// Two-key advisory locks have a key space of their own; this class differs from
// db/queries/memories.ts's, so embedding writes never wait for consolidation.
const EMBEDDING_LOCK_CLASS = 0x6a656d62; // "jemb"

function resolveEmbedder(options: Options): Embedder | null {
  return options.embedder === undefined ? getEmbedder() : options.embedder;
}

/** `{…}` text form of a real[]; the vectors are checked finite by the embedder. */
function toArrayLiteral(vector: readonly number[]): string {
  return `{${vector.join(",")}}`;
}

/**
 * Embeds the memories and stores their vectors (insert or replace). A memory
 * whose content changed since it was read (the text no longer matches), or
 * that is not its row's user's, is not written. Embedder errors are thrown.
 */
export async function embedMemories({
  memories,
  ...options
}: { memories: ReadonlyArray<MemoryText> } & Options): Promise<EmbedResult> {
  const db = options.db ?? getDb();
  const embedder = resolveEmbedder(options);
  if (!embedder) return { embedded: 0, skipped: "embeddings-off" };
  if (memories.length === 0) return { embedded: 0 };
  // Before the model's first rows: building the index on an empty set costs nothing.
  await ensureVectorIndex(db, { model: embedder.id, dimensions: embedder.dimensions });
  let embedded = 0;
  for (let start = 0; start < memories.length; start += EMBED_BATCH) {
    const batch = memories.slice(start, start + EMBED_BATCH);
    const vectors = await embedder.embed(batch.map((m) => m.content));
    embedded += await storeEmbeddings(db, { model: embedder.id, dimensions: embedder.dimensions, batch, vectors });
  }
  return { embedded };
}

async function storeEmbeddings(
  db: Database,
  {
    model,
    dimensions,
    batch,
    vectors,
  }: { model: string; dimensions: number; batch: ReadonlyArray<MemoryText>; vectors: number[][] },
): Promise<number> {
  return db.transaction(async (tx) => {
    // Revisions are drawn after the lock, so per user they commit in order
    // (what the vector cache relies on). Sorted, so two writers never deadlock.
    for (const userId of [...new Set(batch.map((m) => m.userId))].sort()) {
      await tx.execute(sql`select pg_advisory_xact_lock(${EMBEDDING_LOCK_CLASS}::int, hashtext(${userId}))`);
    }
    const { rowCount } = await tx.execute(sql`
      insert into memory_embeddings (memory_id, user_id, model, dimensions, embedding)
      select m.id, m.user_id, ${model}, ${dimensions}, v.embedding::real[]
      from unnest(${sql.param(batch.map((m) => m.id))}::uuid[],
                  ${sql.param(batch.map((m) => m.userId))}::uuid[],
                  ${sql.param(batch.map((m) => m.content))}::text[],
                  ${sql.param(vectors.map(toArrayLiteral))}::text[]) as v(id, user_id, content, embedding)
      join memories m on m.id = v.id and m.user_id = v.user_id and m.content = v.content
      on conflict (memory_id) do update
        set model = excluded.model, dimensions = excluded.dimensions, embedding = excluded.embedding,
            embedded_at = now(), revision = default`);
    return rowCount ?? 0;
  });
}

/**
 * Active semantic and episodic memories without a current vector of this
 * embedder: never embedded, embedded by another model (or dimension), or
 * edited since. Most recently changed first.
 */
async function getMemoriesToEmbed(
  db: Database,
  { embedder, userId, limit }: { embedder: Embedder; userId?: string; limit: number },
): Promise<MemoryText[]> {
  const { rows } = await db.execute<{ id: string; user_id: string; content: string }>(sql`
    select m.id, m.user_id, m.content
    from memories m
    left join memory_embeddings e on e.memory_id = m.id
    where ${userId ? sql`m.user_id = ${userId} and ` : sql``}m.type in ('semantic', 'episodic') and ${ACTIVE}
      and (e.memory_id is null or e.model <> ${embedder.id} or e.dimensions <> ${embedder.dimensions}
           or e.embedded_at < m.updated_at)
    order by m.updated_at desc, m.id
    limit ${limit}`);
  return rows.map((r) => ({ id: r.id, userId: r.user_id, content: r.content }));
}

/**
 * Embeds the user's memories that lack a current vector, most recently
 * changed first (so a turn's new and edited memories come first), at most
 * `limit`. Idempotent; what it leaves, the re-embed function catches up.
 */
export async function embedPendingMemories({
  userId,
  limit = 128,
  ...options
}: { userId: string; limit?: number } & Options): Promise<EmbedResult> {
  const db = options.db ?? getDb();
  const embedder = resolveEmbedder(options);
  if (!embedder) return { embedded: 0, skipped: "embeddings-off" };
  const memories = await getMemoriesToEmbed(db, { embedder, userId, limit });
  return embedMemories({ memories, embedder, db });
}

/**
 * One bounded batch of the backlog (model changes, failed or missed turns),
 * across all users or of one. `remaining`: a full batch was found, so there
 * is probably more.
 */
export async function embedStaleMemories({
  limit = 128,
  userId,
  ...options
}: { limit?: number; userId?: string } & Options = {}): Promise<EmbedResult & { remaining: boolean }> {
  const db = options.db ?? getDb();
  const embedder = resolveEmbedder(options);
  if (!embedder) return { embedded: 0, skipped: "embeddings-off", remaining: false };
  const memories = await getMemoriesToEmbed(db, { embedder, userId, limit });
  const result = await embedMemories({ memories, embedder, db });
  return { ...result, remaining: memories.length === limit };
}

/** Per turn: a turn stores a handful of memories; a larger backlog is the re-embed function's. */
export const TURN_EMBED_LIMIT = 32;

/**
 * The memory pipeline's `embed-memories` step, after a turn's memories are
 * stored: embeds them (and any other pending ones of the user, up to
 * TURN_EMBED_LIMIT). Never throws. Vectors only improve retrieval, and the
 * pipeline runs one turn at a time per user, so retrying a failing embedder
 * here would hold back the user's next turns; the error is logged and
 * returned instead, and the re-embed function (which does retry) catches up.
 */
export async function embedTurnMemories({
  userId,
  ...options
}: { userId: string } & Options): Promise<EmbedResult & { error?: string }> {
  try {
    return await embedPendingMemories({ userId, limit: TURN_EMBED_LIMIT, ...options });
  } catch (error) {
    console.warn("[memory] embedding the turn's memories failed; the re-embed function will retry", error);
    return { embedded: 0, error: error instanceof Error ? error.message : String(error) };
  }
}
