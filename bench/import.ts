/**
 * Importing history, through the whole production stack: turns/s of the
 * drain, and chat time to first byte while it drains vs idle.
 *
 *   npx tsx bench/import.ts                 (needs a production build: npm run build)
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/import.ts
 *   BENCH_IMPORT_TURNS=2000 BENCH_CHATS=30 BENCH_IMPORT_RATE=<turns/s, else the app's default>
 *
 * Processes as under `npm start`: `next start` (production; the SDK in cloud
 * mode), the app's functions in a worker process (scripts/inngest-worker.ts;
 * BENCH_WORKER=off serves them through Next instead), the local Inngest
 * server as a child in production mode with keys, embedded Postgres in a
 * child (or BENCH_DATABASE_URL). The offline model and
 * extractor. One user imports BENCH_IMPORT_TURNS turns in one POST /api/import
 * (built from the synthetic dataset's user messages, 20 exchanges per
 * conversation, dated a day apart) and, while the import drains through the
 * throttled extract-imported-memories function, chats: BENCH_CHATS requests,
 * one at a time, after the same number idle, spread evenly over the drain
 * once the app has sent the import's events (chats while it sends them, the
 * first seconds, are reported apart). Target: median TTFB while
 * draining ≤ 1.5× idle. Prints one `BENCH {json}` line, then tables; exits 0
 * whether or not the target is met, 1 if it could not run.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { migrateDatabase } from "@/db/migrate";
import { loadSynthetic } from "@/eval/recall/dataset";
import { buildStatus } from "@/scripts/build-freshness";
import { freePort } from "@/scripts/ports";
import { openBenchDatabase } from "./lib/database";
import { chat, cleanup, cleanups, serverEnv, SESSION_COOKIE, startNext, type Sample, type Server } from "./lib/next-server";
import { percentile, round, sleep, table } from "./lib/stats";

const ROOT = path.resolve(import.meta.dirname, "..");
const TURNS = Number(process.env.BENCH_IMPORT_TURNS ?? 2000);
const CHATS = Number(process.env.BENCH_CHATS ?? 30);
const RATE = process.env.BENCH_IMPORT_RATE;
const TARGET_RATIO = 1.5;
const SIGNING_KEY = `signkey-prod-${"0123456789abcdef".repeat(4)}`;
const EVENT_KEY = "bench-import-event-key";
const log = (line: string) => console.error(`[import] ${line}`);

function importPayload(turns: number) {
  const texts = loadSynthetic().users.flatMap((u) => u.conversations.flatMap((c) => c.messages.filter((m) => m.role === "user").map((m) => m.text)));
  const conversations = [];
  const start = Date.UTC(2022, 0, 1);
  for (let c = 0, t = 0; t < turns; c++) {
    const messages = [];
    for (let i = 0; i < 20 && t < turns; i++, t++) {
      const at = start + c * 86_400_000 + i * 120_000;
      messages.push({ role: "user", text: texts[t % texts.length]!, createdAt: new Date(at).toISOString() });
      messages.push({ role: "assistant", text: "Noted.", createdAt: new Date(at + 5_000).toISOString() });
    }
    conversations.push({ externalId: `bench-${c}`, title: `Bench ${c}`, messages });
  }
  return { format: "jarvus", conversations };
}

function request(server: Server, method: string, pathname: string, cookie: string, body?: string) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: server.port,
        path: pathname,
        method,
        agent: false,
        headers: { cookie, ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function startWorker(env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts", "inngest-worker.ts"), "--port", String(port)], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  cleanups.push(async () => {
    child.kill("SIGTERM");
    await exited;
  });
  return port;
}

async function startInngestServer(dbUrl: string, appPort: number, port: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "inngest", "local-server", "main.ts"), "--port", String(port), "--ui-port", "0",
      "--database-url", dbUrl, "--app-url", `http://127.0.0.1:${appPort}/api/inngest`, "--quiet"],
    { cwd: ROOT, env: { ...process.env, INNGEST_SIGNING_KEY: SIGNING_KEY, INNGEST_EVENT_KEY: EVENT_KEY, INNGEST_DEV: "" }, stdio: ["ignore", "ignore", "inherit"] },
  );
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  cleanups.push(async () => {
    child.kill("SIGTERM");
    await exited;
  });
  return port;
}

/** Chats one at a time, `pause(i)` ms apart (300 by default), until `count` or `until()`. */
async function timedChats(
  server: Server,
  cookie: string,
  count: number,
  { until, pause = () => 300 }: { until?: () => boolean; pause?: (i: number) => number } = {},
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < count && (until ? !until() : true); i++) {
    samples.push(await chat(server, cookie, randomUUID(), i % 2 ? "What's my name?" : "What is 12*(3+4)?"));
    const wait = pause(i);
    for (const end = Date.now() + wait; Date.now() < end && !(until?.() ?? false); ) await sleep(Math.min(500, end - Date.now()));
  }
  return samples;
}

/** How many of the import's turns have had their event sent (the app sends them in batches after answering). */
async function eventsSent(client: pg.Client, importId: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    "select count(*)::int as n from turns where import_id = $1 and event_sent_at is not null",
    [importId],
  );
  return rows[0]!.n;
}

async function main(): Promise<number> {
  if (!buildStatus(ROOT)) {
    console.error("No production build (.next/BUILD_ID): run npm run build first.");
    return 1;
  }
  const db = await openBenchDatabase();
  cleanups.push(() => db.close());
  await migrateDatabase(db.url);
  log(`database: ${db.kind}`);

  // The Inngest server needs the app's URL, the app needs the server's: pick the app's port first.
  const appPort = await freePort();
  const inngestPort = await freePort();
  const env = serverEnv({
    DATABASE_URL: db.url,
    INNGEST_SIGNING_KEY: SIGNING_KEY,
    INNGEST_EVENT_KEY: EVENT_KEY,
    INNGEST_BASE_URL: `http://127.0.0.1:${inngestPort}`,
    RATE_LIMIT: "off",
    ...(RATE ? { IMPORT_TURNS_PER_SECOND: RATE } : {}),
  });
  // As under npm start: the functions in a worker process of their own (BENCH_WORKER=off: through Next).
  const functionsPort = process.env.BENCH_WORKER === "off" ? appPort : await startWorker(env);
  await startInngestServer(db.url, functionsPort, inngestPort);
  const server = await startNext("app", env, appPort);
  const session = await request(server, "GET", "/api/session", "");
  const cookie = String([session.headers["set-cookie"] ?? []].flat()[0]).split(";")[0]!;
  if (!cookie.startsWith(`${SESSION_COOKIE}=`)) throw new Error("no session cookie");
  const cookieValue = cookie.slice(SESSION_COOKIE.length + 1);

  await timedChats(server, cookieValue, 5); // warm-up
  const idle = await timedChats(server, cookieValue, CHATS);
  log(`idle: median TTFB ${round(percentile(idle.map((s) => s.ttfbMs), 50))} ms`);

  const payload = JSON.stringify(importPayload(TURNS));
  const posted = performance.now();
  const accepted = await request(server, "POST", "/api/import", cookie, payload);
  const postMs = performance.now() - posted;
  if (accepted.status !== 202) throw new Error(`import answered ${accepted.status}: ${accepted.body.slice(0, 300)}`);
  const { importId, turns } = JSON.parse(accepted.body) as { importId: string; turns: number };
  log(`import accepted in ${round(postMs)} ms: ${turns} turns`);

  let done = false;
  let finishedAt = Number.NaN;
  let last = { done: 0, failed: 0 };
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  cleanups.push(() => client.end());
  const watcher = (async () => {
    while (!done) {
      const status = JSON.parse((await request(server, "GET", `/api/import/${importId}`, cookie)).body) as {
        status: string;
        turns: { done: number; failed: number };
      };
      last = status.turns;
      if (status.status !== "processing") {
        done = true;
        finishedAt = performance.now();
        break;
      }
      await sleep(1000);
    }
  })();
  // First while the app hands the import's events to Inngest (and the server files a run for each),
  // then spread over the rest of the drain, so the figure is the drain's and not only its first seconds.
  let allSent = false;
  const ingesting = await timedChats(server, cookieValue, CHATS, { until: () => allSent || done });
  const sender = (async () => {
    while (!allSent && !done) {
      allSent = (await eventsSent(client, importId)) >= turns;
      if (!allSent) await sleep(250);
    }
  })();
  await sender;
  const sentSeconds = (performance.now() - posted) / 1000;
  log(`events of all ${turns} turns sent after ${round(sentSeconds)} s; ${ingesting.length} chats meanwhile`);
  const started = performance.now();
  const draining = await timedChats(server, cookieValue, CHATS, {
    until: () => done,
    // Evenly over what is left, at the rate seen so far.
    pause: (i) => {
      const rate = last.done / Math.max(1, (performance.now() - started) / 1000 + sentSeconds);
      const left = (turns - last.done) / Math.max(rate, 0.1);
      return Math.max(300, (left * 1000) / Math.max(1, CHATS - i - 1));
    },
  });
  await watcher;
  const drainSeconds = (finishedAt - posted) / 1000;

  // One run per imported turn: a second one would mean the turn was re-sent (the reconciler's duty is lost events only).
  const runs = await client.query<{ n: number }>(`select count(*)::int as n from inngest_local.runs where fn_name = $1`, [
    "Extract memories from an imported turn",
  ]);
  const ttfb = (s: Sample[]) => percentile(s.map((x) => x.ttfbMs), 50);
  const ratio = ttfb(draining) / ttfb(idle);
  const result = {
    bench: "import",
    database: db.kind,
    turns,
    failed: last.failed,
    importRuns: runs.rows[0]!.n,
    importRequestMs: round(postMs),
    drainSeconds: round(drainSeconds),
    turnsPerSecond: round(turns / drainSeconds, 2),
    throttle: RATE ?? "default",
    chatTtfbMs: {
      idle: { median: round(ttfb(idle)), p95: round(percentile(idle.map((x) => x.ttfbMs), 95)), n: idle.length },
      draining: { median: round(ttfb(draining)), p95: round(percentile(draining.map((x) => x.ttfbMs), 95)), n: draining.length },
      ratio: round(ratio, 2),
      target: TARGET_RATIO,
      met: ratio <= TARGET_RATIO,
      // While the events were handed over (the first seconds): reported, not the target.
      ingesting: { median: round(ttfb(ingesting)), n: ingesting.length, seconds: round(sentSeconds) },
    },
    chatFirstTextMs: { idle: round(percentile(idle.map((x) => x.firstDeltaMs), 50)), draining: round(percentile(draining.map((x) => x.firstDeltaMs), 50)) },
  };
  console.log(`BENCH ${JSON.stringify(result)}`);
  console.log(
    table([
      ["", "idle", "while draining"],
      ["chat TTFB median (ms)", result.chatTtfbMs.idle.median, result.chatTtfbMs.draining.median],
      [`  while the events were sent (${ingesting.length} chats, first ${round(sentSeconds)} s)`, "", result.chatTtfbMs.ingesting.median],
      ["chat TTFB p95 (ms)", result.chatTtfbMs.idle.p95, result.chatTtfbMs.draining.p95],
      ["first text median (ms)", result.chatFirstTextMs.idle, result.chatFirstTextMs.draining],
      ["requests", result.chatTtfbMs.idle.n, result.chatTtfbMs.draining.n],
    ]),
  );
  console.log(
    `\nimport: ${turns} turns accepted in ${result.importRequestMs} ms, drained in ${result.drainSeconds} s = ${result.turnsPerSecond} turns/s ` +
      `(throttle ${result.throttle}), ${last.failed} failed, ${result.importRuns} runs; TTFB ratio ${result.chatTtfbMs.ratio} (target ≤ ${TARGET_RATIO}: ${result.chatTtfbMs.met ? "met" : "NOT met"})`,
  );
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
} finally {
  await cleanup();
}
process.exit(code);
