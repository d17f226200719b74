import { type APIRequestContext } from "@playwright/test";
import { asJson, expect, test } from "./fixtures";
import {
  closeSeedDb,
  createConversation,
  createTurn,
  historyActions,
  insertMemory,
  insertSupersededFact,
  memoryRowCount,
  sessionUserId,
} from "./helpers/db";

interface MemoryJson {
  id: string;
  type: string;
  key: string | null;
  content: string;
  data: Record<string, unknown>;
  importance: number;
  validFrom: string;
  invalidatedAt: string | null;
  supersededBy: string | null;
  source: { conversationId: string | null; turnId: string | null };
  createdAt: string;
  updatedAt: string;
}
interface HistoryJson {
  action: string;
  previousContent: string | null;
  content: string | null;
}

/** Seeds one user's memories of every kind; the request context's session is that user. */
async function seed(request: APIRequestContext) {
  const userId = await sessionUserId(request);
  const conversationId = await createConversation(userId);
  const turnId = await createTurn(userId, conversationId);
  const hour = 3600_000;
  const peanuts = await insertMemory(userId, {
    type: "semantic",
    content: "User is allergic to peanuts",
    data: { value: "peanuts", category: "allergy" },
    importance: 0.9,
    conversationId,
    turnId,
    createdAt: new Date(Date.now() - 3 * hour),
  });
  const city = await insertSupersededFact(userId, {
    key: "home_city",
    from: "User lives in Lisbon",
    to: "User lives in Berlin",
    conversationId,
  });
  const captain = await insertMemory(userId, {
    type: "procedural",
    key: "address_as",
    content: "Address the user as Captain",
    importance: 0.7,
    createdAt: new Date(Date.now() - 2 * hour),
  });
  const episode = await insertMemory(userId, {
    type: "episodic",
    content: "User planned a trip to Lisbon; the assistant checked the time there (getCurrentTime)",
    data: { tools: ["getCurrentTime"], topics: ["travel"] },
    importance: 0.4,
    conversationId,
    turnId,
    createdAt: new Date(Date.now() - hour),
  });
  return { userId, conversationId, turnId, peanuts, berlin: city.newId, lisbon: city.oldId, captain, episode };
}

async function list(request: APIRequestContext, query = ""): Promise<{ memories: MemoryJson[]; counts: Record<string, number> }> {
  const res = await request.get(`/api/memories${query}`);
  expect(res.status(), query).toBe(200);
  return res.json();
}
const contents = (body: { memories: MemoryJson[] }) => body.memories.map((m) => m.content).sort();

test.afterAll(async () => {
  await closeSeedDb();
});

test.describe("memories API", () => {
  test("lists only the caller's memories, with the contract's shape and active counts", async ({ request, playwright, baseURL }) => {
    const s = await seed(request);
    // Another user's memories never show up.
    const other = await playwright.request.newContext({ baseURL });
    await insertMemory(await sessionUserId(other), { type: "semantic", content: "User is allergic to cats" });

    const all = await list(request);
    expect(contents(all)).toEqual([
      "Address the user as Captain",
      "User is allergic to peanuts",
      "User lives in Berlin",
      "User planned a trip to Lisbon; the assistant checked the time there (getCurrentTime)",
    ]);
    expect(all.counts).toEqual({ semantic: 2, procedural: 1, episodic: 1 });
    // Newest first.
    expect(all.memories.map((m) => m.id)).toEqual([s.berlin, s.episode, s.captain, s.peanuts]);
    const peanuts = all.memories.find((m) => m.id === s.peanuts);
    expect(peanuts).toEqual({
      id: s.peanuts,
      type: "semantic",
      key: null,
      content: "User is allergic to peanuts",
      data: { value: "peanuts", category: "allergy" },
      importance: expect.closeTo(0.9, 5),
      validFrom: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      invalidatedAt: null,
      supersededBy: null,
      source: { conversationId: s.conversationId, turnId: s.turnId },
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(all.memories.find((m) => m.id === s.captain)?.source).toEqual({ conversationId: null, turnId: null });

    expect((await other.get("/api/memories").then((r) => r.json())).memories.map((m: MemoryJson) => m.content)).toEqual([
      "User is allergic to cats",
    ]);
    await other.dispose();
  });

  test("filters by type, searches, and includes inactive memories on request", async ({ request }) => {
    const s = await seed(request);
    expect(contents(await list(request, "?type=semantic"))).toEqual(["User is allergic to peanuts", "User lives in Berlin"]);
    expect(contents(await list(request, "?type=procedural"))).toEqual(["Address the user as Captain"]);
    expect((await list(request, "?type=episodic")).memories.map((m) => m.id)).toEqual([s.episode]);

    expect(contents(await list(request, "?q=peanut"))).toEqual(["User is allergic to peanuts"]);
    expect(contents(await list(request, "?q=%20%20captain%20"))).toEqual(["Address the user as Captain"]);
    // A typo still finds it (fuzzy match).
    expect(contents(await list(request, "?q=peanutz"))).toEqual(["User is allergic to peanuts"]);
    expect((await list(request, "?q=Lisbon")).memories.map((m) => m.id)).toEqual([s.episode]);
    expect((await list(request, "?q=Lisbon&type=semantic")).memories).toEqual([]);
    expect((await list(request, "?q=zebra")).memories).toEqual([]);

    const withInactive = await list(request, "?type=semantic&includeInactive=true");
    expect(contents(withInactive)).toEqual(["User is allergic to peanuts", "User lives in Berlin", "User lives in Lisbon"]);
    const lisbon = withInactive.memories.find((m) => m.id === s.lisbon);
    expect(lisbon?.supersededBy).toBe(s.berlin);
    expect(lisbon?.invalidatedAt).toEqual(expect.any(String));
    expect((await list(request, "?q=Lisbon&includeInactive=true")).memories.map((m) => m.id).sort()).toEqual(
      [s.episode, s.lisbon].sort(),
    );
    expect(contents(await list(request, "?type=semantic&includeInactive=false"))).toHaveLength(2);
    // Counts stay the active totals whatever the filter.
    expect(withInactive.counts).toEqual({ semantic: 2, procedural: 1, episodic: 1 });

    for (const query of ["?type=facts", "?includeInactive=yes", `?q=${"a".repeat(201)}`]) {
      const res = await request.get(`/api/memories${query}`);
      expect(res.status(), query).toBe(400);
      expect((await res.json()).code).toBe("bad_request:memories");
    }
  });

  test("GET /api/memories/:id gives the memory, its history and the facts it superseded", async ({ request }) => {
    const s = await seed(request);
    const res = await request.get(`/api/memories/${s.berlin}`);
    expect(res.status()).toBe(200);
    const berlin = (await res.json()) as MemoryJson & {
      history: HistoryJson[];
      predecessors: (MemoryJson & { history: HistoryJson[] })[];
    };
    expect(berlin).toMatchObject({ id: s.berlin, content: "User lives in Berlin", key: "home_city", invalidatedAt: null });
    expect(berlin.history.map((h) => h.action)).toEqual(["add"]);
    expect(berlin.predecessors).toHaveLength(1);
    expect(berlin.predecessors[0]).toMatchObject({ id: s.lisbon, content: "User lives in Lisbon", supersededBy: s.berlin });
    expect(berlin.predecessors[0]?.history).toMatchObject([
      { action: "add", previousContent: null, content: "User lives in Lisbon" },
      { action: "supersede", previousContent: "User lives in Lisbon", content: "User lives in Berlin" },
    ]);

    for (const id of [crypto.randomUUID(), "not-a-uuid"]) {
      const missing = await request.get(`/api/memories/${id}`);
      expect(missing.status()).toBe(404);
      expect((await missing.json()).code).toBe("not_found:memory");
    }
  });

  test("PATCH validates its body, changes nothing when invalid, and records the edit", async ({ request }) => {
    const s = await seed(request);
    const invalid: [unknown, string][] = [
      [{}, "bad_request:memory"],
      [{ content: "   " }, "bad_request:memory"],
      [{ content: "x".repeat(501) }, "bad_request:memory"],
      [{ content: 42 }, "bad_request:memory"],
      [{ importance: 1.5 }, "bad_request:memory"],
      [{ importance: -0.1 }, "bad_request:memory"],
      [{ importance: "high" }, "bad_request:memory"],
      [{ content: "ok", type: "procedural" }, "bad_request:memory"],
    ];
    for (const [data, code] of invalid) {
      const res = await request.patch(`/api/memories/${s.peanuts}`, { data: data as object });
      expect(res.status(), JSON.stringify(data)).toBe(400);
      expect((await res.json()).code).toBe(code);
    }
    const malformed = await request.patch(`/api/memories/${s.peanuts}`, {
      headers: { "content-type": "application/json" },
      // A Buffer goes out as is (a string would be JSON-encoded into valid JSON).
      data: Buffer.from("{ nope"),
    });
    expect(malformed.status()).toBe(400);
    expect((await malformed.json()).code).toBe("bad_request:json");
    expect(await historyActions(s.peanuts)).toHaveLength(1);

    const res = await request.patch(`/api/memories/${s.peanuts}`, {
      data: { content: "  User is allergic to tree nuts  ", importance: 0.75 },
    });
    expect(res.status()).toBe(200);
    const edited = (await res.json()) as MemoryJson;
    expect(edited).toMatchObject({ id: s.peanuts, content: "User is allergic to tree nuts", type: "semantic" });
    expect(edited.importance).toBeCloseTo(0.75, 5);
    expect(edited.source).toEqual({ conversationId: s.conversationId, turnId: s.turnId });
    expect(contents(await list(request, "?q=tree"))).toEqual(["User is allergic to tree nuts"]);
    expect(await historyActions(s.peanuts)).toEqual([
      { action: "add", previous_content: null, content: "User is allergic to peanuts" },
      { action: "edit", previous_content: "User is allergic to peanuts", content: "User is allergic to tree nuts" },
    ]);

    // Importance alone.
    const importanceOnly = await request.patch(`/api/memories/${s.captain}`, { data: { importance: 0 } });
    expect(importanceOnly.status()).toBe(200);
    expect((await importanceOnly.json()).importance).toBe(0);

    // A deleted memory cannot be edited.
    expect((await request.delete(`/api/memories/${s.captain}`, asJson)).status()).toBe(204);
    const gone = await request.patch(`/api/memories/${s.captain}`, { data: { content: "Call me Admiral" } });
    expect(gone.status()).toBe(404);
    expect((await gone.json()).code).toBe("not_found:memory");
  });

  test("DELETE one memory: 204, then it is gone everywhere", async ({ request }) => {
    const s = await seed(request);
    const res = await request.delete(`/api/memories/${s.peanuts}`, asJson);
    expect(res.status()).toBe(204);
    expect(await res.text()).toBe("");

    const get = await request.get(`/api/memories/${s.peanuts}`);
    expect(get.status()).toBe(404);
    expect((await get.json()).code).toBe("not_found:memory");
    expect((await request.delete(`/api/memories/${s.peanuts}`, asJson)).status()).toBe(404);
    const after = await list(request, "?includeInactive=true");
    expect(after.memories.map((m) => m.id)).not.toContain(s.peanuts);
    expect(after.counts).toEqual({ semantic: 1, procedural: 1, episodic: 1 });
    expect((await list(request, "?q=peanuts")).memories).toEqual([]);
    expect((await historyActions(s.peanuts)).map((h) => h.action)).toEqual(["add", "delete"]);
  });

  test("another user's memory ids answer 404, and their memories never leak", async ({ request, playwright, baseURL }) => {
    const s = await seed(request);
    const stranger = await playwright.request.newContext({ baseURL });
    await sessionUserId(stranger);

    for (const res of [
      await stranger.get(`/api/memories/${s.peanuts}`),
      await stranger.patch(`/api/memories/${s.peanuts}`, { data: { content: "User is allergic to nothing" } }),
      await stranger.delete(`/api/memories/${s.peanuts}`, asJson),
    ]) {
      expect(res.status()).toBe(404);
      expect((await res.json()).code).toBe("not_found:memory");
    }
    const theirs = await stranger.get("/api/memories?includeInactive=true").then((r) => r.json());
    expect(theirs).toEqual({ memories: [], counts: { semantic: 0, procedural: 0, episodic: 0 } });
    const theirExport = await stranger.get("/api/memories/export").then((r) => r.json());
    expect(theirExport.memories).toEqual([]);
    // Their forget-everything cannot touch ours.
    expect((await stranger.delete("/api/memories", { data: { confirm: true } })).status()).toBe(204);
    await stranger.dispose();

    const mine = await request.get(`/api/memories/${s.peanuts}`);
    expect(mine.status()).toBe(200);
    expect((await mine.json()).content).toBe("User is allergic to peanuts");
    expect(await historyActions(s.peanuts)).toHaveLength(1);
    expect(await memoryRowCount(s.userId)).toBe(5);
  });

  test("DELETE /api/memories forgets everything only with { confirm: true }", async ({ request, playwright, baseURL }) => {
    const s = await seed(request);
    const bystander = await playwright.request.newContext({ baseURL });
    const bystanderId = await sessionUserId(bystander);
    await insertMemory(bystanderId, { type: "semantic", content: "User owns a bike" });

    const attempts: { data?: object; headers?: Record<string, string> }[] = [
      asJson,
      { data: {} },
      { data: { confirm: false } },
      { data: { confirm: "true" } },
      { data: { confirm: 1 } },
      { data: { confirm: true, type: "semantic" } },
      { data: Buffer.from("{ not json"), headers: { "content-type": "application/json" } },
    ];
    for (const attempt of attempts) {
      const res = await request.delete("/api/memories", attempt);
      expect(res.status(), JSON.stringify(attempt)).toBe(400);
      expect((await res.json()).code).toBe("bad_request:memories");
    }
    expect(await memoryRowCount(s.userId)).toBe(5);

    const res = await request.delete("/api/memories", { data: { confirm: true } });
    expect(res.status()).toBe(204);
    expect(await list(request, "?includeInactive=true")).toEqual({
      memories: [],
      counts: { semantic: 0, procedural: 0, episodic: 0 },
    });
    expect(await memoryRowCount(s.userId)).toBe(0);
    expect(await historyActions(s.peanuts)).toEqual([]);

    expect(contents(await list(bystander))).toEqual(["User owns a bike"]);
    await bystander.dispose();
  });

  test("export is a JSON attachment of every memory with its history", async ({ request }) => {
    const s = await seed(request);
    expect((await request.delete(`/api/memories/${s.captain}`, asJson)).status()).toBe(204);

    const res = await request.get("/api/memories/export");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/^application\/json/);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.headers()["content-disposition"]).toBe(`attachment; filename="jarvus-memories-${today}.json"`);
    const body = (await res.json()) as {
      exportedAt: string;
      userId: string;
      memories: (MemoryJson & { history: HistoryJson[] })[];
    };
    expect(body.userId).toBe(s.userId);
    expect(Date.parse(body.exportedAt)).not.toBeNaN();
    // Oldest first; superseded facts included; what the user deleted is not.
    expect(body.memories.map((m) => m.id)).toEqual([s.lisbon, s.peanuts, s.episode, s.berlin]);
    const lisbon = body.memories[0];
    expect(lisbon).toMatchObject({ content: "User lives in Lisbon", supersededBy: s.berlin });
    expect(lisbon?.history.map((h) => h.action)).toEqual(["add", "supersede"]);
    expect(body.memories.find((m) => m.id === s.peanuts)?.history).toMatchObject([
      { action: "add", content: "User is allergic to peanuts" },
    ]);
  });
});
