/**
 * Benchmark of the local Inngest server (inngest/local-server).
 *
 *   npx tsx bench/inngest-local.ts            embedded Postgres (PGlite)
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/inngest-local.ts
 *   BENCH_INNGEST_MODE=production npx tsx bench/inngest-local.ts
 *
 * BENCH_INNGEST_MODE=production runs the server with a signing key and an
 * event key and the app in cloud mode with the same keys, so every call and
 * answer is signed and verified (the cost of production mode); default dev.
 *
 * Topology as in `npm run dev`: the server runs as its own process (main.ts),
 * Postgres and an SDK app (serve() from inngest/node) run in this process.
 * Measures (1) the latency of a run of 5 sequential no-op steps, run one at a
 * time: median and p95, target < 50 ms; (2) 200 runs sent at once, draining
 * without error, as runs/s. Prints one JSON line, then a table. Stops by itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { startEmbeddedPostgres } from "../scripts/embedded-postgres";

const ROOT = path.resolve(import.meta.dirname, "..");
const SEQUENTIAL_RUNS = 40;
const WARMUP_RUNS = 5;
const CONCURRENT_RUNS = 200;
const TARGET_MS = 50;

interface RunView {
  id: string;
  status: string;
  durationMs: number | null;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * CPU time (ms) used so far by this process and by the server process. On a
 * busy machine wall-clock latency mostly measures the neighbours; CPU per run
 * is the server's and the SDK's own cost. The child's comes from /proc (Linux).
 */
function cpuMs(child: ChildProcess): { self: number; server: number | null } {
  const u = process.cpuUsage();
  let server: number | null = null;
  try {
    const fields = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    server = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    server = null;
  }
  return { self: (u.user + u.system) / 1000, server };
}

async function startServer(args: string[]): Promise<{ proc: ChildProcess; url: string }> {
  // `node --import tsx` so the pid is the server itself (the tsx CLI would fork).
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "inngest/local-server/main.ts"), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        output.push(line);
        if (line.startsWith("TRACE")) console.log(line);
        const m = /event API and SDK endpoint on (\S+)/.exec(line);
        if (m?.[1]) resolve(m[1]);
      }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    proc.once("exit", (code) => reject(new Error(`server exited (${code}):\n${output.join("\n")}`)));
  });
  return { proc, url };
}

async function main(): Promise<void> {
  const embedded = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? embedded?.url ?? "";
  const database = embedded ? "embedded PGlite" : "BENCH_DATABASE_URL";
  const mode = process.env.BENCH_INNGEST_MODE === "production" ? "production" : "dev";
  const keys = mode === "production" ? { signingKey: randomBytes(32).toString("hex"), eventKey: randomBytes(16).toString("hex") } : undefined;

  // The app: a run is seen finished when its handler returns.
  const finished = new Map<string, () => void>();
  const app = http.createServer();
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const appUrl = `http://127.0.0.1:${(app.address() as net.AddressInfo).port}/api/inngest`;

  const schema = `bench_${Date.now()}`;
  const server = await startServer([
    "--port", "0",
    "--ui-port", "0",
    "--database-url", databaseUrl,
    "--app-url", appUrl,
    "--schema", schema,
    "--sync-interval", "0",
    "--quiet",
    ...(keys ? ["--signing-key", keys.signingKey, "--event-key", keys.eventKey] : []),
  ]);
  const logger = { info() {}, warn() {}, error() {}, debug() {} };
  const client = keys
    ? new Inngest({ id: "bench", isDev: false, baseUrl: server.url, eventKey: keys.eventKey, signingKey: keys.signingKey, logger })
    : new Inngest({ id: "bench", isDev: true, baseUrl: server.url, logger });
  const fiveSteps = client.createFunction({ id: "five-steps", retries: 0, triggers: [{ event: "bench/five" }] }, async ({ event, step }) => {
    for (let i = 0; i < 5; i++) await step.run(`noop-${i}`, () => i);
    // Code after the last step runs only in the final call, once every step is memoized.
    const key = String(event.data.key);
    finished.get(key)?.();
    return key;
  });
  app.on("request", serve({ client, functions: [fiveSteps], ...(keys ? { signingKey: keys.signingKey } : {}) }));

  const auth: Record<string, string> = keys ? { authorization: `Bearer ${keys.signingKey}` } : {};
  const api = async <T>(p: string): Promise<T> => (await (await fetch(`${server.url}/v0/${p}`, { headers: auth })).json()) as T;
  const waitFinished = (key: string) => new Promise<void>((resolve) => finished.set(key, resolve));

  try {
    const synced = await fetch(`${server.url}/v0/sync`, { method: "POST", headers: { ...auth, "content-type": "application/json" } });
    if (!synced.ok) throw new Error(`sync failed: ${await synced.text()}`);

    // 1. Latency of one 5-step run at a time: each starts once the previous
    // one is recorded as completed, so runs do not overlap.
    const e2e: number[] = [];
    let cpuStart = cpuMs(server.proc);
    for (let i = 0; i < WARMUP_RUNS + SEQUENTIAL_RUNS; i++) {
      if (i === WARMUP_RUNS) cpuStart = cpuMs(server.proc);
      const key = `seq-${i}`;
      const done = waitFinished(key);
      const t0 = performance.now();
      await client.send({ name: "bench/five", data: { key } });
      await done;
      if (i >= WARMUP_RUNS) e2e.push(performance.now() - t0);
      for (;;) {
        const [last] = (await api<{ runs: RunView[] }>("runs?limit=1")).runs;
        if (last?.status === "completed") break;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const cpuEnd = cpuMs(server.proc);
    const seqRuns = (await api<{ runs: RunView[] }>("runs?limit=1000")).runs.slice(0, SEQUENTIAL_RUNS);
    const serverSide = seqRuns.map((r) => r.durationMs ?? NaN).sort((a, b) => a - b);
    e2e.sort((a, b) => a - b);

    // 2. Throughput: 200 runs sent at once.
    const keys = Array.from({ length: CONCURRENT_RUNS }, (_, i) => `burst-${i}`);
    const all = Promise.all(keys.map(waitFinished));
    const t0 = performance.now();
    await client.send(keys.map((key) => ({ name: "bench/five", data: { key } })));
    await all;
    const drainMs = performance.now() - t0;
    // The server records completion just after the app answers; give it a moment.
    let statuses: Record<string, number> = {};
    for (let tries = 0; tries < 100; tries++) {
      const runs = (await api<{ runs: RunView[] }>(`runs?limit=1000`)).runs;
      statuses = {};
      for (const r of runs) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if ((statuses.completed ?? 0) >= WARMUP_RUNS + SEQUENTIAL_RUNS + CONCURRENT_RUNS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const failed = (statuses.failed ?? 0) + (statuses.running ?? 0) + (statuses.queued ?? 0);

    const result = {
      bench: "inngest-local",
      database,
      mode,
      sequential5Steps: {
        runs: SEQUENTIAL_RUNS,
        medianMs: round(percentile(e2e, 50)),
        p95Ms: round(percentile(e2e, 95)),
        serverMedianMs: round(percentile(serverSide, 50)),
        serverP95Ms: round(percentile(serverSide, 95)),
        // Includes the bench's own polling between runs.
        cpuMsPerRunApp: round((cpuEnd.self - cpuStart.self) / SEQUENTIAL_RUNS),
        cpuMsPerRunServer: cpuEnd.server === null || cpuStart.server === null ? null : round((cpuEnd.server - cpuStart.server) / SEQUENTIAL_RUNS),
        targetMs: TARGET_MS,
        meetsTarget: percentile(e2e, 50) < TARGET_MS,
      },
      concurrent: {
        runs: CONCURRENT_RUNS,
        stepsPerRun: 5,
        drainMs: round(drainMs),
        runsPerSecond: round(CONCURRENT_RUNS / (drainMs / 1000)),
        callsPerSecond: round((CONCURRENT_RUNS * 6) / (drainMs / 1000)),
        notCompleted: failed,
      },
    };
    const load = fs.existsSync("/proc/loadavg") ? fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") : "";
    Object.assign(result, { loadAverage: load });
    console.log(JSON.stringify(result));
    console.log(`
| measure (${database}, ${mode} mode)          | value |
|-----------------------------------------------|-------|
| 5 sequential steps, median (send → return)    | ${result.sequential5Steps.medianMs} ms (target < ${TARGET_MS}) |
| 5 sequential steps, p95                       | ${result.sequential5Steps.p95Ms} ms |
| 5 sequential steps, median (server run time)  | ${result.sequential5Steps.serverMedianMs} ms |
| CPU per run: app + Postgres / server process  | ${result.sequential5Steps.cpuMsPerRunApp} ms / ${result.sequential5Steps.cpuMsPerRunServer ?? "?"} ms |
| ${CONCURRENT_RUNS} runs at once, drained in                  | ${result.concurrent.drainMs} ms |
| throughput                                    | ${result.concurrent.runsPerSecond} runs/s (${result.concurrent.callsPerSecond} calls/s) |
| runs not completed                            | ${failed} |`);
    if (failed > 0) process.exitCode = 1;
  } finally {
    server.proc.kill("SIGTERM");
    await new Promise((r) => server.proc.once("exit", r));
    await new Promise<void>((r) => {
      app.closeAllConnections();
      app.close(() => r());
    });
    if (embedded) {
      await embedded.stop();
    } else {
      const pg = (await import("pg")).default;
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
  }
}

main().then(
  () => process.exit(),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
