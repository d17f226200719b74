import { InngestTestEngine } from "@inngest/test";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { turns } from "@/db/schema";
import { markTurnEventFailed } from "@/db/queries/turns";
import {
  IMPORTED_TURN_THRESHOLD_MS,
  PENDING_TURN_THRESHOLD_MS,
  reconcilePendingTurns,
  STUCK_TURN_THRESHOLD_MS,
} from "@/inngest/functions/reconcile-pending-turns";
import { seedTurn } from "./fixtures";

async function age(turnId: string, ms: number, eventSentAgoMs: number | null) {
  const now = Date.now();
  await getDb()
    .update(turns)
    .set({
      completedAt: new Date(now - ms),
      eventSentAt: eventSentAgoMs === null ? null : new Date(now - eventSentAgoMs),
    })
    .where(eq(turns.id, turnId));
}

describe("reconcile-pending-turns", () => {
  it("re-sends events of turns left pending, and leaves fresh or finished ones alone", async () => {
    const neverSent = await seedTurn({ userText: "I live in Porto" });
    const lost = await seedTurn({ userText: "I like tea" });
    const fresh = await seedTurn({ userText: "I like coffee" });
    const finished = await seedTurn({ userText: "I like cake" });
    const failedJustNow = await seedTurn({ userText: "I like pears" });
    const stuck = await seedTurn({ userText: "I like plums" });
    await markTurnEventFailed({ id: failedJustNow.turnId, error: "fetch failed" });
    await getDb()
      .update(turns)
      .set({ memoryStatus: "processing", eventSentAt: new Date(), memoryUpdatedAt: new Date(Date.now() - STUCK_TURN_THRESHOLD_MS * 2) })
      .where(eq(turns.id, stuck.turnId));
    await age(neverSent.turnId, PENDING_TURN_THRESHOLD_MS * 2, null);
    await age(lost.turnId, PENDING_TURN_THRESHOLD_MS * 3, PENDING_TURN_THRESHOLD_MS * 2);
    await age(finished.turnId, PENDING_TURN_THRESHOLD_MS * 2, null);
    await getDb().update(turns).set({ memoryStatus: "done" }).where(eq(turns.id, finished.turnId));

    const engine = new InngestTestEngine({
      function: reconcilePendingTurns,
      events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }],
      // Sending needs an Inngest server; the event payloads are what is checked here.
      steps: [{ id: "resend-turn-events", handler: () => ({ ids: [] }) }],
    });
    const { ctx, result } = await engine.execute();
    const sendCalls = (ctx.step.sendEvent as unknown as { mock: { calls: [string, Array<{ id: string; data: { turnId: string } }>][] } })
      .mock.calls;
    const sent = sendCalls.flatMap(([, events]) => events);
    const byTurn = new Map(sent.map((e) => [e.data.turnId, e.id]));
    expect(byTurn.get(neverSent.turnId)).toBe(neverSent.turnId); // natural id: never seen by the server
    expect(byTurn.get(lost.turnId)).toMatch(new RegExp(`^${lost.turnId}:resend:`)); // fresh id past the dedupe
    expect(byTurn.has(fresh.turnId)).toBe(false);
    // A failed send goes again at the first sweep, under its natural id (the server never took it).
    expect(byTurn.get(failedJustNow.turnId)).toBe(failedJustNow.turnId);
    // A run that died mid-way: a fresh id, or the dedupe would swallow it.
    expect(byTurn.get(stuck.turnId)).toMatch(new RegExp(`^${stuck.turnId}:resend:`));
    expect(byTurn.has(finished.turnId)).toBe(false);
    expect((result as { resent: number }).resent).toBeGreaterThanOrEqual(4);

    const rows = await getDb()
      .select({ id: turns.id, eventSentAt: turns.eventSentAt })
      .from(turns)
      .where(inArray(turns.id, [neverSent.turnId, lost.turnId]));
    for (const row of rows) expect(Date.now() - (row.eventSentAt?.getTime() ?? 0)).toBeLessThan(60_000);
  });

  it("leaves an imported turn waiting in the import's throttle alone, and re-sends it only when really lost", async () => {
    const waiting = await seedTurn({ userText: "I lived in Oslo in 2019" });
    const waitingLong = await seedTurn({ userText: "I lived in Bergen in 2018" });
    const lost = await seedTurn({ userText: "I lived in Tromsø in 2017" });
    await getDb().update(turns).set({ source: "import" }).where(inArray(turns.id, [waiting.turnId, waitingLong.turnId, lost.turnId]));
    // Sent ten minutes ago, still queued behind the rest of the file: a live turn would count as lost by now.
    await age(waiting.turnId, PENDING_TURN_THRESHOLD_MS * 6, PENDING_TURN_THRESHOLD_MS * 5);
    await getDb()
      .update(turns)
      .set({ memoryStatus: "processing", eventSentAt: new Date(), memoryUpdatedAt: new Date(Date.now() - STUCK_TURN_THRESHOLD_MS * 2) })
      .where(eq(turns.id, waitingLong.turnId));
    await age(lost.turnId, IMPORTED_TURN_THRESHOLD_MS * 2, IMPORTED_TURN_THRESHOLD_MS + 60_000);

    const engine = new InngestTestEngine({
      function: reconcilePendingTurns,
      events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }],
      steps: [{ id: "resend-turn-events", handler: () => ({ ids: [] }) }],
    });
    const { ctx } = await engine.execute();
    const sendCalls = (ctx.step.sendEvent as unknown as { mock: { calls: [string, Array<{ data: { turnId: string } }>][] } }).mock.calls;
    const resent = new Set(sendCalls.flatMap(([, events]) => events.map((e) => e.data.turnId)));
    expect(resent.has(waiting.turnId)).toBe(false);
    expect(resent.has(waitingLong.turnId)).toBe(false);
    expect(resent.has(lost.turnId)).toBe(true);
  });
});
