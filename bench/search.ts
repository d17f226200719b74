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
import { closeDb, getDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { resetEnvCache } from "@/lib/env";
import { retrieveMemories } from "@/lib/memory/retrieval";
import { startEmbeddedPostgres } from "@/scripts/embedded-postgres";

const SIZES = (process.env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 100);
const WARMUP = 10;

// Vocabulary of the generated memories (and of the queries, so they match something).
const THINGS = (
  "jazz chess sourdough kayaking novels gardening tea cycling sketching pottery climbing opera sushi ramen " +
  "football tennis yoga running swimming photography astronomy knitting woodwork baking espresso wine whisky " +
  "podcasts anime poetry history philosophy economics statistics python rust golang typescript kubernetes " +
  "linux guitar piano violin drums salsa tango painting origami birdwatching fishing camping hiking skiing " +
  "surfing sailing diving marathons triathlons crosswords sudoku puzzles lego robotics drones rockets " +
  "vinyl cinema theatre ballet museums architecture interior design fashion sneakers watches cars motorcycles"
).split(" ");
const PLACES = (
  "Lisbon Porto Madrid Barcelona Paris Lyon Berlin Munich Vienna Prague Warsaw Oslo Stockholm Helsinki Tallinn " +
  "Dublin Cork London Edinburgh Amsterdam Brussels Zurich Milan Rome Naples Athens Istanbul Cairo Nairobi " +
  "Lagos Cape Town Dubai Mumbai Delhi Bangkok Hanoi Singapore Jakarta Manila Tokyo Kyoto Osaka Seoul Beijing " +
  "Shanghai Sydney Melbourne Hobart Auckland Vancouver Toronto Montreal Boston Denver Austin Chicago Seattle " +
  "Quito Lima Santiago Bogota Havana"
).split(" ");
const VERBS = ["likes", "enjoys", "is learning", "wants to try", "stopped doing", "reads about", "teaches", "collects books on", "dislikes", "is curious about"];
const ASKED = ["asked about", "planned", "compared prices for", "wanted tips on", "complained about", "shared photos of", "booked lessons in", "looked up"];
const DONE = ["listed options", "checked the time there (getCurrentTime)", "computed a budget (calculate)", "suggested a schedule", "summarised reviews", "wrote a packing list"];

function sqlArray(values: string[]): string {
  return `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`;
}

/** Rows from..to (1-based) of the user's store: ~40% facts, ~57% episodes, ~3% inactive. */
async function seed(userId: string, from: number, to: number): Promise<void> {
  const things = sqlArray(THINGS);
  const places = sqlArray(PLACES);
  const verbs = sqlArray(VERBS);
  const asked = sqlArray(ASKED);
  const done = sqlArray(DONE);
  // Batches keep one statement's memory bounded in the embedded (WebAssembly) server.
  for (let start = from; start <= to; start += 10_000) {
    const end = Math.min(to, start + 9_999);
    await getDb().execute(
      sql.raw(`
      insert into memories (user_id, type, key, content, normalized, data, importance, valid_from,
                            created_at, updated_at, invalidated_at, deleted_at)
      select '${userId}', r.type, null, r.content, lower(r.content), r.data, r.importance, r.at, r.at, r.at,
             case when g % 41 = 0 then r.at + interval '1 day' end,
             case when g % 53 = 0 then r.at + interval '2 days' end
      from generate_series(${start}, ${end}) g
      cross join lateral (
        select ${things} as t, ${places} as p, ${verbs} as v, ${asked} as a, ${done} as d,
               now() - ((g * 7919) % 1000) * interval '1 day' - (g % 1440) * interval '1 minute' as at
      ) w
      cross join lateral (
        select
          case when g % 7 in (0, 3, 5) then 'semantic' else 'episodic' end as type,
          case when g % 7 in (0, 3, 5)
            then format('User %s %s %s, especially in %s',
                        w.v[1 + g % ${VERBS.length}], w.t[1 + (g * 13) % ${THINGS.length}],
                        w.t[1 + (g * 31) % ${THINGS.length}], w.p[1 + (g * 17) % ${PLACES.length}])
            else format('%s: user %s %s in %s; the assistant %s and mentioned %s.',
                        to_char(w.at, 'YYYY-MM-DD'), w.a[1 + g % ${ASKED.length}],
                        w.t[1 + (g * 11) % ${THINGS.length}], w.p[1 + (g * 29) % ${PLACES.length}],
                        w.d[1 + (g * 3) % ${DONE.length}], w.t[1 + (g * 37) % ${THINGS.length}])
          end as content,
          case when g % 7 in (0, 3, 5)
            then jsonb_build_object('category', case when g % 10 = 9 then 'dislike' else 'like' end,
                                    'value', w.t[1 + (g * 13) % ${THINGS.length}], 'date', null)
            else jsonb_build_object('tools', '[]'::jsonb, 'topics', jsonb_build_array(w.t[1 + (g * 11) % ${THINGS.length}]))
          end as data,
          0.2 + (g % 8) / 10.0 as importance,
          w.at
      ) r`),
    );
  }
}

/** The profile and instructions every real store has; seeded once. */
async function seedProfile(userId: string): Promise<void> {
  const rows: Array<[string, string | null, string, Record<string, unknown>, number]> = [
    ["semantic", "name", "User's name is Zed", { category: "identity", value: "Zed" }, 0.9],
    ["semantic", "home_city", "User lives in Lisbon", { category: "location", value: "Lisbon" }, 0.8],
    ["semantic", "employer", "User works at Acme Robotics", { category: "work", value: "Acme Robotics" }, 0.7],
    ["semantic", "diet", "User is vegetarian", { category: "diet", value: "vegetarian" }, 0.8],
    ["semantic", null, "User is allergic to peanuts", { category: "allergy", value: "peanuts" }, 0.9],
    ["procedural", "address_as", "Address the user as Captain", { kind: "instruction", value: "Captain" }, 0.8],
    ["procedural", "response_format", "Answer in bullet points", { kind: "instruction", value: "bullet points" }, 0.7],
    ["procedural", "length", "Keep answers under 100 words", { kind: "instruction", value: "short" }, 0.6],
  ];
  for (const [type, key, content, data, importance] of rows) {
    await getDb().execute(sql`
      insert into memories (user_id, type, key, content, normalized, data, importance)
      values (${userId}, ${type}, ${key}, ${content}, ${content.toLowerCase()}, ${JSON.stringify(data)}::jsonb, ${importance})`);
  }
}

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
    await seedProfile(userId);

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

      for (const q of qs.slice(0, WARMUP)) await retrieveMemories({ userId, query: q, embeddingModel: null });
      const times: number[] = [];
      let tokens = 0;
      let facts = 0;
      let episodes = 0;
      for (const query of qs) {
        const t0 = performance.now();
        const r = await retrieveMemories({ userId, query, embeddingModel: null });
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
