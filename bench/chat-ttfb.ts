/**
 * /api/chat time to first byte with 10k memories, retrieval on vs off.
 *
 *   npx tsx bench/chat-ttfb.ts          (needs a production build: npm run build)
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/chat-ttfb.ts
 *   BENCH_PAIRS=100 BENCH_WARMUP=20     (defaults)
 *   BENCH_VECTORS=off                   (seed no vectors: text search only behind the query embedding)
 *
 * One database, one user with 10,000 memories (facts, episodes, instructions
 * and workflows, a few superseded or deleted; bench/lib/memories.ts; a vector
 * for every active fact and episode and the model's HNSW index), and two
 * `next start` servers on it from the same build: A as shipped, B with
 * MEMORY_RETRIEVAL=off. Same AUTH_SECRET, same offline model, Inngest events
 * answered by a local stub. Requests alternate A,B,B,A,… one at a time, each
 * a fresh conversation with the same question for A and B; each is timed with
 * node:http from the request to the response headers, the first body byte
 * (TTFB), the first `text-delta` chunk and the end. Target: median TTFB A/B
 * ≤ 1.10. The first text delta comes after retrieval (the route opens the
 * stream with its `start` chunk first), so its ratio is where retrieval's
 * cost shows: target A − B ≤ +50 ms (median). Prints one `BENCH {json}` line, then
 * tables. Exits 0 whether or not the target is met; 1 if it could not run.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { migrateDatabase } from "@/db/migrate";
import { signSessionValue } from "@/lib/auth/cookie";
import { openBenchDatabase, type BenchDatabase } from "./lib/database";
import {
  MORE_PROCEDURAL_ROWS,
  PROFILE_NAME,
  PROFILE_ROWS,
  seedMemories,
  seedMoreProcedural,
  seedProfile,
  type SqlExec,
} from "./lib/memories";
import { embedVocabulary, seedVectors } from "./lib/vectors";
import { createUseLiteEmbedder } from "@/lib/memory/embedding/use-lite";
import { ensureVectorIndex } from "@/lib/memory/retrieval/vector";
import { machineCpu, percentile, round, sleep, table } from "./lib/stats";
import { AUTH_SECRET, chat, cleanup, cleanups, serverEnv, SESSION_COOKIE, startNext, type Sample, type Server } from "./lib/next-server";
import { buildStatus } from "@/scripts/build-freshness";

const ROOT = path.resolve(import.meta.dirname, "..");
const MEMORIES = 10_000;
const NEIGHBOUR_MEMORIES = 5_000;
const PAIRS = Number(process.env.BENCH_PAIRS ?? 100);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const TARGET_TTFB_RATIO = 1.1;
/** First text token with retrieval (query embedding included) at most this much after retrieval off. */
const TARGET_FIRST_DELTA_DIFF_MS = 50;
const DEADLINE_MS = Number(process.env.BENCH_TIMEOUT_S ?? 480) * 1000;
/** Every active fact and episode gets a vector (and the model's HNSW index), as the pipeline would give it. */
const VECTORS = process.env.BENCH_VECTORS !== "off";

const QUESTIONS = [
  "What's my name?",
  "Where do I live?",
  "What is 12*(3+4)?",
  "Any ideas for sourdough this weekend?",
  "What am I allergic to?",
  "I'm flying to Tokyo next week, what should I do there?",
];

const log = (line: string) => console.error(`[chat-ttfb] ${line}`);

// ---------------------------------------------------------------- processes

/** Inngest stand-in: `POST /e/<key>` answers as Inngest does; remembers each turn's conversation. */
async function startInngestStub() {
  const seen = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  let events = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let ids: string[] = [];
      if (req.method === "POST" && req.url?.startsWith("/e/")) {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
          const list = (Array.isArray(body) ? body : [body]) as Array<{ data?: { conversationId?: string } }>;
          ids = list.map(() => randomUUID());
          for (const e of list) {
            events++;
            const id = e.data?.conversationId;
            if (!id) continue;
            seen.set(id, Date.now());
            waiters.get(id)?.();
          }
        } catch {
          // answer anyway
        }
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ids, status: 200 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    events: () => events,
    /** Resolves true when the turn of this conversation was sent (the route's after() is done), false on timeout. */
    waitFor(conversationId: string, timeoutMs: number): Promise<boolean> {
      if (seen.has(conversationId)) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(conversationId);
          resolve(false);
        }, timeoutMs);
        waiters.set(conversationId, () => {
          clearTimeout(timer);
          waiters.delete(conversationId);
          resolve(true);
        });
      });
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Vectors for the seeded stores (bench/lib/vectors.ts: built from the real model's embeddings of
 * the store's words, under its id), then the model's HNSW index, built once after the load. So
 * retrieval in A searches vectors as it would for a user whose memories were embedded.
 */
async function seedStoreVectors(pool: pg.Pool, exec: SqlExec, userIds: string[]) {
  const embedder = createUseLiteEmbedder();
  try {
    const vocabulary = await embedVocabulary(embedder);
    const query = async <R,>(text: string, params?: unknown[]) => (await pool.query(text, params)) as unknown as { rows: R[] };
    let written = 0;
    for (const userId of userIds) written += await seedVectors(query, exec, { userId, embedder, vocabulary });
    const db = drizzle(pool) as unknown as Parameters<typeof ensureVectorIndex>[0];
    const index = await ensureVectorIndex(db, { model: embedder.id, dimensions: embedder.dimensions });
    return { written, index };
  } finally {
    await embedder.close();
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const started = Date.now();
  const build = buildStatus(ROOT);
  if (!build) {
    console.error("No production build (.next/BUILD_ID): run npm run build first.");
    return 1;
  }
  const buildAge = { id: build.id, olderThanSources: build.stale };

  const db: BenchDatabase = await openBenchDatabase();
  cleanups.push(() => db.close());
  log(`database: ${db.kind}`);
  await migrateDatabase(db.url);

  // Seed: our user (exactly MEMORIES rows) and a neighbour, so indexes are shared as in production.
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  const exec: SqlExec = (text, params) => pool.query(text, params as unknown[]);
  const userId = randomUUID();
  const neighbour = randomUUID();
  const seedStart = Date.now();
  await exec("insert into users (id) values ($1), ($2)", [userId, neighbour]);
  await seedMemories(exec, neighbour, 1, NEIGHBOUR_MEMORIES);
  await seedProfile(exec, userId);
  await seedMoreProcedural(exec, userId);
  await seedMemories(exec, userId, 1, MEMORIES - PROFILE_ROWS - MORE_PROCEDURAL_ROWS);
  const vectors = VECTORS ? await seedStoreVectors(pool, exec, [neighbour, userId]) : { written: 0, index: false };
  if (VECTORS) log(`seeded ${vectors.written} vectors; HNSW index: ${vectors.index}`);
  await exec("analyze memories");
  await exec("analyze memory_embeddings");
  const counts = (await pool.query<{ type: string; total: string; active: string }>(
    `select type, count(*) total,
            count(*) filter (where invalidated_at is null and deleted_at is null and superseded_by is null) active
     from memories where user_id = $1 group by type order by type`,
    [userId],
  )).rows;
  await pool.end();
  const memories = {
    total: counts.reduce((a, r) => a + Number(r.total), 0),
    active: counts.reduce((a, r) => a + Number(r.active), 0),
    byType: Object.fromEntries(counts.map((r) => [r.type, { total: Number(r.total), active: Number(r.active) }])),
    neighbour: NEIGHBOUR_MEMORIES,
    seedSeconds: round((Date.now() - seedStart) / 1000),
    vectors: vectors.written,
    vectorIndex: vectors.index,
  };
  log(`seeded ${memories.total} memories (${memories.active} active) in ${memories.seedSeconds} s`);

  const stub = await startInngestStub();
  cleanups.push(() => stub.close());
  // Limits off: one user sends every request of the bench.
  const common = { DATABASE_URL: db.url, INNGEST_DEV: stub.url, RATE_LIMIT: "off" };
  const [a, b] = await Promise.all([
    startNext("A (retrieval on)", serverEnv({ ...common, MEMORY_RETRIEVAL: "on" })),
    startNext("B (MEMORY_RETRIEVAL=off)", serverEnv({ ...common, MEMORY_RETRIEVAL: "off" })),
  ]);
  log(`servers up: A :${a.port}, B :${b.port}`);
  const cookie = signSessionValue(userId, AUTH_SECRET);

  let failures = 0;
  let afterTimeouts = 0;
  const models = new Set<string>();
  /** One request, then wait until its after() has sent the turn, so it does not overlap the next one. */
  const run = async (server: Server, question: string): Promise<Sample> => {
    const conversationId = randomUUID();
    const s = await chat(server, cookie, conversationId, question);
    if (s.status !== 200 || s.errorChunk || Number.isNaN(s.firstDeltaMs)) {
      failures++;
      log(`${server.name}: status ${s.status}${s.errorChunk ? ", error chunk" : ""}: ${s.text.slice(0, 200)}`);
    }
    if (s.model) models.add(s.model);
    if (s.status === 200 && !(await stub.waitFor(conversationId, 5_000))) afterTimeouts++;
    await sleep(10);
    return s;
  };

  // Warm-up.
  for (let i = 0; i < WARMUP; i++) {
    const q = QUESTIONS[i % QUESTIONS.length]!;
    await run(i % 2 ? b : a, q);
    await run(i % 2 ? a : b, q);
  }

  // Retrieval really runs in A: the seeded name reaches A's reply, not B's.
  const checkA = await run(a, "What's my name?");
  const checkB = await run(b, "What's my name?");
  const check = {
    question: "What's my name?",
    a: checkA.text,
    b: checkB.text,
    aHasName: checkA.text.includes(PROFILE_NAME),
    bHasName: checkB.text.includes(PROFILE_NAME),
  };
  const retrievalVerified = check.aHasName && !check.bHasName;

  // Measured: pairs in A,B / B,A order, alternately.
  const cpu0 = await machineCpu();
  const samples: { a: Sample[]; b: Sample[] } = { a: [], b: [] };
  for (let i = 0; i < PAIRS; i++) {
    const q = QUESTIONS[i % QUESTIONS.length]!;
    if (i % 2 === 0) {
      samples.a.push(await run(a, q));
      samples.b.push(await run(b, q));
    } else {
      samples.b.push(await run(b, q));
      samples.a.push(await run(a, q));
    }
  }
  const cpu1 = await machineCpu();
  const cpuBusy = cpu0 && cpu1 ? round(((cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total)) * 100) : undefined;

  const logProblems = (s: Server) => s.output.filter((l) => /error|failed|warn/i.test(l)).length;
  const problemLines = [...a.output, ...b.output].filter((l) => /error|failed|warn/i.test(l));

  // Stats.
  const ok = (xs: Sample[]) => xs.filter((s) => s.status === 200 && !Number.isNaN(s.firstDeltaMs));
  const metric = (xs: Sample[], k: keyof Pick<Sample, "headersMs" | "ttfbMs" | "firstDeltaMs" | "totalMs">) => {
    const v = ok(xs).map((s) => s[k]);
    return { median: round(percentile(v, 50), 2), p95: round(percentile(v, 95), 2) };
  };
  const keys = ["headersMs", "ttfbMs", "firstDeltaMs", "totalMs"] as const;
  const A = Object.fromEntries(keys.map((k) => [k, metric(samples.a, k)])) as Record<(typeof keys)[number], { median: number; p95: number }>;
  const B = Object.fromEntries(keys.map((k) => [k, metric(samples.b, k)])) as typeof A;
  const ratio = (k: (typeof keys)[number]) => round(A[k].median / B[k].median, 3);
  // Per-pair ratios too (same question, adjacent in time): their median.
  const pairRatio = (k: (typeof keys)[number]) =>
    round(percentile(samples.a.map((s, i) => s[k] / samples.b[i]![k]).filter(Number.isFinite), 50), 3);
  const ttfbRatio = ratio("ttfbMs");
  const firstChunk = (xs: Sample[]) => {
    const v = ok(xs).map((s) => s.firstChunkEvents);
    return { median: percentile(v, 50), onlyStartPct: round((v.filter((n) => n === 1).length / v.length) * 100) };
  };
  const met = ttfbRatio <= TARGET_TTFB_RATIO;

  const result = {
    bench: "chat-ttfb",
    database: db.kind,
    build: buildAge,
    model: [...models].join(","),
    memories,
    warmupPerServer: WARMUP,
    pairs: PAIRS,
    order: "ABBA, one request at a time, next request after the previous turn's after() sent its event",
    a: A,
    b: B,
    ratios: {
      ttfbMedian: ttfbRatio,
      firstDeltaMedian: ratio("firstDeltaMs"),
      totalMedian: ratio("totalMs"),
      headersMedian: ratio("headersMs"),
      ttfbPairedMedian: pairRatio("ttfbMs"),
      firstDeltaPairedMedian: pairRatio("firstDeltaMs"),
    },
    firstChunkEvents: { a: firstChunk(samples.a), b: firstChunk(samples.b) },
    retrievalCostMs: {
      firstDeltaMedianDiff: round(A.firstDeltaMs.median - B.firstDeltaMs.median, 2),
      target: TARGET_FIRST_DELTA_DIFF_MS,
      met: A.firstDeltaMs.median - B.firstDeltaMs.median <= TARGET_FIRST_DELTA_DIFF_MS,
    },
    target: { ttfbMedianRatioMax: TARGET_TTFB_RATIO, met },
    retrievalCheck: { aHasName: check.aHasName, bHasName: check.bHasName, verified: retrievalVerified },
    failures,
    afterTimeouts,
    inngestEvents: stub.events(),
    serverLogProblemLines: { a: logProblems(a), b: logProblems(b) },
    machineCpuBusyPct: cpuBusy,
    totalSeconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(`BENCH ${JSON.stringify(result)}`);
  console.log("");
  console.log(
    `/api/chat, ${memories.total} memories (${memories.active} active), ${db.kind}, model ${result.model}; ` +
      `${PAIRS} A/B pairs after ${WARMUP} warm-up requests each`,
  );
  const ms = (x: { median: number; p95: number }) => [x.median.toFixed(1), x.p95.toFixed(1)];
  console.log(
    table([
      ["ms", "A median", "A p95", "B median", "B p95", "A/B median", "A/B paired"],
      ["headers", ...ms(A.headersMs), ...ms(B.headersMs), result.ratios.headersMedian, "-"],
      ["first byte (TTFB)", ...ms(A.ttfbMs), ...ms(B.ttfbMs), ttfbRatio, result.ratios.ttfbPairedMedian],
      ["first text-delta", ...ms(A.firstDeltaMs), ...ms(B.firstDeltaMs), result.ratios.firstDeltaMedian, result.ratios.firstDeltaPairedMedian],
      ["full response", ...ms(A.totalMs), ...ms(B.totalMs), result.ratios.totalMedian, "-"],
    ]),
  );
  console.log("A = retrieval on (as shipped), B = MEMORY_RETRIEVAL=off; same build, database, user and questions.");
  console.log(
    `first body chunk = the start chunk alone: A ${result.firstChunkEvents.a.onlyStartPct}%, ` +
      `B ${result.firstChunkEvents.b.onlyStartPct}% (median SSE events in it: A ${result.firstChunkEvents.a.median}, B ${result.firstChunkEvents.b.median})`,
  );
  console.log("full response is not like for like: A's replies follow the remembered facts and instructions.");
  console.log(
    `target: median TTFB A/B ≤ ${TARGET_TTFB_RATIO} → ${ttfbRatio} ${met ? "MET" : "NOT MET"}  ` +
      `(first text-delta A/B ${result.ratios.firstDeltaMedian}, +${result.retrievalCostMs.firstDeltaMedianDiff} ms; target ≤ +${TARGET_FIRST_DELTA_DIFF_MS} ms: ${result.retrievalCostMs.met ? "MET" : "NOT met"})`,
  );
  console.log(
    `retrieval check ("${check.question}"): A ${check.aHasName ? "names" : "does NOT name"} ${PROFILE_NAME}, ` +
      `B ${check.bHasName ? "names" : "does not name"} ${PROFILE_NAME} → ${retrievalVerified ? "verified" : "NOT VERIFIED"}`,
  );
  console.log(`  A: ${JSON.stringify(check.a.slice(0, 160))}`);
  console.log(`  B: ${JSON.stringify(check.b.slice(0, 160))}`);
  console.log(
    `failures ${failures}, after() not done within 5 s: ${afterTimeouts}, Inngest events ${result.inngestEvents}, ` +
      `machine CPU busy ${cpuBusy ?? "?"}% during the pairs, ${result.totalSeconds} s in all` +
      (buildAge.olderThanSources ? "  (WARNING: the build is older than the sources)" : ""),
  );
  if (problemLines.length > 0) {
    console.log(`server log lines with error/failed/warn (${problemLines.length}), first ones:`);
    for (const l of problemLines.slice(0, 5)) console.log(`  ${l.slice(0, 200)}`);
  }
  return 0;
}

const deadline = setTimeout(() => {
  log(`still running after ${DEADLINE_MS / 1000} s: stopping`);
  void cleanup().then(() => process.exit(1));
}, DEADLINE_MS);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void cleanup().then(() => process.exit(130)));
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error("[chat-ttfb] could not run:", error instanceof Error ? (error.stack ?? error.message) : error);
} finally {
  clearTimeout(deadline);
  await cleanup();
}
process.exit(code);
