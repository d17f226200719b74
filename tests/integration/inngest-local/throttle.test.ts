/**
 * throttle against the real SDK: run starts spaced as GCRA says (period /
 * limit apart once limit + burst have started), first in first out, keys
 * independent, burst, and the state surviving a restart of the server.
 * Spacing is checked on the server's start times (when a run's first call is
 * leased), which the throttle bounds exactly; the order is checked in the app,
 * where each run's first step body records itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunDetail } from "@/inngest/local-server/queries";
import { fnId, startHarness, uniqueSchema, type Harness } from "./harness";

const starts = new Map<string, Array<{ label: string; at: number }>>();
const started = (fn: string) => starts.get(fn) ?? [];
/** Timestamps are rounded to the millisecond on the way through Postgres and JSON. */
const SLACK_MS = 20;

let h: Harness;

beforeAll(async () => {
  const record = (fn: string, label: string) => {
    starts.set(fn, [...started(fn), { label, at: Date.now() }]);
    return label;
  };
  h = await startHarness({
    schema: uniqueSchema("throttle"),
    functions: (inngest) => [
      inngest.createFunction({ id: "spaced", throttle: { limit: 2, period: "1s" }, triggers: [{ event: "throttle/spaced" }] }, async ({ event, step }) =>
        step.run("start", () => record("spaced", String(event.data.n))),
      ),
      inngest.createFunction(
        { id: "per-user", throttle: { limit: 1, period: "1s", key: "event.data.user" }, triggers: [{ event: "throttle/per-user" }] },
        async ({ event, step }) => step.run("start", () => record("per-user", String(event.data.label))),
      ),
      inngest.createFunction({ id: "bursty", throttle: { limit: 1, period: "1s", burst: 2 }, triggers: [{ event: "throttle/bursty" }] }, async ({ event, step }) =>
        step.run("start", () => record("bursty", String(event.data.n))),
      ),
      inngest.createFunction({ id: "slow", throttle: { limit: 1, period: "2s" }, triggers: [{ event: "throttle/slow" }] }, async ({ event, step }) =>
        step.run("start", () => record("slow", String(event.data.n))),
      ),
    ],
  });
});

afterAll(async () => {
  await h?.stop();
});

/** Server start time (ms) of the run whose event carries `label` in `field`. */
function startOf(runs: RunDetail[], field: string, label: string | number): number {
  const run = runs.find((r) => (r.event as { data: Record<string, unknown> }).data[field] === label);
  return run?.startedAt ? Date.parse(run.startedAt) : NaN;
}

describe("local Inngest server: throttle", () => {
  it("starts limit runs at once, then one per period / limit, in the order the events came", async () => {
    await h.client.send([0, 1, 2, 3, 4].map((n) => ({ name: "throttle/spaced", data: { n } })));
    // The runs beyond capacity exist at once, queued and marked as waiting for the throttle.
    const queued = (await h.api.runs(fnId("spaced"))).filter((r) => r.status === "queued");
    expect(queued.length).toBeGreaterThanOrEqual(2);
    const waiting = await h.api.run(queued[0]?.id ?? "");
    expect(waiting.pending).toEqual([expect.objectContaining({ throttled: true })]);

    const runs = await h.api.waitForEndedRuns(fnId("spaced"), 5);
    expect(runs.map((r) => r.status)).toEqual(Array(5).fill("completed"));
    expect(started("spaced").map((s) => s.label)).toEqual(["0", "1", "2", "3", "4"]);
    const t = (n: number) => startOf(runs, "n", n);
    expect(t(1) - t(0)).toBeLessThan(300); // limit 2: the second starts with the first
    for (const k of [2, 3, 4]) expect(t(k) - t(0)).toBeGreaterThanOrEqual((k - 1) * 500 - SLACK_MS);
    expect(t(4) - t(0)).toBeLessThan(1_500 + 1_000); // delayed, not stalled
  });

  it("throttles each key value on its own", async () => {
    await h.client.send(["a1", "b1", "a2", "b2"].map((label) => ({ name: "throttle/per-user", data: { user: label[0], label } })));
    const runs = await h.api.waitForEndedRuns(fnId("per-user"), 4);
    const t = (label: string) => startOf(runs, "label", label);
    expect(Math.abs(t("b1") - t("a1"))).toBeLessThan(300); // b is not behind a
    expect(t("a2") - t("a1")).toBeGreaterThanOrEqual(1_000 - SLACK_MS);
    expect(t("b2") - t("b1")).toBeGreaterThanOrEqual(1_000 - SLACK_MS);
    expect(started("per-user").map((s) => s.label).filter((l) => l.startsWith("a"))).toEqual(["a1", "a2"]);
  });

  it("lets burst extra runs start at once", async () => {
    await h.client.send([0, 1, 2, 3].map((n) => ({ name: "throttle/bursty", data: { n } })));
    const runs = await h.api.waitForEndedRuns(fnId("bursty"), 4);
    const t = (n: number) => startOf(runs, "n", n);
    expect(t(1) - t(0)).toBeLessThan(300);
    expect(t(2) - t(0)).toBeLessThan(300); // limit 1 + burst 2 = three at once
    expect(t(3) - t(0)).toBeGreaterThanOrEqual(1_000 - SLACK_MS);
  });

  it("keeps its state across a restart of the server", async () => {
    await h.client.send([0, 1].map((n) => ({ name: "throttle/slow", data: { n } })));
    await h.api.waitFor("the first run to start", async () => started("slow").length === 1);
    await h.restart();
    const restartedAt = Date.now();
    const runs = await h.api.waitForEndedRuns(fnId("slow"), 2);
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed"]);
    expect(started("slow").map((s) => s.label)).toEqual(["0", "1"]);
    // Forgetting the state would start the second run as soon as the new server came up.
    expect(startOf(runs, "n", 1) - startOf(runs, "n", 0)).toBeGreaterThanOrEqual(2_000 - SLACK_MS);
    expect(startOf(runs, "n", 1) - restartedAt).toBeGreaterThan(1_000);
  });
});
