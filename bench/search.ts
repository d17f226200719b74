/**
 * Memory retrieval latency as one user's store grows: 1k → 10k → 100k memories.
 *
 *   npx tsx bench/search.ts                       # embedded Postgres (PGlite, pgvector), in memory
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/search.ts
 *                                                 # a throwaway database on that server
 *   BENCH_QUERIES=100 BENCH_SIZES=1000,10000,100000   (defaults)
 *   BENCH_EMBEDDINGS=off                          # text search only, as before embeddings
 *
 * Seeds realistic, varied memories (facts, episodes, instructions, a few
 * superseded and deleted rows) with generate_series, and a vector for each
 * active fact and episode (bench/lib/vectors.ts: built from the offline
 * model's embeddings of the store's vocabulary, written directly), then times
 * retrieveMemories() — full text, trigram and vector search, the default
 * configuration — over the same queries at each size. With pgvector the
 * model's HNSW index is rebuilt after each size's load (as a bulk load
 * would); without, the vectors are scanned in process (vector-cache.ts).
 *
 * The query embeddings are computed once, up front, with the real offline
 * model (their latency is reported on its own, and in bench/embeddings.ts):
 * the search timings are of the search. Prints one `BENCH {json}` line, then
 * a table.
 */
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { sql } from "drizzle-orm";
import { closeDb, getDb, getPool } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { resetEnvCache } from "@/lib/env";
import type { Embedder } from "@/lib/memory/embedding";
import { createUseLiteEmbedder } from "@/lib/memory/embedding/use-lite";
import { retrieveMemories } from "@/lib/memory/retrieval";
import {
  detectVectorSupport,
  ensureVectorIndex,
  explainVectorSearch,
  findVectorCandidates,
  resetVectorSupportCache,
  vectorIndexName,
  type VectorPlan,
} from "@/lib/memory/retrieval/vector";
import { startEmbeddedPostgres } from "@/scripts/embedded-postgres";
import { PLACES, seedMemories, seedProfile, THINGS, type SqlExec } from "./lib/memories";
import { embedVocabulary, seedVectors } from "./lib/vectors";

const SIZES = (process.env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 100);
const EMBEDDINGS = (process.env.BENCH_EMBEDDINGS ?? "on") !== "off";
const WARMUP = 10;

// Data shared with bench/chat-ttfb.ts: bench/lib/memories.ts.
const exec: SqlExec = (text, params) => getPool().query(text, params);
const query = <R>(text: string, params?: unknown[]) => getPool().query(text, params) as unknown as Promise<{ rows: R[] }>;
const seed = (userId: string, from: number, to: number) => seedMemories(exec, userId, from, to);

function queries(n: number): string[] {
  const templates = [
    (t: string, p: string) => `what do you remember about my ${t}?`,
    (t: string, p: string) => `did we talk about ${t} in ${p}?`,
    (t: string, p: string) => `any ideas for ${t} this weekend`,
    (t: string, p: string) => `I'm flying to ${p} next week, what should I do there`,
    // typos: a letter dropped
    (t: string, p: string) => `tips for ${t.slice(0, 2)}${t.slice(3)} near ${p.slice(0, -2)}${p.slice(-1)}`,
    () => "what am I allergic to?",
    () => "what's my name?",
    () => "hi!",
  ];
  return Array.from({ length: n }, (_, i) =>
    templates[i % templates.length]!(THINGS[(i * 7) % THINGS.length]!, PLACES[(i * 5) % PLACES.length]!),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface SizeResult {
  memories: number;
  seedSeconds: number;
  /** Vectors of the user searched; the HNSW build time after the load (pgvector). */
  vectors?: number;
  indexBuildSeconds?: number;
  /** How the nearest vectors were found, and whether EXPLAIN shows the HNSW index. */
  vectorPlan?: VectorPlan;
  explainUsesIndex?: boolean;
  /** Of the exact 10 nearest memories per query, the share the search returned (approximate with HNSW). */
  recallAt10?: number;
  /** Mean similarity of the exact 10 nearest minus that of the search's best 10 (0 = as good). */
  similarityGapAt10?: number;
  /** The first search after the load (without pgvector: loads the user's vectors into the process). */
  firstQueryMs?: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  maxMs: number;
  avgUsedTokens: number;
  avgFacts: number;
  avgEpisodes: number;
}

async function openDatabase(): Promise<{ url: string; kind: string; close(): Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL;
  if (!server) {
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, kind: "embedded PGlite (PostgreSQL 18, wasm)", close: () => embedded.stop() };
  }
  const name = `jarvus_bench_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const { rows } = await admin.query<{ v: string }>("select current_setting('server_version') as v");
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: `PostgreSQL ${rows[0]?.v ?? "?"}`,
    async close() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The offline model's query vectors, computed once; searching then costs only the search. */
async function precomputedQueryEmbedder(real: Embedder, texts: string[]) {
  const byText = new Map<string, number[]>();
  const latencies: number[] = [];
  for (const text of texts) {
    if (byText.has(text)) continue;
    const t0 = performance.now();
    const [v] = await real.embed([text], { priority: "query" });
    latencies.push(performance.now() - t0);
    byText.set(text, v!);
  }
  const embedder: Embedder = {
    id: real.id,
    dimensions: real.dimensions,
    minSimilarity: real.minSimilarity,
    embed: async (batch) => batch.map((t) => byText.get(t)!),
  };
  return { embedder, vectorOf: (t: string) => byText.get(t)!, latencies };
}

/**
 * Of the exact 10 nearest active memories per query (computed here, from all
 * the user's vectors), the share that the search's VECTOR_SCAN_LIMIT nearest
 * hold: 1 for an exact scan, a little less for HNSW.
 */
async function recallAt10(
  userId: string,
  embedder: Embedder,
  queryVectors: number[][],
): Promise<{ recall: number; similarityGap: number }> {
  const { rows } = await query<{ id: string; bytes: Buffer }>(
    `select e.memory_id as id, array_send(e.embedding) as bytes
     from memory_embeddings e join memories m on m.id = e.memory_id
     where e.user_id = $1 and e.model = $2 and m.type in ('semantic', 'episodic')
       and m.invalidated_at is null and m.deleted_at is null and m.superseded_by is null`,
    [userId, embedder.id],
  );
  const d = embedder.dimensions;
  // array_send: a 20-byte header, then a 4-byte length and a big-endian float4 per element.
  const all = rows.map((r) => {
    const view = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
    return { id: r.id, v: Float32Array.from({ length: d }, (_, j) => view.getFloat32(20 + j * 8 + 4)) };
  });
  let hits = 0;
  let total = 0;
  let gap = 0;
  for (const embedding of queryVectors) {
    const exact = all
      .map(({ id, v }) => ({ id, s: v.reduce((sum, x, j) => sum + x * embedding[j]!, 0) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 10);
    const search = { userId, model: embedder.id, dimensions: d, embedding };
    const found = await getDb().transaction((tx) =>
      findVectorCandidates(tx, { ...search, db: getDb(), perType: 100, minSimilarity: -1 }),
    );
    const got = new Set(found.rows.map((r) => r.id));
    hits += exact.filter((r) => got.has(r.id)).length;
    total += exact.length;
    // Near-ties make recall harsh: how much less similar the search's own best 10 are.
    const best = found.rows.map((r) => r.score).sort((a, b) => b - a).slice(0, 10);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    gap += mean(exact.map((r) => r.s)) - mean(best);
  }
  return total === 0
    ? { recall: Number.NaN, similarityGap: Number.NaN }
    : { recall: hits / total, similarityGap: gap / queryVectors.length };
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = await openDatabase();
  const model = EMBEDDINGS ? createUseLiteEmbedder() : null;
  try {
    await migrateDatabase(db.url);
    process.env.DATABASE_URL = db.url;
    resetEnvCache();
    const userId = randomUUID();
    await getDb().execute(sql`insert into users (id) values (${userId})`);
    // Another user's store, so the indexes are shared as in production.
    const neighbour = randomUUID();
    await getDb().execute(sql`insert into users (id) values (${neighbour})`);
    await seed(neighbour, 1, 5_000);
    await seedProfile(exec, userId);

    const qs = queries(QUERIES);
    const vectors = model
      ? {
          vocabulary: await embedVocabulary(model),
          queries: await precomputedQueryEmbedder(model, qs),
          pgvector: (await detectVectorSupport(getDb())).pgvector,
        }
      : null;
    const embedder = vectors?.queries.embedder ?? null;
    if (vectors) await seedVectors(query, exec, { userId: neighbour, embedder: embedder!, vocabulary: vectors.vocabulary });

    const results: SizeResult[] = [];
    let seeded = 0;
    for (const size of SIZES) {
      const seedStart = Date.now();
      await seed(userId, seeded + 1, size);
      seeded = size;
      const vectorInfo: Partial<SizeResult> = {};
      if (vectors) {
        // Rebuilt after each load, as after any bulk load: one build is far cheaper than 100k inserts.
        if (vectors.pgvector) {
          await getDb().execute(sql.raw(`drop index if exists ${vectorIndexName(embedder!.id, embedder!.dimensions)}`));
        }
        await seedVectors(query, exec, { userId, embedder: embedder!, vocabulary: vectors.vocabulary, seed: size });
        const { rows } = await query<{ n: number }>(
          "select count(*)::int as n from memory_embeddings where user_id = $1",
          [userId],
        );
        vectorInfo.vectors = rows[0]!.n;
        if (vectors.pgvector) {
          resetVectorSupportCache(getDb());
          // One PGlite session serves every connection, so this reaches the build below.
          await getDb().execute(sql`set maintenance_work_mem = '512MB'`);
          const buildStart = Date.now();
          await ensureVectorIndex(getDb(), { model: embedder!.id, dimensions: embedder!.dimensions });
          vectorInfo.indexBuildSeconds = (Date.now() - buildStart) / 1000;
        }
      }
      // Fresh statistics, as autovacuum would have after a bulk load.
      await getDb().execute(sql`analyze memories`);
      await getDb().execute(sql`analyze memory_embeddings`);
      const seedSeconds = (Date.now() - seedStart) / 1000;

      const f0 = performance.now();
      await retrieveMemories({ userId, query: qs[0]!, embedder });
      if (vectors) vectorInfo.firstQueryMs = performance.now() - f0;

      for (const q of qs.slice(0, WARMUP)) await retrieveMemories({ userId, query: q, embedder });
      const times: number[] = [];
      let tokens = 0;
      let facts = 0;
      let episodes = 0;
      let vectorUsed = 0;
      for (const query of qs) {
        const t0 = performance.now();
        const r = await retrieveMemories({ userId, query, embedder });
        times.push(performance.now() - t0);
        tokens += r.usedTokens;
        facts += r.facts.length;
        episodes += r.episodes.length;
        if (r.vector === "used") vectorUsed++;
      }
      if (vectors && vectorUsed !== qs.length) throw new Error(`vector search took part in ${vectorUsed}/${qs.length} queries`);
      if (vectors) {
        const probe = { userId, model: embedder!.id, dimensions: embedder!.dimensions, embedding: vectors.queries.vectorOf(qs[0]!) };
        const { plan } = await getDb().transaction((tx) => findVectorCandidates(tx, { ...probe, db: getDb(), perType: 30 }));
        vectorInfo.vectorPlan = plan;
        if (vectors.pgvector) {
          const explained = await getDb().transaction((tx) => explainVectorSearch(tx, probe));
          vectorInfo.explainUsesIndex = explained.includes(`Index Scan using ${vectorIndexName(embedder!.id, embedder!.dimensions)}`);
        }
        const sample = [...new Set(qs)].slice(0, 10).map((q) => vectors.queries.vectorOf(q));
        const quality = await recallAt10(userId, embedder!, sample);
        vectorInfo.recallAt10 = quality.recall;
        vectorInfo.similarityGapAt10 = quality.similarityGap;
      }
      const sorted = [...times].sort((a, b) => a - b);
      const round = (x: number) => Math.round(x * 10) / 10;
      results.push({
        memories: size,
        seedSeconds: round(seedSeconds),
        ...vectorInfo,
        ...(vectorInfo.indexBuildSeconds !== undefined ? { indexBuildSeconds: round(vectorInfo.indexBuildSeconds) } : {}),
        ...(vectorInfo.firstQueryMs !== undefined ? { firstQueryMs: round(vectorInfo.firstQueryMs) } : {}),
        ...(vectorInfo.recallAt10 !== undefined ? { recallAt10: Math.round(vectorInfo.recallAt10 * 100) / 100 } : {}),
        ...(vectorInfo.similarityGapAt10 !== undefined
          ? { similarityGapAt10: Math.round(vectorInfo.similarityGapAt10 * 10_000) / 10_000 }
          : {}),
        p50Ms: round(percentile(sorted, 50)),
        p95Ms: round(percentile(sorted, 95)),
        meanMs: round(times.reduce((a, b) => a + b, 0) / times.length),
        maxMs: round(sorted.at(-1)!),
        avgUsedTokens: Math.round(tokens / qs.length),
        avgFacts: round(facts / qs.length),
        avgEpisodes: round(episodes / qs.length),
      });
    }

    const growth: Record<string, { p50: number; p95: number }> = {};
    for (let i = 1; i < results.length; i++) {
      const [a, b] = [results[i - 1]!, results[i]!];
      growth[`${a.memories}->${b.memories}`] = {
        p50: Math.round((b.p50Ms / a.p50Ms) * 100) / 100,
        p95: Math.round((b.p95Ms / a.p95Ms) * 100) / 100,
      };
    }
    const summary = {
      bench: "memory-retrieval",
      database: db.kind,
      queries: qs.length,
      retrievers: vectors
        ? `fulltext+trigram+vector (${embedder!.id}, ${vectors.pgvector ? "pgvector HNSW" : "in-process scan, no pgvector"})`
        : "fulltext+trigram (EMBEDDINGS=off)",
      ...(vectors
        ? {
            queryEmbeddingMs: {
              p50: Math.round(percentile([...vectors.queries.latencies].sort((a, b) => a - b), 50) * 10) / 10,
              p95: Math.round(percentile([...vectors.queries.latencies].sort((a, b) => a - b), 95) * 10) / 10,
              note: "computed once before timing; not in the search figures",
            },
          }
        : {}),
      results,
      growth,
      totalSeconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(`BENCH ${JSON.stringify(summary)}`);
    console.log("");
    console.log(`memory retrieval — ${db.kind}, ${qs.length} queries per size, ${summary.retrievers}`);
    console.table(
      results.map((r) => ({
        memories: r.memories,
        "p50 ms": r.p50Ms,
        "p95 ms": r.p95Ms,
        "mean ms": r.meanMs,
        "max ms": r.maxMs,
        "tokens": r.avgUsedTokens,
        facts: r.avgFacts,
        episodes: r.avgEpisodes,
        "seed s": r.seedSeconds,
        ...(vectors
          ? {
              vectors: r.vectors,
              plan: `${r.vectorPlan}${r.explainUsesIndex ? " (index)" : ""}`,
              "recall@10": r.recallAt10,
              "sim gap": r.similarityGapAt10,
              "index s": r.indexBuildSeconds ?? "-",
              "1st ms": r.firstQueryMs,
            }
          : {}),
      })),
    );
    for (const [step, g] of Object.entries(growth)) console.log(`growth ${step}: p50 ×${g.p50}, p95 ×${g.p95}`);
  } finally {
    await model?.close();
    await closeDb();
    await db.close();
  }
}

await main();
