import { asJson, expect, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

test.describe("chat", () => {
  test("a reply streams in word by word and is labelled as the offline model", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    await expect(page.getByTestId("offline-badge")).toBeVisible();

    await chat.input.fill("Hello there, who are you?");
    await chat.send.click();
    const reply = chat.assistantMessages.first();
    // Sample the reply while it streams: it must be seen growing, not arrive whole.
    const lengths = new Set<number>();
    await expect
      .poll(
        async () => {
          const text = (await reply.textContent().catch(() => "")) ?? "";
          if (text.length > 0) lengths.add(text.length);
          return page.getByTestId("chat").getAttribute("data-status");
        },
        { intervals: [20], timeout: 30_000 },
      )
      .toBe("ready");
    expect(lengths.size).toBeGreaterThan(2);
    await expect(reply).toContainText(/offline/i);
  });

  test("a tool call renders with its name, input and result", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    const reply = await chat.sendMessage("What is 12 * (3 + 4)?");
    const tool = reply.getByTestId("tool-call");
    await expect(tool).toHaveAttribute("data-tool", "calculate");
    await expect(tool).toHaveAttribute("data-state", "output-available");
    await expect(tool.getByTestId("tool-input")).toContainText("12");
    await expect(tool.getByTestId("tool-output")).toContainText("84");
    await expect(reply).toContainText("84");
  });

  test("history survives a reload, and a deleted conversation is gone", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    await chat.sendMessage("What time is it in Lisbon?");
    await chat.sendMessage("And what is 2 ^ 10?");
    const id = chat.conversationId();

    await page.reload();
    await expect(chat.userMessages).toHaveCount(2);
    await expect(chat.userMessages.first()).toContainText("What time is it in Lisbon?");
    await expect(chat.assistantMessages).toHaveCount(2);
    await expect(chat.assistantMessages.first().getByTestId("tool-call")).toHaveAttribute(
      "data-tool",
      "getCurrentTime",
    );
    await expect(chat.assistantMessages.nth(1)).toContainText("1024");

    const item = chat.conversations.filter({ hasText: "What time is it in Lisbon?" });
    await expect(item).toHaveCount(1);
    await item.getByTestId("conversation-menu").click();
    await page.getByTestId("delete-conversation").click();
    await page.getByTestId("delete-conversation-confirm").click();
    await page.waitForURL((url) => url.pathname === "/");
    await expect(chat.conversations.filter({ hasText: "What time is it in Lisbon?" })).toHaveCount(0);
    expect((await page.request.get(`/api/conversations/${id}`)).status()).toBe(404);
    await page.goto(`/chat/${id}`);
    await expect(page.getByTestId("not-found")).toBeVisible();
  });

  test("another user can neither list nor open someone's conversation", async ({ page, browser }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    await chat.sendMessage("My secret plan for the weekend");
    const id = chat.conversationId();

    const other = await browser.newContext();
    try {
      const otherPage = await other.newPage();
      // Their own session first, so the page's session fetch cannot race the list request into a second guest.
      await otherPage.request.get("/api/session");
      await otherPage.goto("/");
      await expect(otherPage.getByTestId("conversation-item")).toHaveCount(0);
      const list = await (await otherPage.request.get("/api/conversations")).json();
      expect(list.conversations).toEqual([]);

      await otherPage.goto(`/chat/${id}`);
      await expect(otherPage.getByTestId("not-found")).toBeVisible();

      const get = await otherPage.request.get(`/api/conversations/${id}`);
      expect(get.status()).toBe(404);
      expect((await get.json()).code).toBe("not_found:conversation");
      const del = await otherPage.request.delete(`/api/conversations/${id}`, asJson);
      expect(del.status()).toBe(404);
      const post = await otherPage.request.post("/api/chat", {
        data: { id, message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text: "hi" }] } },
      });
      expect(post.status()).toBe(404);
    } finally {
      await other.close();
    }
    // The owner still has it, untouched.
    const mine = await page.request.get(`/api/conversations/${id}`);
    expect(mine.status()).toBe(200);
    expect((await mine.json()).messages).toHaveLength(2);
  });

  test("a failed reply shows an error with a retry that sends the message again", async ({ page }) => {
    let failNext = true;
    await page.route("**/api/chat", async (route) => {
      if (!failNext) return route.fallback();
      failNext = false;
      await route.fulfill({
        status: 503,
        json: { code: "unavailable:chat", message: "The assistant is unavailable right now." },
      });
    });
    const chat = new ChatPage(page);
    await chat.gotoNew();
    await chat.input.fill("What is 6 * 7?");
    await chat.send.click();
    const error = page.getByTestId("chat-error");
    await expect(error).toContainText("The assistant is unavailable right now.");
    await expect(chat.userMessages).toHaveCount(1);

    await error.getByTestId("retry").click();
    await expect(error).toHaveCount(0);
    await chat.waitIdle();
    await expect(chat.assistantMessages).toHaveCount(1);
    await expect(chat.assistantMessages.first()).toContainText("42");
    await expect(chat.userMessages).toHaveCount(1);
    await page.reload();
    await expect(chat.userMessages).toHaveCount(1);
    await expect(chat.assistantMessages.first()).toContainText("42");
  });
});
