import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { Worker } from "node:worker_threads";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { EmbeddingError, getEmbedder } from "@/lib/memory/embedding";
import { createOpenAIEmbedder } from "@/lib/memory/embedding/openai";
import { createUseLiteEmbedder, MAX_BATCH, USE_LITE_ID, type UseLiteEmbedder } from "@/lib/memory/embedding/use-lite";
import { createOpenAI } from "@ai-sdk/openai";
import { startOpenAITestServer, type OpenAITestServer } from "@/tests/helpers/openai-test-server";

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

describe("the offline embedder (USE-lite in a worker thread)", () => {
  let embedder: UseLiteEmbedder;

  beforeAll(async () => {
    embedder = createUseLiteEmbedder();
    await embedder.warmUp();
  }, 60_000);
  afterAll(async () => {
    await embedder.close();
  });

  it("loads the model once and embeds into 512 unit-length dimensions", async () => {
    expect(embedder).toMatchObject({ id: USE_LITE_ID, dimensions: 512 });
    expect(embedder.stats.loadMs).toBeGreaterThan(0);
    const [v] = await embedder.embed(["User is allergic to peanuts"]);
    expect(v).toHaveLength(512);
    expect(norm(v!)).toBeCloseTo(1, 5);
  });

  it("places related sentences nearer than unrelated ones", async () => {
    const [food, peanuts, lisbon] = await embedder.embed([
      "What food can't I eat?",
      "User is allergic to peanuts",
      "User lives in Lisbon",
    ]);
    expect(dot(food!, peanuts!)).toBeGreaterThan(embedder.minSimilarity);
    expect(dot(food!, peanuts!)).toBeGreaterThan(dot(food!, lisbon!) + 0.1);
  });

  it("answers many texts in order, split across batches, as if embedded one by one", async () => {
    const texts = Array.from({ length: MAX_BATCH * 2 + 3 }, (_, i) => `User collects stamp number ${i} from Oslo`);
    const batches = embedder.stats.batches;
    const all = await embedder.embed(texts);
    expect(embedder.stats.batches - batches).toBe(3);
    for (const i of [0, MAX_BATCH, texts.length - 1]) {
      const [alone] = await embedder.embed([texts[i]!]);
      expect(dot(all[i]!, alone!)).toBeCloseTo(1, 4);
    }
  });

  it("embeds an empty text instead of failing the batch", async () => {
    const [blank, word] = await embedder.embed(["", "hello"]);
    expect(blank).toHaveLength(512);
    expect(word).toHaveLength(512);
  });

  it("serves a query before queued background work", async () => {
    const order: string[] = [];
    const background = embedder
      .embed(Array.from({ length: MAX_BATCH * 4 }, (_, i) => `background memory ${i}`))
      .then(() => order.push("background"));
    const query = embedder.embed(["what is my name?"], { priority: "query" }).then(() => order.push("query"));
    await Promise.all([background, query]);
    expect(order).toEqual(["query", "background"]);
  });

  it("gives up on an aborted call without disturbing the others", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const kept = embedder.embed(Array.from({ length: MAX_BATCH * 2 }, (_, i) => `kept ${i}`));
    const aborted = embedder.embed(["aborted"], { signal: controller.signal });
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    await expect(kept).resolves.toHaveLength(MAX_BATCH * 2);
    await expect(embedder.embed(["x"], { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it("fails what a dying worker held, then starts a new one", async () => {
    const pending = embedder.embed(Array.from({ length: MAX_BATCH * 3 }, (_, i) => `doomed ${i}`));
    // The worker thread dies mid-batch (an out-of-memory kill, a crash in the runtime).
    await (embedder as unknown as { worker: Worker }).worker.terminate();
    await expect(pending).rejects.toMatchObject({ code: "embedding:worker-failed" });
    await expect(embedder.embed(["alive again"])).resolves.toHaveLength(1);
  });

  it("does not keep a script's process alive once it is idle", async () => {
    const root = path.resolve(import.meta.dirname, "../../..");
    const script = `
      import { createUseLiteEmbedder } from ${JSON.stringify(path.join(root, "lib/memory/embedding/use-lite.ts"))};
      const [v] = await createUseLiteEmbedder().embed(["hello"]);
      console.log("dimensions", v.length);`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "--eval", script],
      { cwd: root, timeout: 30_000 },
    );
    expect(stdout.trim()).toBe("dimensions 512");
  }, 40_000);
});

describe("the OpenAI-compatible embedder", () => {
  let server: OpenAITestServer;
  beforeAll(async () => {
    server = await startOpenAITestServer({ embeddingDimensions: 1536 });
  });
  afterAll(async () => {
    await server.close();
  });
  const modelOf = (s: OpenAITestServer) => async () =>
    createOpenAI({ apiKey: "test", baseURL: s.baseURL }).embedding("text-embedding-3-small");

  it("knows OpenAI's own sizes, and asks for a shortened vector only when told to", async () => {
    const full = createOpenAIEmbedder({ modelName: "text-embedding-3-small", loadModel: modelOf(server) });
    expect(full).toMatchObject({ id: "openai:text-embedding-3-small", dimensions: 1536 });
    const [v] = await full.embed(["hello"]);
    expect(v).toHaveLength(1536);
    expect(server.embeddingRequests.at(-1)).not.toHaveProperty("dimensions");

    const short = createOpenAIEmbedder({ modelName: "text-embedding-3-small", dimensions: 256, loadModel: modelOf(server) });
    const [s] = await short.embed(["hello"]);
    expect(s).toHaveLength(256);
    expect(norm(s!)).toBeCloseTo(1, 6);
    expect(server.embeddingRequests.at(-1)).toMatchObject({ model: "text-embedding-3-small", dimensions: 256 });
  });

  it("refuses a model of unknown size, and vectors of the wrong size", async () => {
    expect(() => createOpenAIEmbedder({ modelName: "nomic-embed-text", loadModel: modelOf(server) })).toThrow(
      expect.objectContaining({ code: "embedding:not-configured" }),
    );
    // The server answers 1536 numbers; the embedder was told 768.
    const wrong = createOpenAIEmbedder({ modelName: "nomic-embed-text", dimensions: 768, loadModel: modelOf(server) });
    await expect(wrong.embed(["hello"])).rejects.toBeInstanceOf(EmbeddingError);
  });

  it("retries background work but not a query a reply is waiting for", async () => {
    const failing = await startOpenAITestServer({ embeddingError: { status: 500, message: "down" } });
    try {
      const embedder = createOpenAIEmbedder({ modelName: "text-embedding-3-small", loadModel: modelOf(failing) });
      await expect(embedder.embed(["q"], { priority: "query" })).rejects.toThrow();
      expect(failing.embeddingRequests).toHaveLength(1);
      await expect(embedder.embed(["m"])).rejects.toThrow();
      expect(failing.embeddingRequests).toHaveLength(1 + 3);
    } finally {
      await failing.close();
    }
  }, 30_000);
});

describe("getEmbedder", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  function useEnv(values: Record<string, string>) {
    for (const key of [
      "EMBEDDINGS",
      "OPENAI_API_KEY",
      "OPENAI_BASE_URL",
      "OPENAI_EMBEDDING_MODEL",
      "OPENAI_EMBEDDING_DIMENSIONS",
    ]) {
      vi.stubEnv(key, values[key]); // undefined removes it, whatever the developer's shell has
    }
    resetEnvCache();
  }

  it("uses the offline encoder by default, one instance per process", () => {
    useEnv({});
    const embedder = getEmbedder();
    expect(embedder).toMatchObject({ id: USE_LITE_ID, dimensions: 512 });
    expect(getEmbedder()).toBe(embedder);
  });

  it("stays offline when an embedding model is named but no provider is configured", () => {
    useEnv({ OPENAI_EMBEDDING_MODEL: "text-embedding-3-small" });
    expect(getEmbedder()?.id).toBe(USE_LITE_ID);
  });

  it("uses the named OpenAI model with a key or a base URL", () => {
    useEnv({ OPENAI_API_KEY: "sk-test", OPENAI_EMBEDDING_MODEL: "text-embedding-3-large" });
    expect(getEmbedder()).toMatchObject({ id: "openai:text-embedding-3-large", dimensions: 3072 });
    useEnv({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", OPENAI_EMBEDDING_MODEL: "nomic-embed-text", OPENAI_EMBEDDING_DIMENSIONS: "768" });
    expect(getEmbedder()).toMatchObject({ id: "openai:nomic-embed-text", dimensions: 768 });
  });

  it("is null with EMBEDDINGS=off", () => {
    useEnv({ EMBEDDINGS: "off", OPENAI_API_KEY: "sk-test", OPENAI_EMBEDDING_MODEL: "text-embedding-3-small" });
    expect(getEmbedder()).toBeNull();
  });
});
