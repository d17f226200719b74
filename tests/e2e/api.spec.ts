import { type APIRequestContext } from "@playwright/test";
import { asJson, expect, test } from "./fixtures";

const text = (t: string) => ({ id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text: t }] });

async function conversationIds(request: APIRequestContext): Promise<string[]> {
  const res = await request.get("/api/conversations");
  expect(res.status()).toBe(200);
  return ((await res.json()).conversations as { id: string }[]).map((c) => c.id);
}

test.describe("HTTP API", () => {
  test("session: a guest user with a signed, httpOnly, SameSite=Lax cookie", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    const res = await request.get("/api/session");
    expect(res.status()).toBe(200);
    const { userId } = await res.json();
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    const cookie = res.headers()["set-cookie"] ?? "";
    expect(cookie).toMatch(/jarvus_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // The same cookie keeps the same user.
    expect((await (await request.get("/api/session")).json()).userId).toBe(userId);
    await request.dispose();
  });

  test("a forged session cookie gets a new user, not the claimed one", async ({ playwright, baseURL }) => {
    const first = await playwright.request.newContext({ baseURL });
    const { userId } = await (await first.get("/api/session")).json();
    const forged = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: { cookie: `jarvus_session=${userId}.forgedsignature` },
    });
    const res = await forged.get("/api/session");
    expect((await res.json()).userId).not.toBe(userId);
    await first.dispose();
    await forged.dispose();
  });

  test("health reports the database", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, db: "up" });
  });

  test("chat streams a UI message stream and persists the turn", async ({ request }) => {
    const id = crypto.randomUUID();
    const res = await request.post("/api/chat", { data: { id, message: text("What is 6 * 7?") } });
    expect(res.status()).toBe(200);
    const body = await res.text();
    expect(body).toContain('"type":"tool-input-available"');
    expect(body).toContain('"toolName":"calculate"');
    // The turn is saved after the stream (in after()); give it a moment.
    await expect
      .poll(async () => (await (await request.get(`/api/conversations/${id}`)).json()).messages?.length ?? 0)
      .toBe(2);
    const convo = await (await request.get(`/api/conversations/${id}`)).json();
    const assistant = convo.messages[1];
    expect(assistant.role).toBe("assistant");
    expect(assistant.metadata.turnId).toMatch(/^[0-9a-f-]{36}$/);
    expect(assistant.parts.some((p: { type: string }) => p.type === "tool-calculate")).toBe(true);
  });

  test("chat errors answer { code, message } and change nothing", async ({ request, playwright, baseURL }) => {
    const before = await conversationIds(request);
    const id = crypto.randomUUID();

    const malformed = await request.post("/api/chat", {
      headers: { "content-type": "application/json" },
      data: Buffer.from("{ not json"),
    });
    expect(malformed.status()).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: "bad_request:json", message: expect.any(String) });

    for (const data of [
      { message: text("no conversation id") },
      { id: "not-a-uuid", message: text("hi") },
      { id, message: { ...text("hi"), role: "assistant" } },
      { id, message: { id: "m1", role: "user", parts: [] } },
      { id, message: text("   ") },
    ]) {
      const res = await request.post("/api/chat", { data });
      expect(res.status(), JSON.stringify(data)).toBe(400);
      expect((await res.json()).code).toBe("bad_request:chat");
    }

    const tooLong = await request.post("/api/chat", { data: { id, message: text("x".repeat(8_001)) } });
    expect(tooLong.status()).toBe(413);
    expect((await tooLong.json()).code).toBe("too_large:message");

    const hugeBody = await request.post("/api/chat", {
      data: { id, message: text("y".repeat(70_000)) },
    });
    expect(hugeBody.status()).toBe(413);
    expect((await hugeBody.json()).code).toBe("too_large:chat");

    // Someone else's conversation is a 404, indistinguishable from a missing one.
    const owner = await playwright.request.newContext({ baseURL });
    await owner.get("/api/session");
    const ownersId = crypto.randomUUID();
    const created = await owner.post("/api/chat", { data: { id: ownersId, message: text("mine") } });
    expect(created.status()).toBe(200);
    await created.text();
    const foreign = await request.post("/api/chat", { data: { id: ownersId, message: text("let me in") } });
    expect(foreign.status()).toBe(404);
    expect((await foreign.json()).code).toBe("not_found:conversation");
    await expect
      .poll(async () => (await (await owner.get(`/api/conversations/${ownersId}`)).json()).messages?.length)
      .toBe(2);
    await owner.dispose();

    expect(await conversationIds(request)).toEqual(before);
    expect((await request.get(`/api/conversations/${id}`)).status()).toBe(404);
  });

  test("unknown ids answer 404 with a code", async ({ request }) => {
    for (const path of [`/api/conversations/${crypto.randomUUID()}`, "/api/conversations/not-a-uuid"]) {
      const res = await request.get(path);
      expect(res.status()).toBe(404);
      expect((await res.json()).code).toBe("not_found:conversation");
    }
    expect((await request.delete(`/api/conversations/${crypto.randomUUID()}`, asJson)).status()).toBe(404);
  });
});
