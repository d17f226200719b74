import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import { rowCountsOf, sessionUserId } from "./helpers/db";
import { ChatPage } from "./pages/chat-page";

/**
 * Importing history (POST /api/import, GET /api/import/:id, the /import page),
 * the recall API, and "Used N memories" under a reply.
 */
const history = (externalId = "trip-2023") => ({
  format: "jarvus",
  conversations: [
    {
      externalId,
      title: "Planning",
      messages: [
        { role: "user", text: "Hi, I'm Ines and I live in Porto. I'm allergic to shellfish.", createdAt: "2023-03-14T18:00:00Z" },
        { role: "assistant", text: "Nice to meet you, Ines.", createdAt: "2023-03-14T18:00:05Z" },
        { role: "user", text: "I adopted a beagle named Pretzel last week.", createdAt: "2023-03-20T09:00:00Z" },
        { role: "assistant", text: "Congratulations!", createdAt: "2023-03-20T09:00:04Z" },
      ],
    },
  ],
});

/** ChatGPT's conversations.json: one conversation, a tree with a system root. */
const chatGptExport = [
  {
    id: "gpt-conv-1",
    title: "Bread",
    create_time: 1_690_000_000,
    current_node: "c",
    mapping: {
      root: { id: "root", parent: null, children: ["a"], message: null },
      a: { id: "a", parent: "root", children: ["b"], message: { author: { role: "user" }, content: { content_type: "text", parts: ["I bake sourdough every Sunday, and I'm allergic to sesame."] }, create_time: 1_690_000_010 } },
      b: { id: "b", parent: "a", children: ["c"], message: { author: { role: "assistant" }, content: { content_type: "text", parts: ["Lovely habit."] }, create_time: 1_690_000_020 } },
      c: { id: "c", parent: "b", children: [], message: { author: { role: "user" }, content: { content_type: "text", parts: ["My starter is called Clint."] }, create_time: 1_690_000_030 } },
    },
  },
];

async function waitDone(request: APIRequestContext, importId: string) {
  await expect
    .poll(async () => (await (await request.get(`/api/import/${importId}`)).json()).status, { timeout: 60_000 })
    .toBe("done");
  return (await request.get(`/api/import/${importId}`)).json();
}

test.describe("import API", () => {
  test("imports with the original dates, through the memory pipeline, and a second time adds nothing", async ({ request }) => {
    const res = await request.post("/api/import", { data: history() });
    expect(res.status()).toBe(202);
    const saved = await res.json();
    expect(saved).toEqual({ importId: expect.stringMatching(/^[0-9a-f-]{36}$/), conversations: 1, turns: 2 });
    expect(await waitDone(request, saved.importId)).toEqual({ id: saved.importId, status: "done", turns: { total: 2, done: 2, failed: 0, pending: 0 } });

    const { conversations } = await (await request.get("/api/conversations")).json();
    const imported = conversations.find((c: { title: string }) => c.title === "Planning");
    expect(imported.updatedAt).toBe("2023-03-20T09:00:04.000Z");
    const { memories } = await (await request.get("/api/memories?type=semantic")).json();
    const porto = memories.find((m: { content: string }) => /Porto/.test(m.content));
    expect(porto?.validFrom).toBe("2023-03-14T18:00:00.000Z");
    const { memories: episodes } = await (await request.get("/api/memories?type=episodic")).json();
    expect(episodes.find((m: { content: string }) => /Pretzel/.test(m.content))?.validFrom).toBe("2023-03-20T09:00:00.000Z");

    const again = await request.post("/api/import", { data: history() });
    expect(again.status()).toBe(202);
    expect(await again.json()).toMatchObject({ conversations: 0, turns: 0 });
  });

  test("reads ChatGPT's export by its shape", async ({ request }) => {
    const res = await request.post("/api/import", { data: chatGptExport });
    expect(res.status()).toBe(202);
    const saved = await res.json();
    expect(saved).toMatchObject({ conversations: 1, turns: 2 });
    await waitDone(request, saved.importId);
    const { conversations } = await (await request.get("/api/conversations")).json();
    const bread = conversations.find((c: { title: string }) => c.title === "Bread");
    const convo = await (await request.get(`/api/conversations/${bread.id}`)).json();
    expect(convo.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "user"]);
  });

  test("bad uploads answer { code, message } naming the first bad path, and write nothing", async ({ request, playwright, baseURL }) => {
    const userId = await sessionUserId(request);
    const before = await rowCountsOf(userId);
    const bad = history();
    bad.conversations[0]!.messages[1]!.createdAt = "last Tuesday";
    const res = await request.post("/api/import", { data: bad });
    expect(res.status()).toBe(400);
    const body = await res.json();
    expect(body.code).toBe("bad_request:import");
    expect(body.message).toContain("conversations[0].messages[1].createdAt");

    for (const data of [{ conversations: [] }, { format: "jarvus", conversations: [] }, [{ title: "no mapping" }], "text"]) {
      const r = await request.post("/api/import", { headers: { "content-type": "application/json" }, data: Buffer.from(JSON.stringify(data)) });
      expect(r.status(), JSON.stringify(data)).toBe(400);
      expect((await r.json()).code).toBe("bad_request:import");
    }
    const notJson = await request.post("/api/import", { headers: { "content-type": "application/json" }, data: Buffer.from("{ nope") });
    expect((await notJson.json()).code).toBe("bad_request:json");
    const plain = await request.post("/api/import", { headers: { "content-type": "text/plain" }, data: JSON.stringify(history()) });
    expect(plain.status()).toBe(415);
    const huge = await request.post("/api/import", {
      headers: { "content-type": "application/json" },
      data: Buffer.from(JSON.stringify({ format: "jarvus", pad: "x".repeat(26 * 1024 * 1024), conversations: [] })),
    });
    expect(huge.status()).toBe(413);
    expect((await huge.json()).code).toBe("too_large:import");
    expect(await rowCountsOf(userId)).toEqual(before);

    const anonymous = await playwright.request.newContext({ baseURL });
    expect((await anonymous.post("/api/import", { data: history() })).status()).toBe(401);
    await anonymous.dispose();
  });

  test("another user's import id is 404", async ({ request, playwright, baseURL }) => {
    const saved = await (await request.post("/api/import", { data: history("mine") })).json();
    const other = await playwright.request.newContext({ baseURL });
    await other.get("/api/session");
    for (const id of [saved.importId, crypto.randomUUID(), "not-a-uuid"]) {
      const res = await other.get(`/api/import/${id}`);
      expect(res.status()).toBe(404);
      expect((await res.json()).code).toBe("not_found:import");
    }
    await other.dispose();
  });
});

test.describe("recall API", () => {
  test("answers exactly what the chat put in the prompt, in prompt order, with the token count", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    const intro = await chat.sendMessage("My name is Zed and I live in Lisbon. Call me Captain.");
    await expect(intro.getByTestId("memory-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });

    const question = "Where do I live?";
    const recalled = await page.request.post("/api/memories/recall", { data: { query: question } });
    expect(recalled.status()).toBe(200);
    const body = await recalled.json();
    expect(body.budget).toBe(2000);
    expect(body.tokens).toBeGreaterThan(0);
    expect(body.tokens).toBeLessThanOrEqual(body.budget);
    expect(body.memories.length).toBeGreaterThan(0);
    for (const m of body.memories) {
      expect(m).toMatchObject({ id: expect.any(String), type: expect.any(String), content: expect.any(String), validFrom: expect.any(String), score: expect.any(Number) });
      expect(m.source).toHaveProperty("turnId");
    }
    // Instructions come first in the prompt.
    expect(body.memories[0].type).toBe("procedural");

    await chat.gotoNew();
    const reply = await chat.sendMessage(question);
    await expect(reply).toContainText("Lisbon");
    const { messages } = await (await page.request.get(`/api/conversations/${chat.conversationId()}`)).json();
    expect(messages[1].metadata.memoryIds).toEqual(body.memories.map((m: { id: string }) => m.id));

    const smaller = await (await page.request.post("/api/memories/recall", { data: { query: question, budget: 60 } })).json();
    expect(smaller.budget).toBe(60);
    expect(smaller.tokens).toBeLessThanOrEqual(60);
    for (const data of [{}, { query: "" }, { query: "x", budget: 0 }, { query: "x", extra: 1 }]) {
      const res = await page.request.post("/api/memories/recall", { data });
      expect(res.status()).toBe(400);
      expect((await res.json()).code).toBe("bad_request:recall");
    }
  });
});

test.describe("the import page and the memories a reply used", () => {
  test("a person picks a file, watches 0 → N of M turns, then browses what was learned", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("import-link").click();
    await expect(page.getByRole("heading", { name: "Import history" })).toBeVisible();
    await page.getByTestId("import-file").setInputFiles({
      name: "conversations.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(chatGptExport)),
    });
    const progress = page.getByTestId("import-progress");
    await expect(progress).toContainText("Added 1 conversation and 2 exchanges");
    await expect(page.getByTestId("import-count")).toContainText(/of 2 turns/);
    await expect(progress).toHaveAttribute("data-status", "done", { timeout: 60_000 });
    await expect(page.getByTestId("import-count")).toHaveText("2 of 2 turns");
    await page.getByTestId("import-browse").click();
    await expect(page.getByTestId("memory-item").filter({ hasText: /sesame/i }).first()).toBeVisible();

    await page.getByTestId("import-history").click();
    await page.getByTestId("import-file").setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from("{ nope") });
    await expect(page.getByTestId("import-error")).toContainText("not a JSON file");
  });

  test("under a reply, 'Used N memories' opens the list, each linking to the memory; 'view' shows that turn's memories", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    const name = await chat.sendMessage("My name is Zed.");
    await expect(name.getByTestId("memory-status")).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    const intro = await chat.sendMessage("I'm allergic to peanuts and I live in Oslo.");
    const status = intro.getByTestId("memory-status");
    await expect(status).toHaveAttribute("data-status", "done", { timeout: 30_000 });
    // This reply's own memories, not all of them.
    await status.getByRole("link", { name: "view" }).click();
    const focused = page.getByTestId("focused-memories");
    await expect(focused).toContainText("Memories from this reply");
    await expect(focused.getByTestId("memory-item").filter({ hasText: /peanut/i }).first()).toBeVisible();
    await expect(focused.getByTestId("memory-item").filter({ hasText: /Zed/ })).toHaveCount(0);

    await chat.gotoNew();
    const answer = await chat.sendMessage("What am I allergic to?");
    const used = answer.getByTestId("used-memories");
    await expect(used).toContainText(/Used \d+ memor/);
    await expect(used.getByTestId("used-memory")).toHaveCount(0); // collapsed
    await used.locator("summary").click();
    const peanut = used.getByTestId("used-memory").filter({ hasText: /peanut/i }).first();
    await expect(peanut).toBeVisible();
    await peanut.getByRole("link").click();
    await expect(page).toHaveURL(/\/memories\?id=/);
    await expect(page.getByTestId("focused-memories").getByTestId("memory-item")).toContainText(/peanut/i);
  });
});
