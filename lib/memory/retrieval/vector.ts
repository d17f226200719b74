import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { DbOrTx } from "@/db/queries/memories";
import { vectorCacheFor, type NearestVector } from "@/lib/memory/embedding/vector-cache";
import { ACTIVE, MEMORY_COLUMNS, toCandidateRows, type CandidateRow } from "./queries";

/**
 * Vector search over memory_embeddings, on any Postgres:
 *  - with pgvector (the embedded PGlite, Neon): an HNSW index per model on
 *    `embedding::vector(<dimensions>)`, or an exact scan for a user with few
 *    vectors;
 *  - without (Debian's PostgreSQL 15): an exact scan of the user's vectors
 *    cached in this process (lib/memory/embedding/vector-cache.ts).
 * Either way getVectorCandidates() answers the same CandidateRows, and only
 * vectors of the given model and dimension are compared.
 */

export interface VectorSupport {
  /** pgvector is installed in this database: HNSW indexes and `<=>` in SQL. */
  pgvector: boolean;
}

// Per database handle, i.e. per pool (getDb() keeps one per pool): one process
// may talk to several databases (tests, bench). A negative answer is
// re-checked now and then, so installing pgvector takes effect without a restart.
const NEGATIVE_TTL_MS = 5 * 60_000;
const supportByDb = new WeakMap<Database, { value: Promise<VectorSupport>; checkedAt: number }>();

/**
 * `via` runs the check when it is not cached: inside a transaction, pass the
 * transaction — with the embedded PGlite a second connection waits until the
 * open transaction ends, so asking through the pool would deadlock.
 */
export async function detectVectorSupport(db: Database, via: DbOrTx = db): Promise<VectorSupport> {
  const cached = supportByDb.get(db);
  if (cached) {
    const value = await cached.value;
    if (value.pgvector || Date.now() - cached.checkedAt < NEGATIVE_TTL_MS) return value;
  }
  const value = (async (): Promise<VectorSupport> => {
    const { rows } = await via.execute<{ pgvector: boolean }>(
      sql`select exists (select 1 from pg_extension where extname = 'vector') as "pgvector"`,
    );
    return { pgvector: rows[0]?.pgvector === true };
  })();
  supportByDb.set(db, { value, checkedAt: Date.now() });
  // A failed check is not an answer: forget it so the next call asks again.
  value.catch(() => supportByDb.delete(db));
  return value;
}

/** Forgets cached detection results (tests that change the database under a live pool). */
export function resetVectorSupportCache(db: Database): void {
  supportByDb.delete(db);
  indexesByDb.delete(db);
  indexSeen.delete(db);
}

/** pgvector's HNSW indexes `vector` up to 2,000 dimensions; larger models are scanned exactly. */
export const MAX_INDEXED_DIMENSIONS = 2000;

/** Postgres text literal: model ids come from configuration, and DDL takes no parameters. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function castToVector(dimensions: number): SQL {
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError(`bad dimension ${dimensions}`);
  return sql.raw(`(e.embedding::vector(${dimensions}))`);
}

/** One index per model and dimension; the name is a hash because model ids are free text. */
export function vectorIndexName(model: string, dimensions: number): string {
  const hash = createHash("sha256").update(`${model}\n${dimensions}`).digest("hex").slice(0, 16);
  return `memory_embeddings_hnsw_${hash}`;
}

const indexesByDb = new WeakMap<Database, Map<string, Promise<boolean>>>();

/**
 * Creates the HNSW index for a model where pgvector is installed: partial
 * (this model's rows only) on the cast to a fixed dimension, which HNSW
 * requires. Called by the write path before a model's first vectors are
 * stored, when the index is still cheap to build — never by search, which
 * runs in a read-only transaction. True when the index exists. Once per
 * process and model; a failure (say, a role that may not create indexes) is
 * logged, and search then scans exactly.
 */
export function ensureVectorIndex(db: Database, { model, dimensions }: { model: string; dimensions: number }): Promise<boolean> {
  let known = indexesByDb.get(db);
  if (!known) indexesByDb.set(db, (known = new Map()));
  const key = `${model}\n${dimensions}`;
  let done = known.get(key);
  if (!done) {
    done = (async () => {
      if (dimensions > MAX_INDEXED_DIMENSIONS || !(await detectVectorSupport(db)).pgvector) return false;
      const name = vectorIndexName(model, dimensions);
      const statement = sql.raw(
        `create index if not exists ${name} on memory_embeddings using hnsw ` +
          `((embedding::vector(${dimensions})) vector_cosine_ops) ` +
          `where model = ${literal(model)} and dimensions = ${dimensions}`,
      );
      try {
        await db.execute(statement);
      } catch (error) {
        // Another process may have created it at the same moment.
        if (await vectorIndexExists(db, db, { model, dimensions })) return true;
        console.warn(`[memory] could not create the vector index for ${model}; searching exactly`, error);
        known.delete(key);
        return false;
      }
      indexSeen.get(db)?.set(key, Number.POSITIVE_INFINITY);
      return true;
    })();
    known.set(key, done);
  }
  return done;
}

/** Per database and model: until when a look-up of the index holds (forever once found). */
const indexSeen = new WeakMap<Database, Map<string, number>>();
const INDEX_RECHECK_MS = 60_000;

/** Whether the model's HNSW index exists, asked through `via` (see detectVectorSupport). */
async function vectorIndexExists(
  db: Database,
  via: DbOrTx,
  { model, dimensions }: { model: string; dimensions: number },
): Promise<boolean> {
  let seen = indexSeen.get(db);
  if (!seen) indexSeen.set(db, (seen = new Map()));
  const key = `${model}\n${dimensions}`;
  const until = seen.get(key);
  if (until !== undefined && Date.now() < until) return until === Number.POSITIVE_INFINITY;
  const { rows } = await via.execute<{ found: boolean }>(
    sql`select to_regclass(${vectorIndexName(model, dimensions)}) is not null as found`,
  );
  const found = rows[0]?.found === true;
  seen.set(key, found ? Number.POSITIVE_INFINITY : Date.now() + INDEX_RECHECK_MS);
  return found;
}

/** pgvector's text form. Throws on NaN/Infinity, which pgvector rejects anyway. */
export function toVectorLiteral(embedding: readonly number[]): string {
  if (embedding.length === 0 || embedding.some((v) => !Number.isFinite(v))) {
    throw new RangeError("an embedding must be a non-empty list of finite numbers");
  }
  return `[${embedding.join(",")}]`;
}

/** Used when the embedder names no threshold of its own (Embedder.minSimilarity). */
export const MIN_VECTOR_SIMILARITY = 0.25;

/** Nearest embeddings considered before the memory filters (type, state) and the per-type cut. */
export const VECTOR_SCAN_LIMIT = 100;

/**
 * With pgvector, a user with at most this many vectors of the model is
 * scanned exactly; above it, the HNSW index answers. An exact scan costs
 * ~10–15 µs a vector in PGlite (512 dimensions), so at this size it is about
 * what an index search costs, and it is exact. The index alone would serve
 * small users badly in a shared table: the graph holds everyone's vectors,
 * and filtering by user then has to walk far (or, without iterative scans,
 * returns too few).
 */
export const EXACT_SCAN_MAX_ROWS = 500;

/**
 * HNSW search breadth. iterative_scan lets pgvector (≥ 0.8; PGlite ships
 * 0.8.7) keep walking the graph until the LIMIT is met after the user filter,
 * up to max_scan_tuples (so a user whose vectors are at least ~0.5% of the
 * model's gets a full list; below that, search falls back to an exact scan);
 * ef_search at the LIMIT keeps recall near exact.
 */
export const HNSW_EF_SEARCH = 2 * VECTOR_SCAN_LIMIT;
export const HNSW_MAX_SCAN_TUPLES = 20_000;

export interface VectorQuery {
  userId: string;
  /** Embedder id and dimension: only vectors of this model are compared. */
  model: string;
  dimensions: number;
  embedding: readonly number[];
  perType: number;
  minSimilarity?: number;
}

/** How the nearest vectors were found (benches and EXPLAIN tests look at it). */
export type VectorPlan = "hnsw" | "exact-sql" | "in-process";

/**
 * The nearest vectors' memories, per type (semantic, episodic), best first.
 * Skips memories that are not active, and vectors older than their memory's
 * last change (they describe text that was edited).
 *
 * `tx` is the caller's read transaction, which runs every query; `db` is its
 * pool, which keys the cached detection results and (without pgvector) the
 * vector cache.
 */
export async function getVectorCandidates(
  tx: DbOrTx,
  query: VectorQuery & { db: Database },
): Promise<CandidateRow[]> {
  return (await findVectorCandidates(tx, query)).rows;
}

export async function findVectorCandidates(
  tx: DbOrTx,
  { db, userId, model, dimensions, embedding, perType, minSimilarity = MIN_VECTOR_SIMILARITY }: VectorQuery & { db: Database },
): Promise<{ rows: CandidateRow[]; plan: VectorPlan }> {
  if (embedding.length !== dimensions) throw new RangeError("the query embedding has the wrong dimension");
  const { nearest, plan } = (await detectVectorSupport(db, tx)).pgvector
    ? await nearestInSql(tx, db, { userId, model, dimensions, embedding })
    : {
        plan: "in-process" as const,
        nearest: await vectorCacheFor(db).nearest(tx, {
          userId,
          model,
          dimensions,
          query: embedding,
          limit: VECTOR_SCAN_LIMIT,
          minSimilarity,
        }),
      };
  const matches = nearest.filter((n) => n.distance <= 1 - minSimilarity);
  if (matches.length === 0) return { rows: [], plan };
  // Only the nearest few are looked up in memories, each by primary key (a
  // LIMITed lateral subquery, which the planner cannot turn into a join of
  // its choosing). embedded_at goes back as the database printed it, so the
  // freshness test compares equal values as equal.
  const { rows } = await tx.execute<Parameters<typeof toCandidateRows>[0][number]>(sql`
    select * from (
      select ${MEMORY_COLUMNS}, 1 - n.distance as score,
             row_number() over (partition by m.type order by n.distance, m.id) as rn
      from unnest(${sql.param(matches.map((n) => n.memoryId))}::uuid[],
                  ${sql.param(matches.map((n) => n.embeddedAt))}::timestamptz[],
                  ${sql.param(matches.map((n) => n.distance))}::float8[]) as n(memory_id, embedded_at, distance)
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
  return { rows: toCandidateRows(rows), plan };
}

type NearestQuery = Omit<VectorQuery, "perType">;

function searchTerms({ userId, model, dimensions, embedding }: NearestQuery) {
  return {
    cast: castToVector(dimensions),
    q: sql`${toVectorLiteral(embedding)}::vector(${sql.raw(String(dimensions))})`,
    // Literals, not parameters, so the planner can match the partial index's predicate.
    mine: sql`e.user_id = ${userId} and ${sql.raw(`e.model = ${literal(model)} and e.dimensions = ${dimensions}`)}`,
  };
}

/** Through the model's HNSW index; relaxed_order may return neighbours slightly out of order (sorted below). */
function hnswNearest(query: NearestQuery): SQL {
  const { cast, q, mine } = searchTerms(query);
  return sql`select e.memory_id, e.embedded_at::text as embedded_at, ${cast} <=> ${q} as distance
    from memory_embeddings e
    where ${mine}
    order by ${cast} <=> ${q}
    limit ${VECTOR_SCAN_LIMIT}`;
}

/** Every vector of the user and model; OFFSET 0 fences the subquery, so the ORDER BY cannot use the index. */
function exactNearest(query: NearestQuery): SQL {
  const { cast, q, mine } = searchTerms(query);
  return sql`select * from (
      select e.memory_id, e.embedded_at::text as embedded_at, ${cast} <=> ${q} as distance
      from memory_embeddings e
      where ${mine}
      offset 0
    ) mine
    order by distance
    limit ${VECTOR_SCAN_LIMIT}`;
}

/**
 * HNSW search settings, local to the caller's transaction. Sorting is turned
 * off for the search statement (and back on after it): with statistics the
 * planner prefers reading the user's rows and sorting them by distance
 * whenever they are a sizeable share of the table, but each row costs a
 * cast from real[] and a distance (~10–25 µs in PGlite), while the index
 * reads only its own graph — ~6 ms against ~12 ms at 1k vectors and ~28 ms
 * at 3k, measured.
 */
async function setHnswSearch(tx: DbOrTx, searching: boolean): Promise<void> {
  await tx.execute(sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true),
                              set_config('hnsw.ef_search', ${String(HNSW_EF_SEARCH)}, true),
                              set_config('hnsw.max_scan_tuples', ${String(HNSW_MAX_SCAN_TUPLES)}, true),
                              set_config('enable_sort', ${searching ? "off" : "on"}, true)`);
}

/**
 * The nearest VECTOR_SCAN_LIMIT vectors, by HNSW or exactly — see
 * EXACT_SCAN_MAX_ROWS. The similarity threshold is applied afterwards,
 * never inside the index scan: a filter on distance would make an iterative
 * scan walk the whole graph whenever few vectors pass it.
 */
async function nearestInSql(tx: DbOrTx, db: Database, query: NearestQuery): Promise<{ nearest: NearestVector[]; plan: VectorPlan }> {
  const { rows: counted } = await tx.execute<{ n: number }>(sql`
    select count(*)::int as n from (
      select 1 from memory_embeddings e where ${searchTerms(query).mine} limit ${EXACT_SCAN_MAX_ROWS + 1}
    ) mine`);
  const large = (counted[0]?.n ?? 0) > EXACT_SCAN_MAX_ROWS;
  type Row = { memory_id: string; embedded_at: string; distance: number };
  let rows: Row[] | null = null;
  if (large && (await vectorIndexExists(db, tx, query))) {
    await setHnswSearch(tx, true);
    ({ rows } = await tx.execute<Row>(hnswNearest(query)));
    await setHnswSearch(tx, false);
    // Fewer than asked although the user has more: their vectors are too small a share of the
    // graph for HNSW_MAX_SCAN_TUPLES to reach enough of them. Then only an exact scan is complete.
    if (rows.length < VECTOR_SCAN_LIMIT) rows = null;
  }
  const plan: VectorPlan = rows ? "hnsw" : "exact-sql";
  rows ??= (await tx.execute<Row>(exactNearest(query))).rows;
  const nearest = rows
    .map((r) => ({ memoryId: r.memory_id, embeddedAt: r.embedded_at, distance: Number(r.distance) }))
    .sort((a, b) => a.distance - b.distance);
  return { nearest, plan };
}

/** The plan Postgres picks for the HNSW search (tests and benches check that it uses the index). */
export async function explainVectorSearch(tx: DbOrTx, query: NearestQuery): Promise<string> {
  await setHnswSearch(tx, true);
  const { rows } = await tx.execute<{ "QUERY PLAN": string }>(sql`explain ${hnswNearest(query)}`);
  await setHnswSearch(tx, false);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}
