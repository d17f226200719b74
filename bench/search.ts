/**
 * Memory retrieval latency as one user's store grows: 1k → 10k → 100k memories.
 *
 *   npx tsx bench/search.ts                       # embedded Postgres (PGlite), in memory
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/search.ts
 *                                                 # a throwaway database on that server
 *   BENCH_QUERIES=100 BENCH_SIZES=1000,10000,100000   (defaults)
 *
 * Seeds realistic, varied memories (facts, episodes, instructions, a few
 * superseded and deleted rows) with generate_series, then times
 * retrieveMemories() — text search, the default configuration — over the
 * same queries at each size. Prints one JSON line, then a table.
 */
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { sql } from "drizzle-orm";
import { closeDb, getDb, getPool } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { resetEnvCache } from "@/lib/env";
import { retrieveMemories } from "@/lib/memory/retrieval";
import { startEmbeddedPostgres } from "@/scripts/embedded-postgres";
import { PLACES, seedMemories, seedProfile, THINGS, type SqlExec } from "./lib/memories";

const SIZES = (process.env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 100);
const WARMUP = 10;

// Data shared with bench/chat-ttfb.ts: bench/lib/memories.ts.
const exec: SqlExec = (text, params) => getPool().query(text, params);
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

async function main(): Promise<void> {
  const started = Date.now();
  const db = await openDatabase();
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
    const results: SizeResult[] = [];
    let seeded = 0;
    for (const size of SIZES) {
      const seedStart = Date.now();
      await seed(userId, seeded + 1, size);
      seeded = size;
      // Fresh statistics, as autovacuum would have after a bulk load.
      await getDb().execute(sql`analyze memories`);
      const seedSeconds = (Date.now() - seedStart) / 1000;

      for (const q of qs.slice(0, WARMUP)) await retrieveMemories({ userId, query: q, embedder: null });
      const times: number[] = [];
      let tokens = 0;
      let facts = 0;
      let episodes = 0;
      for (const query of qs) {
        const t0 = performance.now();
        const r = await retrieveMemories({ userId, query, embedder: null });
        times.push(performance.now() - t0);
        tokens += r.usedTokens;
        facts += r.facts.length;
        episodes += r.episodes.length;
      }
      const sorted = [...times].sort((a, b) => a - b);
      const round = (x: number) => Math.round(x * 10) / 10;
      results.push({
        memories: size,
        seedSeconds: round(seedSeconds),
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
      retrievers: "fulltext+trigram (no embedding model)",
      results,
      growth,
      totalSeconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(JSON.stringify(summary));
    console.log("");
    console.log(`memory retrieval — ${db.kind}, ${qs.length} queries per size`);
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
      })),
    );
    for (const [step, g] of Object.entries(growth)) console.log(`growth ${step}: p50 ×${g.p50}, p95 ×${g.p95}`);
  } finally {
    await closeDb();
    await db.close();
  }
}

await main();
