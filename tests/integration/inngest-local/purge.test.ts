/**
 * POST /v0/purge for "delete my account": two users with runs in every state
 * the schema can hold (completed, rerun, failed with its failure handler,
 * debounced, throttled and waiting, idempotent, sleeping, waiting for an
 * event, in flight). Purging one leaves nothing of theirs in any table of the
 * server's schema, not even from a call that answers after the purge, while
 * the other's runs are intact.
 */
import { NonRetriableError } from "inngest";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventView, RunSummary } from "@/inngest/local-server/queries";
import { databaseUrl, fnId, gate, startHarness, uniqueSchema, type Harness } from "./harness";

const schema = uniqueSchema("purge");
const USERS = ["usera-7f3c", "userb-91d2"] as const;
const holds = new Map(USERS.map((u) => [u, gate()]));
const holding = new Set<string>();

let h: Harness;
let db: pg.Client;

beforeAll(async () => {
  h = await startHarness({
    schema,
    functions: (inngest) => [
      inngest.createFunction({ id: "turn", triggers: [{ event: "purge/turn" }] }, async ({ event, step }) => {
        const text = await step.run("load", () => `message of ${event.data.userId}`);
        return step.run("store", () => ({ stored: text }));
      }),
      inngest.createFunction(
        {
          id: "fails",
          retries: 0,
          triggers: [{ event: "purge/fails" }],
          onFailure: async () => "marked",
        },
        async ({ event }) => {
          throw new NonRetriableError(`cannot handle ${event.data.userId}`);
        },
      ),
      inngest.createFunction({ id: "debounced", debounce: { key: "event.data.userId", period: "1h" }, triggers: [{ event: "purge/debounced" }] }, async () => "later"),
      inngest.createFunction({ id: "throttled", throttle: { key: "event.data.userId", limit: 1, period: "1h" }, triggers: [{ event: "purge/throttled" }] }, async () => "slowly"),
      inngest.createFunction({ id: "idempotent", idempotency: "event.data.userId", triggers: [{ event: "purge/idempotent" }] }, async () => "once"),
      inngest.createFunction({ id: "sleeper", triggers: [{ event: "purge/sleep" }] }, async ({ step }) => {
        await step.sleep("nap", "1h");
      }),
      inngest.createFunction({ id: "waiter", triggers: [{ event: "purge/wait" }] }, async ({ event, step }) => {
        await step.waitForEvent("reply", { event: "purge/reply", timeout: "1h", if: `async.data.userId == '${String(event.data.userId)}'` });
      }),
      inngest.createFunction({ id: "held", triggers: [{ event: "purge/held" }] }, async ({ event, step }) => {
        const user = String(event.data.userId) as (typeof USERS)[number];
        return step.run("slow-step", async () => {
          holding.add(user);
          await holds.get(user)?.promise;
          return { late: `answer for ${user}` };
        });
      }),
    ],
  });
  db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();

  for (const userId of USERS) {
    await h.client.send([
      { id: `${userId}-turn-1`, name: "purge/turn", data: { userId, turnId: `${userId}-turn-1` } },
      { name: "purge/fails", data: { userId } },
      { name: "purge/debounced", data: { userId } },
      { name: "purge/throttled", data: { userId, n: 1 } },
      { name: "purge/throttled", data: { userId, n: 2 } },
      { name: "purge/idempotent", data: { userId } },
      { name: "purge/sleep", data: { userId } },
      { name: "purge/wait", data: { userId } },
      { name: "purge/held", data: { userId } },
    ]);
  }
  await h.api.waitFor("every run to settle", async () => {
    const runs = await h.api.runs();
    const done = (fn: string, status: string) => runs.filter((r) => r.functionId === fnId(fn) && r.status === status).length === 2;
    return done("turn", "completed") && done("fails", "failed") && done("fails-failure", "completed") && done("idempotent", "completed") && holding.size === 2;
  });
  const [turnA] = (await h.api.get<{ runs: RunSummary[] }>(`runs?q=${USERS[0]}-turn-1`)).runs;
  expect((await h.api.post(`runs/${turnA?.id}/rerun`)).status).toBe(201);
  await h.api.waitFor("the rerun", async () => (await h.api.runs(fnId("turn"))).filter((r) => r.status === "completed").length === 3);
});

afterAll(async () => {
  for (const g of holds.values()) g.open();
  await db?.end();
  await h?.stop();
});

/** Rows of any table in the server's schema whose text mentions `needle`. */
async function rowsMentioning(needle: string): Promise<Record<string, number>> {
  const tables = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema]);
  const found: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const res = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table_name}" t WHERE row_to_json(t)::text LIKE $1`, [`%${needle}%`]);
    const n = Number(res.rows[0]?.n ?? 0);
    if (n > 0) found[table_name] = n;
  }
  return found;
}

/** Rows that belong to these runs in the tables keyed by run. */
async function rowsOfRuns(runIds: string[]): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const table of ["runs", "memos", "steps", "queue", "waits", "idempotency_keys"]) {
    const column = table === "runs" ? "id" : "run_id";
    const res = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table}" WHERE ${column} = ANY($1)`, [runIds]);
    const n = Number(res.rows[0]?.n ?? 0);
    if (n > 0) found[table] = n;
  }
  return found;
}

const runsOf = async (userId: string) => (await h.api.get<{ runs: RunSummary[] }>(`runs?q=${userId}&limit=1000`)).runs;
const eventsOf = async (userId: string) => (await h.api.get<{ events: EventView[] }>(`events?q=${userId}&limit=1000`)).events;

describe("local Inngest server: purge", () => {
  it("deletes one user's events, runs and everything of them, and nothing of the other's", async () => {
    const [a, b] = USERS;
    const before = await rowsMentioning(a);
    // Every kind of state is there to be purged.
    expect(Object.keys(before)).toEqual(expect.arrayContaining(["events", "event_ids", "runs", "memos", "queue", "waits", "debounces", "idempotency_keys", "throttles"]));
    const aRuns = (await runsOf(a)).map((r) => r.id);
    const expected = { events: (await eventsOf(a)).length, runs: aRuns.length };
    expect(expected.runs).toBe(10); // debounced: no run yet
    expect(await rowsOfRuns(aRuns)).toMatchObject({ steps: expect.any(Number), memos: expect.any(Number), queue: expect.any(Number), waits: 1 });
    const bRuns = await runsOf(b);
    const bRows = await rowsMentioning(b);

    const res = await h.api.post("purge", { eventData: { userId: a } });
    expect(res).toEqual({ status: 200, body: expected });
    expect(await rowsMentioning(a)).toEqual({});
    expect(await rowsOfRuns(aRuns)).toEqual({});

    // A call in flight at the purge answers now: its result must be fenced off.
    holds.get(a)?.open();
    await new Promise((r) => setTimeout(r, 400));
    expect(await rowsMentioning(a)).toEqual({});
    expect(await rowsOfRuns(aRuns)).toEqual({});

    expect(await runsOf(b)).toEqual(bRuns);
    expect(await rowsMentioning(b)).toEqual(bRows);
    const [bTurn] = bRuns.filter((r) => r.functionId === fnId("turn"));
    expect((await h.api.run(bTurn?.id ?? "")).steps.map((s) => [s.name, s.status])).toEqual([
      ["load", "completed"],
      ["store", "completed"],
    ]);
    expect(await h.api.post("purge", { eventData: { userId: a } })).toEqual({ status: 200, body: { events: 0, runs: 0 } });
  });

  it("refuses an empty or malformed match instead of purging everything", async () => {
    for (const body of [{}, { eventData: {} }, { eventData: { userId: { nested: true } } }, { eventData: "x" }]) {
      const res = await h.api.post<{ status: number; error: string }>("purge", body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/eventData/);
    }
    const notJson = await fetch(`${h.server.url}/v0/purge`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ eventData: { userId: USERS[1] } }) });
    expect(notJson.status).toBe(415);
    expect((await runsOf(USERS[1])).length).toBeGreaterThan(0);
  });
});
