import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { getDb } from "@/db/client";
import { getActiveMemoriesByUserId } from "@/db/queries/memories";
import { getMemoryJobsByTurnId, resetFailedMemoryJobs } from "@/db/queries/memory-jobs";
import { getTurnById } from "@/db/queries/turns";
import { memories, memoryHistory, memoryJobs } from "@/db/schema";
import { startLocalInngestServer, type LocalInngestServer } from "@/inngest/local-server";
import { createOfflineExtractor } from "@/lib/memory/extractors/offline";
import type { MemoryExtractor, MemoryType } from "@/lib/memory/types";
import { seedTurn } from "./fixtures";

/**
 * The memory pipeline as it runs in development: the app's real Inngest
 * functions behind the SDK's real serve() handler, driven over HTTP by the
 * local Inngest server, against real Postgres.
 */

const offline = createOfflineExtractor();
/** Remaining failures to inject, per extraction type and per store type. */
const faults = { extract: new Map<MemoryType, number>(), store: new Map<MemoryType, number>() };
const calls = { extract: [] as MemoryType[], store: [] as MemoryType[] };

const extractor: MemoryExtractor = {
  kind: "offline",
  async extract(type, turn) {
    calls.extract.push(type);
    const left = faults.extract.get(type) ?? 0;
    if (left > 0) {
      faults.extract.set(type, left - 1);
      throw new Error(`${type} extraction failed (injected)`);
    }
    return offline.extract(type, turn);
  },
};

let server: LocalInngestServer;
let app: http.Server;
let sendTurnEvent: typeof import("@/inngest/send").sendTurnEvent;

beforeAll(async () => {
  const { storeType } = await import("@/lib/memory/pipeline");
  // The app first (its handler attached below), so the server knows where to sync.
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  app = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  server = await startLocalInngestServer({
    databaseUrl: inject("databaseUrl"),
    appUrls: [`http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`],
    port: 0,
    uiPort: null,
    schema: "inngest_pipeline_test",
    syncIntervalMs: 0,
    backoffFactor: 0.0005,
    quiet: true,
    log: () => {},
  });
  // The app's Inngest client reads INNGEST_DEV when first imported.
  process.env.INNGEST_DEV = server.url;
  const { inngest } = await import("@/inngest/client");
  const { serve } = await import("inngest/node");
  const { createExtractMemories } = await import("@/inngest/functions/extract-memories");
  ({ sendTurnEvent } = await import("@/inngest/send"));
  const fn = createExtractMemories({
    extractor: () => extractor,
    store: async (type, turn, extraction) => {
      const counts = await storeType(type, turn, extraction);
      calls.store.push(type);
      const left = faults.store.get(type) ?? 0;
      if (left > 0) {
        // Fail after the store committed: the retry must not store twice.
        faults.store.set(type, left - 1);
        throw new Error(`${type} store failed after writing (injected)`);
      }
      return counts;
    },
  });
  handler = serve({ client: inngest, functions: [fn] });
  await server.syncNow();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => app?.close(resolve));
});

beforeEach(() => {
  faults.extract.clear();
  faults.store.clear();
  calls.extract.length = 0;
  calls.store.length = 0;
});

async function settled(userId: string, turnId: string) {
  let status = "pending";
  for (let i = 0; i < 300 && status !== "done" && status !== "failed"; i++) {
    await new Promise((r) => setTimeout(r, 100));
    status = (await getTurnById({ userId, id: turnId }))?.memoryStatus ?? "missing";
  }
  return status;
}

async function activeByKey(userId: string, type: MemoryType) {
  const rows = await getActiveMemoriesByUserId({ userId, type });
  return Object.fromEntries(rows.map((m) => [m.key ?? m.content, m]));
}

const ZED = "My name is Zed, I live in Lisbon and I'm allergic to peanuts. From now on, call me Captain.";

describe("memory pipeline through the local Inngest server", () => {
  it("remembers Zed, then supersedes Lisbon with Berlin keeping the history", async () => {
    const turn = await seedTurn({ userText: ZED, assistantText: "Nice to meet you, Captain." });
    expect(await sendTurnEvent(turn)).toBe(true);
    expect(await settled(turn.userId, turn.turnId)).toBe("done");

    const jobs = await getMemoryJobsByTurnId({ turnId: turn.turnId });
    expect(jobs.map((j) => [j.type, j.status])).toEqual([
      ["episodic", "done"],
      ["semantic", "done"],
      ["procedural", "done"],
    ]);
    const semantic = await getActiveMemoriesByUserId({ userId: turn.userId, type: "semantic" });
    const value = (m: (typeof semantic)[number]) => String(m.data.value ?? "");
    expect(semantic.find((m) => m.key === "name")?.content).toMatch(/Zed/);
    expect(semantic.find((m) => m.key === "home_city")?.content).toMatch(/Lisbon/);
    expect(semantic.some((m) => m.data.category === "allergy" && /peanut/i.test(value(m)))).toBe(true);
    const procedural = await activeByKey(turn.userId, "procedural");
    expect(procedural.address_as?.content).toMatch(/Captain/);
    expect(await getActiveMemoriesByUserId({ userId: turn.userId, type: "episodic" })).toHaveLength(1);

    const lisbon = semantic.find((m) => m.key === "home_city")!;
    const move = await seedTurn({
      userText: "I moved to Berlin.",
      userId: turn.userId,
      conversationId: turn.conversationId,
    });
    await sendTurnEvent(move);
    expect(await settled(move.userId, move.turnId)).toBe("done");
    const berlin = (await activeByKey(turn.userId, "semantic")).home_city!;
    expect(berlin.content).toMatch(/Berlin/);
    const [old] = await getDb().select().from(memories).where(eq(memories.id, lisbon.id));
    expect(old?.invalidatedAt).toBeInstanceOf(Date);
    expect(old?.supersededBy).toBe(berlin.id);
    const history = await getDb()
      .select()
      .from(memoryHistory)
      .where(and(eq(memoryHistory.memoryId, lisbon.id), eq(memoryHistory.action, "supersede")));
    expect(history).toHaveLength(1);
    expect(history[0]?.turnId).toBe(move.turnId);
  });

  it("a failing extraction is retried alone; the others are not re-run", async () => {
    const turn = await seedTurn({ userText: "I'm allergic to shellfish and I love hiking." });
    faults.extract.set("semantic", 2);
    await sendTurnEvent(turn);
    expect(await settled(turn.userId, turn.turnId)).toBe("done");
    expect(calls.extract.filter((t) => t === "semantic")).toHaveLength(3);
    expect(calls.extract.filter((t) => t === "episodic")).toHaveLength(1);
    expect(calls.extract.filter((t) => t === "procedural")).toHaveLength(1);
    const jobs = await getMemoryJobsByTurnId({ turnId: turn.turnId });
    expect(jobs.find((j) => j.type === "semantic")).toMatchObject({ status: "done", attempts: 3, error: null });
    expect(jobs.find((j) => j.type === "episodic")).toMatchObject({ status: "done", attempts: 1 });
  });

  it("failing between store steps stores nothing twice", async () => {
    const turn = await seedTurn({ userText: ZED });
    faults.store.set("semantic", 1); // semantic commits, then its step fails and is retried
    await sendTurnEvent(turn);
    expect(await settled(turn.userId, turn.turnId)).toBe("done");
    expect(calls.store.filter((t) => t === "semantic")).toHaveLength(2);
    const rows = await getDb().select().from(memories).where(eq(memories.userId, turn.userId));
    const keys = rows.filter((m) => m.type === "semantic").map((m) => m.key);
    expect(keys.filter((k) => k === "name")).toHaveLength(1);
    expect(keys.filter((k) => k === "home_city")).toHaveLength(1);
    const history = await getDb().select().from(memoryHistory).where(eq(memoryHistory.userId, turn.userId));
    expect(history).toHaveLength(rows.length); // one "add" per memory, no more
    const semanticJob = (await getMemoryJobsByTurnId({ turnId: turn.turnId })).find((j) => j.type === "semantic");
    expect(semanticJob?.added).toBeGreaterThanOrEqual(3);
  });

  it("the same event twice (and a replay under a new id) changes nothing", async () => {
    const turn = await seedTurn({ userText: ZED });
    await sendTurnEvent(turn);
    await sendTurnEvent(turn); // same event id: deduplicated by the server
    expect(await settled(turn.userId, turn.turnId)).toBe("done");
    expect(calls.extract).toHaveLength(3);
    const snapshot = async () =>
      (await getDb().select().from(memories).where(eq(memories.userId, turn.userId)))
        .map((m) => `${m.id}|${m.content}|${m.invalidatedAt?.toISOString() ?? ""}`)
        .sort();
    const before = await snapshot();
    const historyBefore = (await getDb().select().from(memoryHistory).where(eq(memoryHistory.userId, turn.userId)))
      .length;

    // Replay as if the jobs had never been marked done (a crash after storing):
    // every store runs again against what it already wrote.
    await getDb().update(memoryJobs).set({ status: "pending" }).where(eq(memoryJobs.turnId, turn.turnId));
    await sendTurnEvent(turn, { eventId: `${turn.turnId}:replay` });
    for (let i = 0; i < 100 && calls.store.length < 6; i++) await new Promise((r) => setTimeout(r, 100));
    expect(calls.store).toHaveLength(6); // the replay ran the stores again…
    expect(await snapshot()).toEqual(before); // …and they changed nothing
    const historyAfter = (await getDb().select().from(memoryHistory).where(eq(memoryHistory.userId, turn.userId)))
      .length;
    expect(historyAfter).toBe(historyBefore);
  });

  it("the run link the app builds for a turn opens that turn's run on the dashboard; Rerun there changes no memory", async () => {
    const turn = await seedTurn({ userText: ZED });
    await sendTurnEvent(turn);
    expect(await settled(turn.userId, turn.turnId)).toBe("done");
    const api = async <T>(p: string, init?: RequestInit) => (await (await fetch(`${server.url}/v0/${p}`, init)).json()) as T;
    const ended = async (id: string) => {
      let status = "queued";
      for (let i = 0; i < 300 && status !== "completed" && status !== "failed"; i++) {
        status = (await api<{ status: string }>(`runs/${id}`)).status;
        if (status !== "completed") await new Promise((r) => setTimeout(r, 100));
      }
      return status;
    };
    const [run] = (await api<{ runs: Array<{ id: string }> }>(`runs?q=${turn.turnId}`)).runs;
    expect(await ended(run?.id ?? "")).toBe("completed"); // the turn is done a moment before its run returns

    // The link under a reply (lib/memory/turn-status.ts), with the dashboard where the launcher puts it: the API's port.
    const { resetEnvCache } = await import("@/lib/env");
    const { runUrlOf } = await import("@/lib/memory/turn-status");
    process.env.INNGEST_DASHBOARD_URL = server.url;
    resetEnvCache();
    try {
      const link = runUrlOf(turn.turnId) ?? "";
      expect(new URL(link).origin).toBe(server.url);
      const list = await (await fetch(link)).text();
      expect(list).toContain(`href="/runs/${run?.id}"`);
      const detail = await (await fetch(`${server.url}/runs/${run?.id}`)).text();
      for (const step of ["load-turn", "extract-semantic", "store-semantic", "finish-turn"]) expect(detail).toContain(`<strong>${step}</strong>`);
      // Exact-value search by user finds the turn's run too.
      const byUser = await api<{ runs: Array<{ id: string }> }>(`runs?q=${encodeURIComponent(JSON.stringify({ userId: turn.userId }))}`);
      expect(byUser.runs.map((r) => r.id)).toContain(run?.id);
    } finally {
      delete process.env.INNGEST_DASHBOARD_URL;
      resetEnvCache();
    }

    const snapshot = async () =>
      (await getDb().select().from(memories).where(eq(memories.userId, turn.userId))).map((m) => `${m.id}|${m.content}|${m.invalidatedAt?.toISOString() ?? ""}`).sort();
    const before = await snapshot();
    const storesBefore = calls.store.length;
    const rerun = await api<{ id: string; rerunOf: string }>(`runs/${run?.id}/rerun`, { method: "POST", headers: { "content-type": "application/json" } });
    expect(rerun.rerunOf).toBe(run?.id);
    expect(await ended(rerun.id)).toBe("completed");
    // The real function ran again from the same event (its first step loaded the turn)…
    const again = await api<{ event: unknown; steps: Array<{ name: string; status: string }> }>(`runs/${rerun.id}`);
    expect(again.event).toEqual((await api<{ event: unknown }>(`runs/${run?.id}`)).event);
    expect(again.steps).toContainEqual(expect.objectContaining({ name: "load-turn", status: "completed" }));
    // …and, the turn's jobs being done already, stored nothing and changed nothing.
    expect(calls.store.length).toBe(storesBefore);
    expect(await snapshot()).toEqual(before);
  });

  it("exhausted retries run onFailure: the job is marked failed, and a retry completes it", async () => {
    const turn = await seedTurn({ userText: "From now on use metric units." });
    faults.extract.set("procedural", 100);
    await sendTurnEvent(turn);
    expect(await settled(turn.userId, turn.turnId)).toBe("failed");
    const failed = (await getMemoryJobsByTurnId({ turnId: turn.turnId })).find((j) => j.type === "procedural");
    expect(failed).toMatchObject({ status: "failed", error: "procedural extraction failed (injected)", attempts: 4 });

    faults.extract.clear();
    await resetFailedMemoryJobs({ turnId: turn.turnId });
    await sendTurnEvent(turn, { eventId: `${turn.turnId}:retry` });
    // finish-turn sets done; wait for the status to move off "failed" first.
    let status = "failed";
    for (let i = 0; i < 300 && status !== "done"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await getTurnById({ userId: turn.userId, id: turn.turnId }))?.memoryStatus ?? "";
    }
    expect(status).toBe("done");
    expect((await activeByKey(turn.userId, "procedural")).units?.content).toMatch(/metric/i);
  });
});
