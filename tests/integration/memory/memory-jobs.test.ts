import { describe, expect, it } from "vitest";
import {
  completeMemoryJob,
  ensureMemoryJobsForTurn,
  failMemoryJob,
  getMemoryJobsByTurnId,
  markMemoryJobRunning,
  resetFailedMemoryJobs,
} from "@/db/queries/memory-jobs";
import { createTurn, createUserWithConversation } from "./fixtures";

async function newTurn() {
  const { userId, conversationId } = await createUserWithConversation();
  return createTurn({ userId, conversationId });
}

describe("memory jobs", () => {
  it("creates the turn's three jobs once", async () => {
    const t = await newTurn();
    const first = await ensureMemoryJobsForTurn(t);
    await markMemoryJobRunning({ turnId: t.turnId, type: "semantic" });
    const again = await ensureMemoryJobsForTurn(t);
    expect(first.map((j) => [j.type, j.status])).toEqual([
      ["episodic", "pending"],
      ["semantic", "pending"],
      ["procedural", "pending"],
    ]);
    expect(again.map((j) => j.id)).toEqual(first.map((j) => j.id));
    expect(again[1]?.status).toBe("running");
  });

  it("runs, fails, resets and completes a job", async () => {
    const t = await newTurn();
    await ensureMemoryJobsForTurn(t);
    const running = await markMemoryJobRunning({ turnId: t.turnId, type: "semantic" });
    expect(running).toMatchObject({ status: "running", attempts: 1, error: null });
    expect(running?.startedAt).toBeInstanceOf(Date);

    const failed = await failMemoryJob({ turnId: t.turnId, type: "semantic", error: "x".repeat(5000) });
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed?.error).toHaveLength(2000);
    await completeMemoryJob({ turnId: t.turnId, type: "episodic", counts: { added: 1, updated: 0, superseded: 0 } });

    const reset = await resetFailedMemoryJobs({ turnId: t.turnId });
    expect(reset.map((j) => [j.type, j.status, j.error])).toEqual([["semantic", "pending", null]]);
    expect((await markMemoryJobRunning({ turnId: t.turnId, type: "semantic" }))?.attempts).toBe(2);

    const done = await completeMemoryJob({
      turnId: t.turnId,
      type: "semantic",
      counts: { added: 2, updated: 1, superseded: 1 },
      usage: { inputTokens: 120, outputTokens: 30 },
    });
    expect(done).toMatchObject({
      status: "done",
      added: 2,
      updated: 1,
      superseded: 1,
      inputTokens: 120,
      outputTokens: 30,
      error: null,
    });
    // A re-run of a stored turn reports zeros; the saved counts stay.
    await completeMemoryJob({ turnId: t.turnId, type: "semantic", counts: { added: 0, updated: 0, superseded: 0 } });
    const jobs = await getMemoryJobsByTurnId({ turnId: t.turnId });
    expect(jobs.map((j) => [j.type, j.status, j.added])).toEqual([
      ["episodic", "done", 1],
      ["semantic", "done", 2],
      ["procedural", "pending", 0],
    ]);
  });

  it("answers undefined for a job that does not exist", async () => {
    const t = await newTurn();
    expect(await markMemoryJobRunning({ turnId: t.turnId, type: "episodic" })).toBeUndefined();
    expect(await getMemoryJobsByTurnId({ turnId: t.turnId })).toEqual([]);
  });
});
