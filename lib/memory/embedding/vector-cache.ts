import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { DbOrTx } from "@/db/queries/memories";

/**
 * Nearest-neighbour search where the database has no pgvector (Debian's
 * PostgreSQL 15): each process keeps the users' unit vectors it has searched
 * in memory and scans them exactly.
 *
 * Why not in SQL: cosine over `real[]` needs `unnest` per row, ~120 µs a row
 * on PostgreSQL 15 here (1.2 s for 10k vectors). Here a scan costs ~1.5–2 µs
 * per 512-dimension vector on these busy cores (~110 ms for 65k), in slices
 * that yield to the event loop so other requests' streams keep flowing.
 *
 * Invalidation is one index lookup per search: every write draws a new
 * `revision` (identity) under a per-user lock, so revisions commit in order
 * per user, and a cache that has seen revision r only needs the rows above r.
 * Rows of deleted memories may linger here; the caller's memories lookup
 * drops them, as it drops inactive and stale ones.
 *
 * Limits: memory, 4 bytes per dimension per vector (2 KiB at 512), at most
 * `maxBytes` per process across users (least recently searched users are
 * evicted first); a user with more vectors than that is searched over the
 * most recently embedded ones that fit. The first search of a user in a
 * process loads all their vectors (~55 ms per 1k on PostgreSQL 15 here).
 */

export interface NearestVector {
  memoryId: string;
  /** As the database printed it, to compare again in SQL without loss. */
  embeddedAt: string;
  /** Cosine distance, 1 − similarity. */
  distance: number;
}

export interface NearestQuery {
  userId: string;
  model: string;
  dimensions: number;
  /** Unit length, `dimensions` numbers. */
  query: readonly number[];
  limit: number;
  /** Only vectors at least this similar. */
  minSimilarity: number;
}

/** 128 MiB: ~65k vectors of 512 dimensions. */
export const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;
/** Rows per load query. */
const LOAD_PAGE = 2_000;
/** Vectors scanned between two yields to the event loop (~5–10 ms of work). */
const SCAN_SLICE = 4096;

class UserVectors {
  ids: string[] = [];
  embeddedAt: string[] = [];
  rowOf = new Map<string, number>();
  data: Float32Array;
  revision = 0;
  lastUsed = 0;
  refreshing: Promise<void> | null = null;

  constructor(
    readonly dimensions: number,
    /** Growth stops here: the cache's byte budget in rows. */
    readonly maxRows: number,
  ) {
    this.data = new Float32Array(Math.min(64, maxRows) * dimensions);
  }

  clear(): void {
    this.ids = [];
    this.embeddedAt = [];
    this.rowOf.clear();
    this.data = new Float32Array(Math.min(64, this.maxRows) * this.dimensions);
    this.revision = 0;
  }

  get count(): number {
    return this.ids.length;
  }

  get bytes(): number {
    return this.data.byteLength;
  }

  upsert(memoryId: string, embeddedAt: string, vector: Float32Array): void {
    let row = this.rowOf.get(memoryId);
    if (row === undefined) {
      row = this.ids.length;
      if ((row + 1) * this.dimensions > this.data.length) {
        const grown = new Float32Array(Math.min(this.data.length * 2, this.maxRows * this.dimensions));
        grown.set(this.data);
        this.data = grown;
      }
      this.ids.push(memoryId);
      this.embeddedAt.push(embeddedAt);
      this.rowOf.set(memoryId, row);
    } else {
      this.embeddedAt[row] = embeddedAt;
    }
    this.data.set(vector, row * this.dimensions);
  }
}

/**
 * `array_send(real[])` is PostgreSQL's binary array format: a 20-byte header
 * for one dimension, then per element a 4-byte length and a big-endian float4.
 * Its hex form is about as long as the text form, but neither side formats
 * or parses numbers: ~0.55 s against ~2 s (query and parse) for 10k vectors
 * on PostgreSQL 15 here.
 */
function decodeUnitVector(bytes: Buffer, dimensions: number): Float32Array | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength !== 20 + dimensions * 8 || view.getInt32(0) !== 1 || view.getInt32(12) !== dimensions) {
    return null;
  }
  const v = new Float32Array(dimensions);
  let sum = 0;
  for (let j = 0; j < dimensions; j++) {
    const x = view.getFloat32(20 + j * 8 + 4);
    v[j] = x;
    sum += x * x;
  }
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm) || norm === 0) return null;
  for (let j = 0; j < dimensions; j++) v[j]! /= norm;
  return v;
}

export class VectorCache {
  private users = new Map<string, UserVectors>();

  constructor(
    readonly maxBytes = DEFAULT_MAX_BYTES,
    private readonly pageSize = LOAD_PAGE,
  ) {}

  private maxRowsOf(dimensions: number): number {
    return Math.max(1, Math.floor(this.maxBytes / (4 * dimensions)));
  }

  /** Bytes of vectors held, across users. */
  get bytes(): number {
    let total = 0;
    for (const entry of this.users.values()) total += entry.bytes;
    return total;
  }

  /**
   * `via` reads what is new: the caller's transaction when there is one (a
   * second connection could wait on it), else the pool.
   */
  async nearest(via: DbOrTx, q: NearestQuery): Promise<NearestVector[]> {
    if (q.query.length !== q.dimensions) throw new RangeError("the query vector has the wrong dimension");
    const key = `${q.userId}|${q.model}|${q.dimensions}`;
    let entry = this.users.get(key);
    if (!entry) {
      entry = new UserVectors(q.dimensions, this.maxRowsOf(q.dimensions));
      this.users.set(key, entry);
    }
    entry.lastUsed = Date.now();
    await this.refresh(via, entry, q);
    return scan(entry, q);
  }

  /** Brings the entry up to the latest committed revision; concurrent searches share one refresh. */
  private refresh(via: DbOrTx, entry: UserVectors, q: NearestQuery): Promise<void> {
    entry.refreshing ??= this.load(via, entry, q).finally(() => (entry.refreshing = null));
    return entry.refreshing;
  }

  private async load(via: DbOrTx, entry: UserVectors, { userId, model, dimensions }: NearestQuery): Promise<void> {
    const where = sql`user_id = ${userId} and model = ${model} and dimensions = ${dimensions}`;
    const { rows: latest } = await via.execute<{ revision: string | null }>(
      sql`select max(revision)::text as revision from memory_embeddings where ${where}`,
    );
    const revision = Number(latest[0]?.revision ?? 0);
    if (revision <= entry.revision) return;
    const maxRows = entry.maxRows;
    const { rows: counted } = await via.execute<{ n: number }>(sql`
      select count(*)::int as n from (
        select 1 from memory_embeddings where ${where} and revision > ${entry.revision} limit ${maxRows + 1}
      ) above`);
    const since = entry.count + (counted[0]?.n ?? 0) > maxRows ? 0 : entry.revision;
    // Past the limit: start over with the most recently embedded vectors that fit.
    if (since === 0) entry.clear();
    let highest = 0;
    let loaded = 0;
    let below = Number.MAX_SAFE_INTEGER;
    // Newest first, in pages: one result of 100k rows would hold ~0.8 GB of hex text at once.
    while (loaded < maxRows) {
      // Not `revision::text as revision`: ORDER BY would then sort the text ("999" after "1000").
      const { rows } = await via.execute<{ memory_id: string; embedded_at: string; rev: string; bytes: Buffer }>(sql`
        select memory_id, embedded_at::text as embedded_at, revision::text as rev, array_send(embedding) as bytes
        from memory_embeddings
        where ${where} and revision > ${since} and revision < ${below}
        order by revision desc
        limit ${Math.min(this.pageSize, maxRows - loaded)}`);
      for (const row of rows) {
        const vector = decodeUnitVector(row.bytes, dimensions);
        if (vector) entry.upsert(row.memory_id, row.embedded_at, vector);
      }
      if (rows.length === 0) break;
      highest = Math.max(highest, Number(rows[0]!.rev));
      below = Number(rows.at(-1)!.rev);
      loaded += rows.length;
      if (rows.length < this.pageSize) break;
    }
    // Revisions commit in order per user, so every row up to the highest seen is here.
    entry.revision = Math.max(revision, highest);
    this.evict(entry);
  }

  /** Least recently searched users go first, never the one being searched. */
  private evict(keep: UserVectors): void {
    let total = this.bytes;
    if (total <= this.maxBytes) return;
    const byAge = [...this.users.entries()].filter(([, e]) => e !== keep).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [key, entry] of byAge) {
      if (total <= this.maxBytes) break;
      this.users.delete(key);
      total -= entry.bytes;
    }
  }
}

/** Cosine similarity of unit vectors: row `row` of `data` against `q`, unrolled by four for the JIT. */
function dotAt(data: Float32Array, offset: number, q: Float32Array): number {
  const d = q.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    s0 += data[offset + j]! * q[j]!;
    s1 += data[offset + j + 1]! * q[j + 1]!;
    s2 += data[offset + j + 2]! * q[j + 2]!;
    s3 += data[offset + j + 3]! * q[j + 3]!;
  }
  for (; j < d; j++) s0 += data[offset + j]! * q[j]!;
  return s0 + s1 + s2 + s3;
}

/** The `limit` most similar rows at or above `minSimilarity`, kept sorted as the scan goes. */
async function scan(entry: UserVectors, { query, limit, minSimilarity }: NearestQuery): Promise<NearestVector[]> {
  const q = Float32Array.from(query);
  const { data, dimensions: d } = entry;
  const count = entry.count;
  const best: Array<{ row: number; similarity: number }> = [];
  for (let start = 0; start < count; start += SCAN_SLICE) {
    if (start > 0) await yieldToEventLoop();
    const end = Math.min(count, start + SCAN_SLICE);
    for (let row = start; row < end; row++) {
      const similarity = dotAt(data, row * d, q);
      if (similarity < minSimilarity || (best.length === limit && similarity <= best[limit - 1]!.similarity)) continue;
      let i = best.length === limit ? limit - 1 : best.length;
      if (best.length < limit) best.push({ row, similarity });
      while (i > 0 && best[i - 1]!.similarity < similarity) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = { row, similarity };
    }
  }
  return best.map(({ row, similarity }) => ({
    memoryId: entry.ids[row]!,
    embeddedAt: entry.embeddedAt[row]!,
    distance: 1 - similarity,
  }));
}

const caches = new WeakMap<Database, VectorCache>();

/** One cache per database handle (pool), like the pool itself one per process. */
export function vectorCacheFor(db: Database): VectorCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new VectorCache();
    caches.set(db, cache);
  }
  return cache;
}
