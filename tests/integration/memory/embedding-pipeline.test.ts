import { InngestTestEngine } from "@inngest/test";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { getActiveMemoriesByUserId } from "@/db/queries/memories";
import { getMemoryJobsByTurnId } from "@/db/queries/memory-jobs";
import { getTurnById } from "@/db/queries/turns";
import { createExtractMemories } from "@/inngest/functions/extract-memories";
import { createReembedMemories, REEMBED_MAX_BATCHES } from "@/inngest/functions/reembed-memories";
import type { Embedder } from "@/lib/memory/embedding";
import { USE_LITE_ID } from "@/lib/memory/embedding/use-lite";
import { createOfflineExtractor } from "@/lib/memory/extractors/offline";
import { embedPendingMemories, embedStaleMemories, embedTurnMemories } from "@/lib/memory/retrieval/embeddings";
import { embedText } from "@/tests/helpers/openai-test-server";
import { seedTurn } from "../pipeline/fixtures";
import { createUser, seedMemories } from "./fixtures";

const offline = createOfflineExtractor();
const ZED = "My name is Zed, I live in Lisbon and I'm allergic to peanuts. From now on, call me Captain.";

function extractEngine(fn: ReturnType<typeof createExtractMemories>, turn: { turnId: string; userId: string; conversationId: string }) {
  // A fresh engine per run: a reused one replays memoized step results.
  return new InngestTestEngine({ function: fn, events: [{ name: "chat/turn.completed", data: turn }] });
}

const cronEvent: [{ name: string; data: Record<string, unknown> }] = [
  { name: "inngest/scheduled.timer", data: { cron: "* * * * *" } },
];

async function embeddingsOf(userId: string) {
  const { rows } = await getDb().execute<{ memory_id: string; model: string; dimensions: number }>(
    sql`select memory_id, model, dimensions from memory_embeddings where user_id = ${userId}`,
  );
  return rows;
}

/** Deterministic vectors of words (the shared test server's hashing), under a model id of the test's choosing. */
function hashingEmbedder(id: string): Embedder {
  return { id, dimensions: 16, embed: async (texts) => texts.map((t) => embedText(t, 16)) };
}

describe("embed-memories, the pipeline's last step", () => {
  it("stores a vector of the offline model for each new fact and episode of the turn", async () => {
    const turn = await seedTurn({ userText: ZED });
    // @inngest/test runs a step body more than once, some after execute() has returned: wait for all.
    const runs: Promise<unknown>[] = [];
    const fn = createExtractMemories({
      extractor: () => offline,
      embed: (args) => {
        const run = embedTurnMemories(args);
        runs.push(run);
        return run;
      },
    });
    const { result } = await extractEngine(fn, turn).execute();
    await Promise.all(runs);
    const active = await getActiveMemoriesByUserId({ userId: turn.userId });
    const searchable = active.filter((m) => m.type !== "procedural");
    expect(searchable.length).toBeGreaterThanOrEqual(3);
    expect(active.some((m) => m.type === "procedural")).toBe(true);
    expect(result).toMatchObject({ status: "done", embedded: { embedded: searchable.length } });
    const rows = await embeddingsOf(turn.userId);
    // Procedural memories are always retrieved whole: never embedded.
    expect(rows.map((r) => r.memory_id).sort()).toEqual(searchable.map((m) => m.id).sort());
    expect(rows.every((r) => r.model === USE_LITE_ID && r.dimensions === 512)).toBe(true);
  });

  it("never fails the turn's memories when the embedder fails", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const broken: Embedder = {
      id: "test:broken",
      dimensions: 16,
      embed: async () => {
        throw new Error("embedding service down");
      },
    };
    const turn = await seedTurn({ userText: ZED });
    const fn = createExtractMemories({
      extractor: () => offline,
      embed: (args) => embedTurnMemories({ ...args, embedder: broken }),
    });
    const { result, error } = await extractEngine(fn, turn).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ status: "done", embedded: { embedded: 0, error: "embedding service down" } });
    expect((await getTurnById({ userId: turn.userId, id: turn.turnId }))?.memoryStatus).toBe("done");
    const jobs = await getMemoryJobsByTurnId({ turnId: turn.turnId });
    expect(jobs.every((j) => j.status === "done")).toBe(true);
    expect(await getActiveMemoriesByUserId({ userId: turn.userId, type: "semantic" })).not.toHaveLength(0);
    expect(await embeddingsOf(turn.userId)).toEqual([]);
    vi.restoreAllMocks();
  });
});

describe("reembed-memories, the background catch-up", () => {
  it("re-embeds a user's memories for a new model in bounded batches, then stops", async () => {
    const userId = await createUser();
    await seedMemories(userId, Array.from({ length: 10 }, (_, i) => ({ content: `User keeps note number ${i}` })));
    await embedPendingMemories({ userId, embedder: hashingEmbedder("test:old-model") });
    const next = hashingEmbedder("test:new-model");
    const fn = createReembedMemories({ embedBatch: () => embedStaleMemories({ userId, embedder: next, limit: 4 }) });

    const { ctx, result } = await new InngestTestEngine({ function: fn, events: cronEvent }).execute();
    const stepIds = (ctx.step.run as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((c) => c[0]);
    expect(stepIds).toEqual(["embed-batch-1", "embed-batch-2", "embed-batch-3"]);
    expect(result).toEqual({ embedded: 10 });
    const rows = await embeddingsOf(userId);
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.model))).toEqual(new Set(["test:new-model"]));

    // Nothing left: one look, nothing written.
    const again = await new InngestTestEngine({ function: fn, events: cronEvent }).execute();
    expect(again.result).toEqual({ embedded: 0 });
  });

  it("does at most REEMBED_MAX_BATCHES batches per run", async () => {
    const fn = createReembedMemories({ embedBatch: async () => ({ embedded: 128, remaining: true }) });
    const { ctx, result } = await new InngestTestEngine({ function: fn, events: cronEvent }).execute();
    expect((ctx.step.run as unknown as { mock: { calls: unknown[] } }).mock.calls).toHaveLength(REEMBED_MAX_BATCHES);
    expect(result).toEqual({ embedded: 128 * REEMBED_MAX_BATCHES });
  });

  it("does nothing with embeddings off", async () => {
    const fn = createReembedMemories({
      embedBatch: () => embedStaleMemories({ embedder: null }),
    });
    const { result } = await new InngestTestEngine({ function: fn, events: cronEvent }).execute();
    expect(result).toEqual({ embedded: 0, skipped: "embeddings-off" });
  });
});
