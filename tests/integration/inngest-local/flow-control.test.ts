/**
 * Flow control and triggers against the real SDK: concurrency keys,
 * debounce, event-id de-duplication, idempotency, trigger expressions and
 * wildcards, and cron.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fnId, gate, startHarness, uniqueSchema, type Harness } from "./harness";

const gates = new Map<string, ReturnType<typeof gate>>();
const started: string[] = [];
const finished: string[] = [];
const inFlightByUser = new Map<string, number>();
const maxInFlightByUser = new Map<string, number>();
const seen: Record<string, unknown[]> = { debounced: [], expr: [], prefix: [], idem: [], cron: [] };

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    schema: uniqueSchema("flow"),
    functions: (inngest) => [
      inngest.createFunction(
        { id: "per-user", concurrency: { limit: 1, key: "event.data.user" }, triggers: [{ event: "flow/per-user" }] },
        async ({ event, step }) => {
          const name = String(event.data.name);
          const user = String(event.data.user);
          await step.run("work", async () => {
            started.push(name);
            const now = (inFlightByUser.get(user) ?? 0) + 1;
            inFlightByUser.set(user, now);
            maxInFlightByUser.set(user, Math.max(maxInFlightByUser.get(user) ?? 0, now));
            await gates.get(name)?.promise;
            inFlightByUser.set(user, (inFlightByUser.get(user) ?? 1) - 1);
            finished.push(name);
          });
          return name;
        },
      ),
      inngest.createFunction(
        { id: "debounced", debounce: { key: "event.data.user", period: "1s" }, triggers: [{ event: "flow/debounced" }] },
        async ({ event }) => {
          seen.debounced?.push(event.data);
          return event.data.n;
        },
      ),
      inngest.createFunction({ id: "deduped", triggers: [{ event: "flow/deduped" }] }, async ({ event }) => event.data.n),
      inngest.createFunction(
        { id: "idempotent", idempotency: "event.data.orderId", triggers: [{ event: "flow/idempotent" }] },
        async ({ event }) => {
          seen.idem?.push(event.data);
          return event.data.orderId;
        },
      ),
      inngest.createFunction(
        { id: "vip-only", triggers: [{ event: "flow/expr", if: "event.data.vip == true && event.data.tier != 'free'" }] },
        async ({ event }) => {
          seen.expr?.push(event.data.n);
        },
      ),
      inngest.createFunction({ id: "wildcard", triggers: [{ event: "flow/prefix.*" }] }, async ({ event }) => {
        seen.prefix?.push(event.name);
      }),
      inngest.createFunction({ id: "every-second", triggers: [{ cron: "* * * * * *" }] }, async ({ event }) => {
        seen.cron?.push(event);
        return "tick";
      }),
    ],
  });
});

afterAll(async () => {
  await h?.stop();
});

describe("local Inngest server: flow control", () => {
  it("a concurrency key serializes one key's runs while another key proceeds", async () => {
    for (const name of ["a1", "a2", "b1"]) gates.set(name, gate());
    gates.get("b1")?.open(); // b1 has nothing to wait for
    await h.client.send({ name: "flow/per-user", data: { user: "alice", name: "a1" } });
    await h.api.waitFor("a1 to start", async () => started.includes("a1"));
    await h.client.send({ name: "flow/per-user", data: { user: "alice", name: "a2" } });
    await h.client.send({ name: "flow/per-user", data: { user: "bob", name: "b1" } });

    // bob's run completes while alice's first step is still held open…
    await h.api.waitFor("b1 to complete", async () => {
      const runs = await h.api.runs(fnId("per-user"));
      const done = await Promise.all(runs.filter((r) => r.status === "completed").map((r) => h.api.run(r.id)));
      return done.some((r) => r.output === "b1");
    });
    // …and alice's second run has not started its step.
    expect(started).not.toContain("a2");
    expect(finished).toEqual(["b1"]);

    gates.get("a1")?.open();
    await h.api.waitFor("a2 to start", async () => started.includes("a2"));
    gates.get("a2")?.open();
    const runs = await h.api.waitForEndedRuns(fnId("per-user"), 3);
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed", "completed"]);
    expect(started).toEqual(["a1", "b1", "a2"]);
    expect(maxInFlightByUser.get("alice")).toBe(1);
  });

  it("debounce coalesces a burst into one run with the last event, per key", async () => {
    await h.client.send({ name: "flow/debounced", data: { user: "u1", n: 1 } });
    await h.client.send({ name: "flow/debounced", data: { user: "u1", n: 2 } });
    await h.client.send([
      { name: "flow/debounced", data: { user: "u1", n: 3 } },
      { name: "flow/debounced", data: { user: "u2", n: 10 } },
    ]);
    const runs = await h.api.waitForEndedRuns(fnId("debounced"), 2);
    // Undebounced, all four events would have started runs at once.
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => Number(r.output)).sort((x, y) => x - y)).toEqual([3, 10]);
    expect(seen.debounced).toHaveLength(2);
    expect(runs.find((r) => r.output === 3)?.event).toMatchObject({ data: { user: "u1", n: 3 } });
    expect((await h.api.runs(fnId("debounced"))).length).toBe(2);
  });

  it("an event id seen in the last 24 h is stored but triggers nothing", async () => {
    const first = await h.client.send({ id: "order-123-paid", name: "flow/deduped", data: { n: 1 } });
    const second = await h.client.send({ id: "order-123-paid", name: "flow/deduped", data: { n: 2 } });
    expect(first.ids).toHaveLength(1);
    expect(second.ids).toHaveLength(1);
    expect(second.ids[0]).not.toBe(first.ids[0]);
    await h.client.send({ id: "order-124-paid", name: "flow/deduped", data: { n: 3 } });
    const runs = await h.api.waitForEndedRuns(fnId("deduped"), 2);
    expect(runs.map((r) => r.output).sort()).toEqual([1, 3]);
    const events = await h.api.events("flow/deduped");
    expect(events).toHaveLength(3);
    const dup = events.find((e) => e.id === second.ids[0]);
    expect(dup?.duplicateOf).toBe(first.ids[0]);
    expect(dup?.runIds).toEqual([]);
    expect(dup?.payload).toMatchObject({ id: "order-123-paid", data: { n: 2 } });
  });

  it("an idempotency key starts one run per key in 24 h", async () => {
    await h.client.send([
      { name: "flow/idempotent", data: { orderId: "o-1", attempt: 1 } },
      { name: "flow/idempotent", data: { orderId: "o-1", attempt: 2 } },
      { name: "flow/idempotent", data: { orderId: "o-2", attempt: 1 } },
    ]);
    const runs = await h.api.waitForEndedRuns(fnId("idempotent"), 2);
    expect(runs.map((r) => r.output).sort()).toEqual(["o-1", "o-2"]);
    expect(seen.idem).toEqual([
      { orderId: "o-1", attempt: 1 },
      { orderId: "o-2", attempt: 1 },
    ]);
  });

  it("trigger `if` expressions and `prefix*` triggers pick the right events", async () => {
    await h.client.send([
      { name: "flow/expr", data: { n: 1, vip: true, tier: "gold" } },
      { name: "flow/expr", data: { n: 2, vip: false, tier: "gold" } },
      { name: "flow/expr", data: { n: 3, vip: true, tier: "free" } },
      { name: "flow/expr", data: { n: 4 } },
      { name: "flow/prefix.one", data: {} },
      { name: "flow/prefix.two", data: {} },
      { name: "flow/prefixless", data: {} },
    ]);
    await h.api.waitForEndedRuns(fnId("vip-only"), 1);
    await h.api.waitForEndedRuns(fnId("wildcard"), 2);
    expect(seen.expr).toEqual([1]);
    expect(seen.prefix?.slice().sort()).toEqual(["flow/prefix.one", "flow/prefix.two"]);
    expect(await h.api.runs(fnId("vip-only"))).toHaveLength(1);
    expect(await h.api.runs(fnId("wildcard"))).toHaveLength(2);
  });

  it("cron triggers start runs with inngest/scheduled.timer", async () => {
    const runs = await h.api.waitForEndedRuns(fnId("every-second"), 2);
    expect(runs[0]?.status).toBe("completed");
    expect(runs[0]?.event).toMatchObject({ name: "inngest/scheduled.timer", data: { cron: "* * * * * *" } });
    expect(seen.cron?.length).toBeGreaterThanOrEqual(2);
  });
});
