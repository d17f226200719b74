import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { getActiveMemoriesByUserId } from "@/db/queries/memories";
import { getMemoryJobsByTurnId } from "@/db/queries/memory-jobs";
import { getTurnById } from "@/db/queries/turns";
import { createExtractMemories } from "@/inngest/functions/extract-memories";
import { createOfflineExtractor } from "@/lib/memory/extractors/offline";
import type { MemoryExtractor } from "@/lib/memory/types";
import { seedTurn } from "./fixtures";

const offline = createOfflineExtractor();

function engineFor(extractor: MemoryExtractor, event: { turnId: string; userId: string; conversationId: string }) {
  // A fresh engine per run: a reused one replays memoized step results.
  return new InngestTestEngine({
    function: createExtractMemories({ extractor: () => extractor }),
    events: [{ name: "chat/turn.completed", data: event }],
  });
}

const ZED = "My name is Zed, I live in Lisbon and I'm allergic to peanuts. From now on, call me Captain.";

// Per-type failure, retry of one step and onFailure need a server that memoizes
// steps and retries them; they are tested through the local Inngest server in
// local-server-pipeline.test.ts. @inngest/test covers the step plan and idempotency.
describe("extract-memories", () => {
  it("runs load, three extractions, three stores and finish, in that order", async () => {
    const turn = await seedTurn({ userText: ZED });
    const { ctx, result } = await engineFor(offline, turn).execute();
    const stepIds = (ctx.step.run as unknown as { mock: { calls: unknown[][] } }).mock.calls.map((c) => c[0]);
    expect(stepIds).toEqual([
      "load-turn",
      "extract-episodic",
      "extract-semantic",
      "extract-procedural",
      "store-episodic",
      "store-semantic",
      "store-procedural",
      "finish-turn",
      "embed-memories",
    ]);
    expect(result).toMatchObject({ status: "done" });
    const jobs = await getMemoryJobsByTurnId({ turnId: turn.turnId });
    expect(jobs.map((j) => [j.type, j.status])).toEqual([
      ["episodic", "done"],
      ["semantic", "done"],
      ["procedural", "done"],
    ]);
    expect((await getTurnById({ userId: turn.userId, id: turn.turnId }))?.memoryStatus).toBe("done");
    const semantic = await getActiveMemoriesByUserId({ userId: turn.userId, type: "semantic" });
    expect(semantic.map((m) => m.key)).toEqual(expect.arrayContaining(["name", "home_city"]));
  });

  it("processing the same turn twice changes nothing", async () => {
    const turn = await seedTurn({ userText: ZED });
    await engineFor(offline, turn).execute();
    const before = await getActiveMemoriesByUserId({ userId: turn.userId });
    const jobsBefore = await getMemoryJobsByTurnId({ turnId: turn.turnId });
    const { result } = await engineFor(offline, turn).execute();
    expect(result).toMatchObject({ status: "done" });
    const after = await getActiveMemoriesByUserId({ userId: turn.userId });
    expect(after.map((m) => [m.id, m.content, m.updatedAt.toISOString()])).toEqual(
      before.map((m) => [m.id, m.content, m.updatedAt.toISOString()]),
    );
    const jobsAfter = await getMemoryJobsByTurnId({ turnId: turn.turnId });
    expect(jobsAfter.map((j) => [j.type, j.added])).toEqual(jobsBefore.map((j) => [j.type, j.added]));
  });
});
