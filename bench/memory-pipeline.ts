/**
 * Memory pipeline bench: from the end of a chat stream (turn saved + event
 * sent) to all three memory jobs done, with the offline extractor, the app's
 * real extract-memories function behind the SDK's real serve() (inngest/node)
 * on a node http server, driven by the project's local Inngest server
 * (in-process, quiet, default backoff), against Postgres. Loopback only; stops
 * by itself (a few minutes on 2 cores).
 *
 *   node --conditions=react-server --import tsx bench/memory-pipeline.ts
 *
 * (--conditions=react-server: lib/ imports "server-only", which throws outside
 * a React-server bundle; plain `npx tsx` fails.) Database: BENCH_DATABASE_URL
 * (a database of its own is created there and dropped after), else in-memory
 * embedded Postgres (PGlite) in a child process, as under `npm run dev`
 * (BENCH_PGLITE=inprocess: on this thread). See bench/README.md.
 *
 * Phases (sizes overridable with the BENCH_* variables in CONFIG):
 *   light       60 turns at 2/s over 30 users — the per-turn floor, unloaded (diagnostic).
 *   A latency   240 turns at 10/s over 60 users; latency per turn =
 *               max(memory_jobs.finished_at) − turns.completed_at, both from the
 *               database clock. Target: p95 < 1 s.
 *   B throughput 400 turns over 50 users, saved and sent as fast as 16 concurrent
 *               "chat requests" can; turns/s = completed turns / (last job
 *               finished − first turn saved). Target: ≥ 20 turns/s, none failed.
 * Where the time goes comes from the local server's own run and step records
 * (same database clock), HTTP calls counted at the serve() endpoint, SQL
 * statements counted in this process (app vs local server), and CPU from
 * /proc.
 *
 * Prints one `BENCH {json}` line, then tables. A missed target is reported,
 * never an error: the exit code is 1 only if the bench itself could not run.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import pg from "pg";
import { openAppBenchDatabase } from "./lib/database";
import { cpuSecondsOf, machineCpu, percentile, rng, round, sleep, summary, table } from "./lib/stats";
import { createUserWithConversation, saveChatTurn, turnSampler, type TurnContent } from "./lib/turns";

const int = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || v === "" ? fallback : Math.max(1, Math.floor(Number(v)));
};
const CONFIG = {
  warmupTurns: int("BENCH_WARMUP_TURNS", 10),
  lightTurns: int("BENCH_LIGHT_TURNS", 60),
  lightRate: int("BENCH_LIGHT_RATE", 2),
  lightUsers: int("BENCH_LIGHT_USERS", 30),
  latencyTurns: int("BENCH_LATENCY_TURNS", 240),
  latencyRate: int("BENCH_LATENCY_RATE", 10),
  latencyUsers: int("BENCH_LATENCY_USERS", 60),
  throughputTurns: int("BENCH_THROUGHPUT_TURNS", 400),
  throughputUsers: int("BENCH_THROUGHPUT_USERS", 50),
  throughputSenders: int("BENCH_THROUGHPUT_SENDERS", 16),
  /** Longest a phase waits for its last turn after its last send. */
  settleTimeoutMs: int("BENCH_SETTLE_TIMEOUT_MS", 180_000),
};
const TARGETS = { latencyP95Ms: 1000, turnsPerSecond: 20 };
const SCHEMA = "inngest_bench";
/** The local server connects with this application_name, so its statements can be told from the app's. */
const SERVER_APP_NAME = "inngest-local-bench";
/** The bench's own measuring connection, left out of the counts. */
const PROBE_APP_NAME = "bench-probe";

/** SQL statements sent by this process, split by sender (the app's pool vs the local server's). */
const sqlCounts = { app: 0, server: 0, appTx: 0, serverTx: 0 };
{
  type Query = (...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  proto.query = function (this: { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
    const name = this.connectionParameters?.application_name;
    if (name === PROBE_APP_NAME) return original.apply(this, args);
    const side = name === SERVER_APP_NAME ? "server" : "app";
    sqlCounts[side]++;
    const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
    if (typeof text === "string" && /^\s*begin\b/i.test(text)) sqlCounts[`${side}Tx`]++;
    return original.apply(this, args);
  };
}

interface Sent {
  turnId: string;
  userId: string;
  conversationId: string;
  sendMs: number;
  ok: boolean;
}

async function main() {
  const started = performance.now();
  const db = await openAppBenchDatabase();
  const probeUrl = new URL(db.url);
  probeUrl.searchParams.set("application_name", PROBE_APP_NAME);
  const probe = new pg.Pool({ connectionString: probeUrl.toString(), max: 1 });
  probe.on("error", () => {}); // an idle connection cut at teardown must not crash the bench

  // The app's serve() endpoint first (its handler attached below), so the local server knows where to sync.
  const calls = { n: 0, busyMs: 0 };
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const app = http.createServer((req, res) => {
    const t0 = performance.now();
    calls.n++;
    res.once("finish", () => (calls.busyMs += performance.now() - t0));
    handler(req, res);
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const serverLog: string[] = [];
  const serverUrl = new URL(db.url);
  serverUrl.searchParams.set("application_name", SERVER_APP_NAME);
  const { startLocalInngestServer } = await import("@/inngest/local-server");
  const server = await startLocalInngestServer({
    databaseUrl: serverUrl.toString(),
    appUrls: [`http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`],
    port: 0,
    uiPort: null,
    schema: SCHEMA,
    syncIntervalMs: 0,
    quiet: true,
    log: (line) => serverLog.push(line),
  });
  // The app's Inngest client reads INNGEST_DEV when first imported.
  process.env.INNGEST_DEV = server.url;
  const { inngest } = await import("@/inngest/client");
  const { serve } = await import("inngest/node");
  const { createExtractMemories } = await import("@/inngest/functions/extract-memories");
  const { createOfflineExtractor } = await import("@/lib/memory/extractors/offline");
  const { sendTurnEvent } = await import("@/inngest/send");
  const { closeDb } = await import("@/db/client");
  handler = serve({ client: inngest, functions: [createExtractMemories({ extractor: () => createOfflineExtractor() })] });
  const synced = await server.syncNow();
  if (synced.length === 0 || synced.some((s) => !s.ok)) {
    throw new Error(`the local Inngest server could not sync the app: ${synced.map((s) => s.error).join("; ")}`);
  }

  const nextTurn = turnSampler(rng(42));

  /** Stream end as in app/api/chat/route.ts: save the turn, then send chat/turn.completed. */
  async function endOfStream(user: { userId: string; conversationId: string }, content: TurnContent): Promise<Sent> {
    const t0 = performance.now();
    const turn = await saveChatTurn(user, content);
    const ok = await sendTurnEvent(turn);
    return { ...turn, sendMs: performance.now() - t0, ok };
  }

  async function users(n: number, title: string) {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await createUserWithConversation(title));
    return out;
  }

  /** Waits (bounded) until every turn's memory status is done or failed. */
  async function settle(turnIds: string[]) {
    const deadline = performance.now() + CONFIG.settleTimeoutMs;
    let done = 0;
    let failed = 0;
    while (performance.now() < deadline) {
      const { rows } = await probe.query<{ done: number; failed: number }>(
        `select count(*) filter (where memory_status = 'done')::int as done,
                count(*) filter (where memory_status = 'failed')::int as failed
         from turns where id = any($1::uuid[])`,
        [turnIds],
      );
      ({ done, failed } = rows[0]!);
      if (done + failed >= turnIds.length) break;
      await sleep(200);
    }
    return { done, failed, pending: turnIds.length - done - failed };
  }

  /** `count` turns at `rate`/s, round-robin over `who`. */
  async function steady(who: Array<{ userId: string; conversationId: string }>, count: number, rate: number) {
    const sends: Promise<Sent>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      sends.push(endOfStream(who[i % who.length]!, nextTurn()));
    }
    return Promise.all(sends);
  }

  /** `count` turns round-robin over `who`, by `senders` concurrent requests, each saving and sending back to back. */
  async function burst(who: Array<{ userId: string; conversationId: string }>, count: number, senders: number) {
    const contents = Array.from({ length: count }, () => nextTurn());
    const sent: Sent[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: senders }, async () => {
        for (let i = next++; i < count; i = next++) sent.push(await endOfStream(who[i % who.length]!, contents[i]!));
      }),
    );
    return sent;
  }

  /** Runs a phase: sends, waits for it to settle, and measures it from the database and the counters. */
  async function phase(name: string, send: () => Promise<Sent[]>) {
    const sql0 = { ...sqlCounts };
    const calls0 = { ...calls };
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const [pg0, m0] = [await cpuSecondsOf(db.pid), await machineCpu()];
    const t0 = performance.now();
    const sent = await send();
    const sendWindowS = (performance.now() - t0) / 1000;
    const settled = await settle(sent.map((s) => s.turnId));
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const [pg1, m1] = [await cpuSecondsOf(db.pid), await machineCpu()];
    const elu = performance.eventLoopUtilization(elu0).utilization;
    lag.disable();

    const ids = sent.map((s) => s.turnId);
    const n = ids.length;
    const { rows } = await probe.query<{
      jobs_done: number;
      jobs_failed: number;
      latency_ms: number | null;
      status_ms: number | null;
      saved_ms: number;
      jobs_at_ms: number | null;
    }>(
      `select count(*) filter (where j.status = 'done')::int as jobs_done,
              count(*) filter (where j.status = 'failed')::int as jobs_failed,
              extract(epoch from (max(j.finished_at) - t.completed_at)) * 1000 as latency_ms,
              case when t.memory_status = 'done'
                   then extract(epoch from (t.memory_updated_at - t.completed_at)) * 1000 end as status_ms,
              extract(epoch from t.completed_at) * 1000 as saved_ms,
              extract(epoch from max(j.finished_at)) * 1000 as jobs_at_ms
       from turns t left join memory_jobs j on j.turn_id = t.id
       where t.id = any($1::uuid[])
       group by t.id`,
      [ids],
    );
    const complete = rows.filter((r) => r.jobs_done === 3);
    const spanMs =
      Math.max(...complete.map((r) => Number(r.jobs_at_ms))) - Math.min(...rows.map((r) => Number(r.saved_ms)));

    // The run's segments, from the local server's run/step records (same database clock).
    const seg = await probe.query<Record<string, number | null>>(
      `with r as (
         select r.id, (r.event->'data'->>'turnId')::uuid as turn_id, r.started_at, r.ended_at, e.received_at
         from "${SCHEMA}".runs r join "${SCHEMA}".events e on e.id = r.event_id
         where r.fn_id like '%extract-memories' and (r.event->'data'->>'turnId')::uuid = any($1::uuid[])
       ), s as (
         select run_id,
                max(ended_at) filter (where name = 'load-turn') as load_end,
                max(ended_at) filter (where name like 'extract-%') as extract_end,
                max(ended_at) filter (where name = 'store-procedural') as store_end,
                max(ended_at) filter (where name = 'finish-turn') as finish_end,
                sum(extract(epoch from (ended_at - started_at)) * 1000) as in_calls
         from "${SCHEMA}".steps group by run_id
       )
       select extract(epoch from (r.received_at - t.completed_at)) * 1000 as "saved → event stored",
              extract(epoch from (r.started_at - r.received_at)) * 1000 as "event → first call leased",
              extract(epoch from (s.load_end - r.started_at)) * 1000 as "load-turn",
              extract(epoch from (s.extract_end - s.load_end)) * 1000 as "3 extract steps",
              extract(epoch from (s.store_end - s.extract_end)) * 1000 as "3 store steps",
              extract(epoch from (s.finish_end - s.store_end)) * 1000 as "finish-turn",
              extract(epoch from (r.ended_at - s.finish_end)) * 1000 as "run completed",
              s.in_calls as "of which inside step calls (sum)"
       from r join s on s.run_id = r.id join turns t on t.id = r.turn_id`,
      [ids],
    );
    const segments: Record<string, { median: number; p95: number }> = {};
    for (const key of Object.keys(seg.rows[0] ?? {})) {
      const values = seg.rows.map((row) => Number(row[key])).filter(Number.isFinite);
      segments[key] = { median: round(percentile(values, 50)), p95: round(percentile(values, 95)) };
    }

    const perTurn = (x: number) => round(x / Math.max(1, n), 1);
    return {
      name,
      turns: n,
      completed: complete.length,
      failed_turns: settled.failed,
      failed_jobs: rows.reduce((k, r) => k + r.jobs_failed, 0),
      pending_turns: settled.pending,
      send_failures: sent.filter((s) => !s.ok).length,
      send_window_s: round(sendWindowS, 2),
      jobs_done_ms: summary(complete.map((r) => Number(r.latency_ms))),
      turn_status_done_ms: summary(rows.filter((r) => r.status_ms !== null).map((r) => Number(r.status_ms))),
      save_and_send_ms: summary(sent.map((s) => s.sendMs)),
      span_s: round(spanMs / 1000, 2),
      turns_per_s: round((complete.length / spanMs) * 1000, 1),
      segments_ms: segments,
      app_calls_per_turn: perTurn(calls.n - calls0.n),
      ms_per_app_call: round((calls.busyMs - calls0.busyMs) / Math.max(1, calls.n - calls0.n), 1),
      sql_per_turn: {
        app: perTurn(sqlCounts.app - sql0.app),
        local_server: perTurn(sqlCounts.server - sql0.server),
        app_transactions: perTurn(sqlCounts.appTx - sql0.appTx),
        local_server_transactions: perTurn(sqlCounts.serverTx - sql0.serverTx),
      },
      cpu_ms_per_turn: {
        bench_process: perTurn((cpu.user + cpu.system) / 1000),
        pglite_process: pg0 !== undefined && pg1 !== undefined ? perTurn((pg1 - pg0) * 1000) : null,
      },
      bench_process_cpu_pct_of_one_core: round(((cpu.user + cpu.system) / 1e6 / wallS) * 100, 0),
      bench_event_loop_busy_pct: round(elu * 100, 0),
      bench_event_loop_delay_p99_ms: round(lag.percentile(99) / 1e6, 0),
      pglite_cpu_pct_of_one_core: pg0 !== undefined && pg1 !== undefined ? round(((pg1 - pg0) / wallS) * 100, 0) : null,
      machine_busy_pct_all_cores:
        m0 && m1 ? round(((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 100, 0) : null,
      wall_s: round(wallS, 1),
    };
  }

  // Warm-up (JIT, pools, keep-alive sockets): not reported.
  const warmUsers = await users(5, "warm-up");
  await settle((await steady(warmUsers, CONFIG.warmupTurns, 2)).map((s) => s.turnId));

  const light = await phase("light", async () => steady(await users(CONFIG.lightUsers, "light"), CONFIG.lightTurns, CONFIG.lightRate));
  const usersA = await users(CONFIG.latencyUsers, "latency");
  const latency = await phase("latency", () => steady(usersA, CONFIG.latencyTurns, CONFIG.latencyRate));
  const usersB = await users(CONFIG.throughputUsers, "throughput");
  const throughput = await phase("throughput", () => burst(usersB, CONFIG.throughputTurns, CONFIG.throughputSenders));

  const allDone = (p: typeof light) => p.completed === p.turns && p.failed_jobs === 0 && p.failed_turns === 0;
  const latencyMet = allDone(latency) && latency.jobs_done_ms.p95 < TARGETS.latencyP95Ms;
  const throughputMet = allDone(throughput) && throughput.turns_per_s >= TARGETS.turnsPerSecond;
  const report = {
    bench: "memory-pipeline",
    database: db.kind,
    extractor: "offline",
    inngest: "local server, in-process, quiet, default backoff",
    cpus: os.cpus().length,
    loadavg_at_start: os.loadavg().map((x) => round(x, 2)),
    node: process.version,
    config: CONFIG,
    targets: {
      latency_p95_ms: { target: TARGETS.latencyP95Ms, value: latency.jobs_done_ms.p95, met: latencyMet },
      turns_per_s: { target: TARGETS.turnsPerSecond, value: throughput.turns_per_s, met: throughputMet },
    },
    phases: { light, latency, throughput },
    server_errors: serverLog.filter((l) => /error/i.test(l)).slice(0, 5),
    wall_s: 0,
  };

  report.wall_s = round((performance.now() - started) / 1000, 1);

  const ok = (met: boolean) => (met ? "met" : "MISSED");
  const P = [light, latency, throughput];
  console.log(`BENCH ${JSON.stringify(report)}`);
  console.log();
  console.log(
    `memory pipeline — offline extractor, local Inngest server, ${db.kind}, ${report.cpus} CPUs, load average at start ${report.loadavg_at_start[0]}`,
  );
  console.log(
    table([
      ["", "value", "target", ""],
      [`A latency p95 (${latency.completed}/${latency.turns} turns at ${CONFIG.latencyRate}/s)`, `${latency.jobs_done_ms.p95} ms`, `< ${TARGETS.latencyP95Ms} ms`, ok(latencyMet)],
      [`B throughput (${throughput.completed}/${throughput.turns} turns, ${CONFIG.throughputUsers} users)`, `${throughput.turns_per_s} turns/s`, `≥ ${TARGETS.turnsPerSecond}`, ok(throughputMet)],
      ["B failed jobs / failed turns / pending", `${throughput.failed_jobs} / ${throughput.failed_turns} / ${throughput.pending_turns}`, "0 / 0 / 0", ""],
    ]),
  );
  console.log();
  const row = (label: string, f: (p: typeof light) => string | number | null) => [label, ...P.map((p) => String(f(p) ?? "n/a"))];
  console.log(
    table([
      ["per phase", `light ${CONFIG.lightRate}/s`, `A ${CONFIG.latencyRate}/s`, "B burst"],
      row("turns completed", (p) => `${p.completed}/${p.turns}`),
      row("stream end → 3 jobs done, median ms", (p) => p.jobs_done_ms.median),
      row("  p95 ms", (p) => p.jobs_done_ms.p95),
      row("  max ms", (p) => p.jobs_done_ms.max),
      row("stream end → turn status done, p95 ms", (p) => p.turn_status_done_ms.p95),
      row("turns/s (completed / span)", (p) => p.turns_per_s),
      ...Object.keys(latency.segments_ms).map((k) => row(`segment median ms: ${k}`, (p) => p.segments_ms[k]?.median ?? null)),
      row("HTTP calls to serve() per turn", (p) => p.app_calls_per_turn),
      row("ms per serve() call", (p) => p.ms_per_app_call),
      row("SQL queries (round trips) per turn: app / local server", (p) => `${p.sql_per_turn.app} / ${p.sql_per_turn.local_server}`),
      row("transactions per turn: app / local server", (p) => `${p.sql_per_turn.app_transactions} / ${p.sql_per_turn.local_server_transactions}`),
      row("CPU ms per turn: bench process / PGlite", (p) => `${p.cpu_ms_per_turn.bench_process} / ${p.cpu_ms_per_turn.pglite_process ?? "n/a"}`),
      row("CPU % of a core: bench process / PGlite", (p) => `${p.bench_process_cpu_pct_of_one_core} / ${p.pglite_cpu_pct_of_one_core ?? "n/a"}`),
      row("bench event loop busy % / delay p99 ms", (p) => `${p.bench_event_loop_busy_pct} / ${p.bench_event_loop_delay_p99_ms}`),
      row("machine busy % (all cores, all processes)", (p) => p.machine_busy_pct_all_cores),
    ]),
  );

  // Teardown after the report, so a problem here cannot cost the figures.
  await server.stop();
  await new Promise<void>((resolve) => {
    app.close(() => resolve());
    app.closeAllConnections();
  });
  await closeDb();
  await probe.end();
  await db.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error("bench failed:", error);
    process.exit(1);
  },
);
