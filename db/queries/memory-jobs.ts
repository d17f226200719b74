import { and, eq, sql } from "drizzle-orm";
import { memoryTypes, type TokenUsage } from "@/lib/memory/types";
import { getDb } from "../client";
import { memoryJobs, type MemoryType } from "../schema";

export type MemoryJob = typeof memoryJobs.$inferSelect;

export interface MemoryJobCounts {
  added: number;
  updated: number;
  superseded: number;
}

// Errors are shown in the UI and kept for debugging, not archived in full.
const MAX_ERROR_LENGTH = 2000;

function byTypeOrder(a: MemoryJob, b: MemoryJob): number {
  return memoryTypes.indexOf(a.type) - memoryTypes.indexOf(b.type);
}

/** The turn's three jobs (episodic, semantic, procedural), creating missing ones as pending. Idempotent. */
export async function ensureMemoryJobsForTurn({
  turnId,
  userId,
}: {
  turnId: string;
  userId: string;
}): Promise<MemoryJob[]> {
  await getDb()
    .insert(memoryJobs)
    .values(memoryTypes.map((type) => ({ turnId, userId, type })))
    .onConflictDoNothing({ target: [memoryJobs.turnId, memoryJobs.type] });
  return getMemoryJobsByTurnId({ turnId });
}

/** Starts an attempt: status running, attempts + 1, error cleared. Undefined when the job does not exist. */
export async function markMemoryJobRunning({
  turnId,
  type,
}: {
  turnId: string;
  type: MemoryType;
}): Promise<MemoryJob | undefined> {
  const [row] = await getDb()
    .update(memoryJobs)
    .set({
      status: "running",
      attempts: sql`${memoryJobs.attempts} + 1`,
      error: null,
      startedAt: sql`now()`,
      finishedAt: null,
      updatedAt: sql`now()`,
    })
    .where(and(eq(memoryJobs.turnId, turnId), eq(memoryJobs.type, type)))
    .returning();
  return row;
}

/**
 * Marks the job done with what its store changed. Counts never go down: a
 * re-run of an already stored turn changes nothing and reports zeros, and
 * must not erase what the first run saved.
 */
export async function completeMemoryJob({
  turnId,
  type,
  counts,
  usage,
}: {
  turnId: string;
  type: MemoryType;
  counts: MemoryJobCounts;
  usage?: TokenUsage;
}): Promise<MemoryJob | undefined> {
  const [row] = await getDb()
    .update(memoryJobs)
    .set({
      status: "done",
      added: sql`greatest(${memoryJobs.added}, ${counts.added}::int)`,
      updated: sql`greatest(${memoryJobs.updated}, ${counts.updated}::int)`,
      superseded: sql`greatest(${memoryJobs.superseded}, ${counts.superseded}::int)`,
      ...(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } : {}),
      error: null,
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(memoryJobs.turnId, turnId), eq(memoryJobs.type, type)))
    .returning();
  return row;
}

export async function failMemoryJob({
  turnId,
  type,
  error,
}: {
  turnId: string;
  type: MemoryType;
  error: string;
}): Promise<MemoryJob | undefined> {
  const [row] = await getDb()
    .update(memoryJobs)
    .set({
      status: "failed",
      error: error.slice(0, MAX_ERROR_LENGTH),
      finishedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(memoryJobs.turnId, turnId), eq(memoryJobs.type, type)))
    .returning();
  return row;
}

/** In the fixed order episodic, semantic, procedural. */
export async function getMemoryJobsByTurnId({ turnId }: { turnId: string }): Promise<MemoryJob[]> {
  const rows = await getDb().select().from(memoryJobs).where(eq(memoryJobs.turnId, turnId));
  return rows.sort(byTypeOrder);
}

/** For a user's retry: failed jobs go back to pending (attempts kept); done jobs stay done. */
export async function resetFailedMemoryJobs({ turnId }: { turnId: string }): Promise<MemoryJob[]> {
  const rows = await getDb()
    .update(memoryJobs)
    .set({ status: "pending", error: null, startedAt: null, finishedAt: null, updatedAt: sql`now()` })
    .where(and(eq(memoryJobs.turnId, turnId), eq(memoryJobs.status, "failed")))
    .returning();
  return rows.sort(byTypeOrder);
}
