import type { APIRequestContext } from "@playwright/test";
import { asJson, expect, test } from "./fixtures";
import { sessionUserId, storedMessages } from "./helpers/db";

/** Conversations and memory controls over HTTP: rename, take back, regenerate, temporary chats, "Use memory". */
const text = (t: string, id: string = crypto.randomUUID()) => ({ id, role: "user", parts: [{ type: "text", text: t }] });

async function chat(request: APIRequestContext, data: Record<string, unknown>) {
  const res = await request.post("/api/chat", { data });
  expect(res.status()).toBe(200);
  await res.text();
}

async function turnOf(request: APIRequestContext, conversationId: string, index = 0) {
  await expect.poll(async () => (await (await request.get(`/api/conversations/${conversationId}`)).json()).messages?.length ?? 0).toBeGreaterThan(index * 2 + 1);
  const { messages } = await (await request.get(`/api/conversations/${conversationId}`)).json();
  return messages.filter((m: { role: string }) => m.role === "assistant")[index].metadata.turnId as string;
}

async function settled(request: APIRequestContext, turnId: string) {
  await expect.poll(async () => (await (await request.get(`/api/turns/${turnId}`)).json()).status, { timeout: 30_000 }).toMatch(/done|failed|skipped/);
  return (await request.get(`/api/turns/${turnId}`)).json();
}

test.describe("conversations", () => {
  test("rename: a new title, validated; someone else's is 404", async ({ request, playwright, baseURL }) => {
    const id = crypto.randomUUID();
    await chat(request, { id, message: text("Plan my trip") });
    const renamed = await request.patch(`/api/conversations/${id}`, { data: { title: "  Lisbon in May  " } });
    expect(renamed.status()).toBe(200);
    expect(await renamed.json()).toMatchObject({ id, title: "Lisbon in May" });
    expect((await (await request.get("/api/conversations")).json()).conversations[0]).toMatchObject({ id, title: "Lisbon in May" });
    for (const data of [{}, { title: "" }, { title: "x".repeat(121) }, { title: "ok", extra: 1 }]) {
      const bad = await request.patch(`/api/conversations/${id}`, { data });
      expect(bad.status()).toBe(400);
      expect((await bad.json()).code).toBe("bad_request:conversation");
    }
    const other = await playwright.request.newContext({ baseURL });
    await other.get("/api/session");
    expect((await other.patch(`/api/conversations/${id}`, { data: { title: "mine now" } })).status()).toBe(404);
    await other.dispose();
    const page = await request.get(`/chat/${id}`);
    expect(await page.text()).toContain("<title>Lisbon in May · Jarvus</title>");
  });

  test("taking back a message removes it and what followed, and forgets what was learned from it", async ({ request }) => {
    const id = crypto.randomUUID();
    await chat(request, { id, message: text("My name is Zed.") });
    const first = await turnOf(request, id, 0);
    await settled(request, first);
    const second = text("I live in Lisbon.");
    await chat(request, { id, message: second });
    const secondTurn = await turnOf(request, id, 1);
    await settled(request, secondTurn);
    const { memories: before } = await (await request.get("/api/memories?type=semantic")).json();
    expect(before.some((m: { content: string }) => /Lisbon/.test(m.content))).toBe(true);

    expect((await request.delete(`/api/conversations/${id}/messages/${second.id}`, asJson)).status()).toBe(204);
    expect((await storedMessages(id)).map((m) => m.text)).toEqual([expect.stringContaining("Zed"), expect.any(String)]);
    const { memories: after } = await (await request.get("/api/memories?type=semantic")).json();
    expect(after.some((m: { content: string }) => /Lisbon/.test(m.content))).toBe(false);
    expect(after.some((m: { content: string }) => /Zed/.test(m.content))).toBe(true);
    expect((await request.get(`/api/turns/${secondTurn}`)).status()).toBe(404);
    expect((await request.delete(`/api/conversations/${id}/messages/${second.id}`, asJson)).status()).toBe(404);
  });

  test("regenerating a reply replaces it in the same turn, with no second memory run", async ({ request }) => {
    const id = crypto.randomUUID();
    const message = text("What is 6*7?");
    await chat(request, { id, message });
    const turnId = await turnOf(request, id, 0);
    await settled(request, turnId);
    const { messages: once } = await (await request.get(`/api/conversations/${id}`)).json();
    await chat(request, { id, message });
    await expect.poll(async () => (await (await request.get(`/api/conversations/${id}`)).json()).messages[1].id).not.toBe(once[1].id);
    const { messages: twice } = await (await request.get(`/api/conversations/${id}`)).json();
    expect(twice).toHaveLength(2);
    expect(twice[1].metadata.turnId).toBe(turnId);
    expect((await settled(request, turnId)).status).toBe("done");
  });
});

test.describe("memory controls", () => {
  test("with 'Use memory' off nothing is recalled and nothing new is remembered; on again, both come back", async ({ request }) => {
    await sessionUserId(request);
    const known = crypto.randomUUID();
    await chat(request, { id: known, message: text("My name is Zed.") });
    await settled(request, await turnOf(request, known));
    expect(await (await request.get("/api/settings")).json()).toEqual({ memoryEnabled: true });

    expect(await (await request.patch("/api/settings", { data: { memoryEnabled: false } })).json()).toEqual({ memoryEnabled: false });
    const off = crypto.randomUUID();
    await chat(request, { id: off, message: text("What's my name? Also, I live in Oslo.") });
    const offTurn = await turnOf(request, off);
    const status = await settled(request, offTurn);
    expect(status.status).toBe("skipped");
    const { messages } = await (await request.get(`/api/conversations/${off}`)).json();
    expect(messages[1].metadata.memoryIds).toEqual([]);
    expect(JSON.stringify(messages[1].parts)).not.toContain("Zed");
    const { memories } = await (await request.get("/api/memories?type=semantic")).json();
    expect(memories.some((m: { content: string }) => /Oslo/.test(m.content))).toBe(false);
    // A retry cannot make a skipped turn remembered.
    await request.post(`/api/turns/${offTurn}/retry`, asJson);
    expect((await settled(request, offTurn)).status).toBe("skipped");

    await request.patch("/api/settings", { data: { memoryEnabled: true } });
    const on = crypto.randomUUID();
    await chat(request, { id: on, message: text("What's my name?") });
    // The reply is saved after its stream (in after()): wait for it like the turns above.
    await turnOf(request, on);
    const { messages: answered } = await (await request.get(`/api/conversations/${on}`)).json();
    expect(JSON.stringify(answered[1].parts)).toContain("Zed");

    for (const data of [{}, { memoryEnabled: "no" }, { memoryEnabled: false, x: 1 }]) {
      const bad = await request.patch("/api/settings", { data });
      expect(bad.status()).toBe(400);
      expect((await bad.json()).code).toBe("bad_request:settings");
    }
  });

  test("a temporary chat neither uses nor creates memories, and is never listed", async ({ request }) => {
    const known = crypto.randomUUID();
    await chat(request, { id: known, message: text("My name is Zed.") });
    await settled(request, await turnOf(request, known));
    const temp = crypto.randomUUID();
    await chat(request, { id: temp, temporary: true, message: text("What's my name? I'm allergic to kiwi.") });
    const turnId = await turnOf(request, temp);
    expect((await settled(request, turnId)).status).toBe("skipped");
    // Later messages stay temporary whatever they say.
    await chat(request, { id: temp, temporary: false, message: text("I also like chess.") });
    expect((await settled(request, await turnOf(request, temp, 1))).status).toBe("skipped");
    const convo = await (await request.get(`/api/conversations/${temp}`)).json();
    expect(convo.temporary).toBe(true);
    expect(JSON.stringify(convo.messages[1].parts)).not.toContain("Zed");
    const { conversations } = await (await request.get("/api/conversations")).json();
    expect(conversations.map((c: { id: string }) => c.id)).not.toContain(temp);
    const { memories } = await (await request.get("/api/memories")).json();
    expect(memories.some((m: { content: string }) => /kiwi|chess/i.test(m.content))).toBe(false);
  });
});
