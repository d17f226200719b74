import { expect, test } from "./fixtures";
import { closeSeedDb, createConversation, sessionUserId, setConversationUpdatedAt } from "./helpers/db";
import { ChatPage } from "./pages/chat-page";

/** The chat screen's own controls: the conversation list, message actions, tool cards, memory controls. */
test.afterAll(async () => {
  await closeSeedDb();
});

const conversationOf = async (chat: ChatPage) =>
  (await (await chat.page.request.get(`/api/conversations/${chat.conversationId()}`)).json()) as {
    title: string;
    temporary: boolean;
    messages: { id: string; role: string; parts: { type: string; text?: string }[]; metadata?: { turnId?: string } }[];
  };

test.describe("conversations in the sidebar", () => {
  test("a new chat is listed and marked current at once; header and tab show its title; the composer has focus", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    await expect(chat.input).toBeFocused();
    await expect(chat.title).toHaveText("New chat");
    await expect(page).toHaveTitle("New chat · Jarvus");

    await chat.input.fill("Plan a weekend in Porto");
    await chat.send.click();
    // Listed and current before the reply has finished.
    const item = chat.item("Plan a weekend in Porto");
    await expect(item.getByRole("link")).toHaveAttribute("aria-current", "page");
    await chat.waitIdle();
    await expect(chat.title).toHaveText("Plan a weekend in Porto");
    await expect(page).toHaveTitle("Plan a weekend in Porto · Jarvus");
    await expect(page.locator('[aria-current="page"]')).toHaveCount(1);

    // New chat is a fresh page, ready to type into, with nothing marked current.
    await page.getByTestId("new-chat").click();
    await page.waitForURL((url) => url.pathname === "/");
    await expect(chat.input).toBeFocused();
    await expect(page.getByTestId("sidebar").locator('[aria-current="page"]')).toHaveCount(0);
  });

  test("switching conversation marks the clicked one current before the page arrives", async ({ page }) => {
    const userId = await sessionUserId(page.request);
    const first = await createConversation(userId, "First chat");
    const second = await createConversation(userId, "Second chat");
    const chat = new ChatPage(page);
    await page.goto(`/chat/${first}`);
    await expect(chat.item("First chat").getByRole("link")).toHaveAttribute("aria-current", "page");
    // Hold the next page back: the highlight must not wait for it.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route((url) => url.pathname === `/chat/${second}`, async (route) => {
      await held;
      await route.continue();
    });
    await chat.item("Second chat").getByRole("link").click();
    await expect(chat.item("Second chat").getByRole("link")).toHaveAttribute("aria-current", "page", { timeout: 2_000 });
    await expect(chat.item("First chat").getByRole("link")).not.toHaveAttribute("aria-current", "page");
    expect(new URL(page.url()).pathname).toBe(`/chat/${first}`);
    release();
    await page.waitForURL((url) => url.pathname === `/chat/${second}`);
    await expect(chat.title).toHaveText("Second chat");
  });

  test("rename from the conversation's menu: list, header and tab follow, and it persists", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    await chat.sendMessage("Book a table for four");
    await chat.rename("Book a table for four", "Dinner on Friday");
    await expect(chat.item("Dinner on Friday")).toHaveCount(1);
    await expect(chat.item("Book a table for four")).toHaveCount(0);
    await expect(chat.title).toHaveText("Dinner on Friday");
    await expect(page).toHaveTitle("Dinner on Friday · Jarvus");
    await page.reload();
    await expect(chat.title).toHaveText("Dinner on Friday");
    expect((await conversationOf(chat)).title).toBe("Dinner on Friday");
  });

  test("delete asks in an alert dialog; Cancel keeps the chat, Delete removes it", async ({ page }) => {
    const userId = await sessionUserId(page.request);
    const keep = await createConversation(userId, "Keep me");
    const chat = new ChatPage(page);
    await page.goto(`/chat/${keep}`);
    await chat.askToDelete("Keep me");
    await expect(page.getByRole("alertdialog")).toContainText("Delete this conversation?");
    await expect(page.getByTestId("delete-conversation-cancel")).toBeFocused();
    await page.getByTestId("delete-conversation-cancel").click();
    await expect(page.getByRole("alertdialog")).toBeHidden();
    await expect(chat.item("Keep me")).toHaveCount(1);
    expect((await page.request.get(`/api/conversations/${keep}`)).status()).toBe(200);

    await chat.askToDelete("Keep me");
    await page.getByTestId("delete-conversation-confirm").click();
    // The open chat was deleted: a fresh one takes its place.
    await page.waitForURL((url) => url.pathname === "/");
    await expect(chat.item("Keep me")).toHaveCount(0);
    expect((await page.request.get(`/api/conversations/${keep}`)).status()).toBe(404);
  });

  test("conversations are grouped Today, Yesterday, Last 7 days and Older", async ({ page }) => {
    const userId = await sessionUserId(page.request);
    const day = 24 * 60 * 60 * 1000;
    const seeds: [string, number][] = [
      ["Long ago", 40 * day],
      ["Earlier this week", 3 * day],
      ["Yesterday's chat", 1 * day],
      ["Today's chat", 0],
    ];
    for (const [title, ago] of seeds) {
      const id = await createConversation(userId, title);
      await setConversationUpdatedAt(id, new Date(Date.now() - ago));
    }
    await page.goto("/");
    const groups = page.getByTestId("sidebar").getByTestId("conversation-group");
    await expect(groups.locator("h2")).toHaveText(["Today", "Yesterday", "Last 7 days", "Older"]);
    await expect(groups.filter({ hasText: "Today" }).getByTestId("conversation-item")).toHaveText(["Today's chat"]);
    await expect(groups.filter({ hasText: "Yesterday" }).getByTestId("conversation-item")).toHaveText(["Yesterday's chat"]);
    await expect(groups.filter({ hasText: "Last 7 days" }).getByTestId("conversation-item")).toHaveText(["Earlier this week"]);
    await expect(groups.filter({ hasText: "Older" }).getByTestId("conversation-item")).toHaveText(["Long ago"]);
  });
});

test.describe("message actions", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("copy puts the reply's text on the clipboard", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    const reply = await chat.sendMessage("What is 2 ^ 10?");
    await reply.getByTestId("copy-message").click();
    await expect(reply.getByTestId("copy-message")).toHaveAttribute("data-copied", "true");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain("1024");
    const stored = (await conversationOf(chat)).messages[1]!;
    expect(copied).toBe(stored.parts.filter((p) => p.type === "text").map((p) => p.text).join("\n\n"));
  });

  test("regenerate replaces the last reply in the same turn", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    const reply = await chat.sendMessage("What is 6 * 7?");
    const turnId = await reply.getAttribute("data-turn-id");
    const before = (await conversationOf(chat)).messages;
    await expect(chat.userMessages.first().getByTestId("regenerate")).toHaveCount(0);
    await reply.getByTestId("regenerate").click();
    await chat.waitIdle();
    await expect(chat.assistantMessages).toHaveCount(1);
    await expect(chat.assistantMessages.first()).toContainText("42");
    await expect.poll(async () => (await conversationOf(chat)).messages[1]?.id).not.toBe(before[1]!.id);
    const after = (await conversationOf(chat)).messages;
    expect(after).toHaveLength(2);
    expect(after[1]!.metadata?.turnId).toBe(turnId);
    await expect(chat.assistantMessages.first()).toHaveAttribute("data-turn-id", turnId!);
  });

  test("edit the last message and resend: the old exchange is replaced", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    await chat.sendMessage("What is 3 + 4?");
    await chat.sendMessage("What is 5 + 5?");
    // Only the last message of yours can be edited.
    await expect(chat.userMessages.first().getByTestId("edit-message")).toHaveCount(0);
    await chat.userMessages.nth(1).getByTestId("edit-message").click();
    const field = page.getByTestId("edit-input");
    await expect(field).toBeFocused();
    await expect(field).toHaveValue("What is 5 + 5?");
    await field.fill("What is 9 * 9?");
    await field.press("Enter");
    await expect(chat.userMessages).toHaveCount(2);
    await expect(chat.userMessages.nth(1)).toContainText("What is 9 * 9?");
    await chat.waitIdle();
    await expect(chat.assistantMessages).toHaveCount(2);
    await expect(chat.assistantMessages.nth(1)).toContainText("81");
    await expect.poll(async () => (await conversationOf(chat)).messages.length).toBe(4);
    const texts = (await conversationOf(chat)).messages.map((m) => m.parts.find((p) => p.type === "text")?.text ?? "");
    expect(texts[2]).toBe("What is 9 * 9?");
    expect(texts.join(" ")).not.toContain("5 + 5");
  });

  test("a tool call is a readable card with its raw JSON behind a toggle", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    const reply = await chat.sendMessage("What is 12 * (3 + 4)?");
    const card = reply.getByTestId("tool-call");
    await expect(card).toContainText("Calculator");
    await expect(card.getByTestId("tool-input")).toHaveText("12 * (3 + 4)");
    await expect(card.getByTestId("tool-output")).toHaveText("= 84");
    const toggle = card.getByTestId("tool-json-toggle");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(card.getByTestId("tool-json")).toHaveCount(0);
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(card.getByTestId("tool-json")).toContainText('"expression": "12 * (3 + 4)"');
    await expect(card.getByTestId("tool-json")).toContainText('"result": 84');
    await toggle.click();
    await expect(card.getByTestId("tool-json")).toHaveCount(0);
  });

  test("streaming is announced once in a status region; the message list is not live", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    await expect(page.getByTestId("messages")).not.toHaveAttribute("aria-live", /.*/);
    const announcer = page.getByTestId("chat-announcer");
    await expect(announcer).toHaveAttribute("role", "status");
    await chat.input.fill("Tell me about yourself, please.");
    await chat.send.click();
    const seen: string[] = [];
    await expect
      .poll(
        async () => {
          const text = (await announcer.textContent()) ?? "";
          if (seen.at(-1) !== text) seen.push(text);
          return page.getByTestId("chat").getAttribute("data-status");
        },
        { intervals: [20], timeout: 30_000 },
      )
      .toBe("ready");
    await expect(announcer).toHaveText("Reply ready.");
    // While the reply streamed, the announcement stayed one sentence, never the growing text.
    expect(seen.filter((t) => t !== "")).toEqual(expect.arrayContaining(["Jarvus is replying…"]));
    expect(seen.every((t) => ["", "Jarvus is thinking…", "Jarvus is replying…", "Reply ready."].includes(t))).toBe(true);
  });
});

test.describe("memory controls", () => {
  test("'Use memory' off: the switch and a banner say so, the turn is not remembered, and it stays off", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    const toggle = page.getByTestId("sidebar").getByTestId("memory-switch");
    await expect(toggle).toHaveAttribute("aria-checked", "true");
    await expect(page.getByTestId("memory-off-banner")).toHaveCount(0);
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    await expect(page.getByTestId("memory-off-banner")).toBeVisible();
    await expect.poll(async () => (await (await page.request.get("/api/settings")).json()).memoryEnabled).toBe(false);

    const reply = await chat.sendMessage("I live in Oslo.");
    await expect(reply.getByTestId("memory-status")).toHaveAttribute("data-status", "skipped", { timeout: 30_000 });
    await expect(reply.getByTestId("memory-status")).toContainText("Not remembered");

    await page.reload();
    await expect(page.getByTestId("sidebar").getByTestId("memory-switch")).toHaveAttribute("aria-checked", "false");
    await page.getByTestId("memory-on").click();
    await expect(page.getByTestId("memory-off-banner")).toHaveCount(0);
    await expect(page.getByTestId("sidebar").getByTestId("memory-switch")).toHaveAttribute("aria-checked", "true");
    await expect.poll(async () => (await (await page.request.get("/api/settings")).json()).memoryEnabled).toBe(true);
  });

  test("a temporary chat is marked, not listed, and not remembered", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    await page.getByTestId("temporary-switch").click();
    await expect(page.getByTestId("temporary-banner")).toBeVisible();
    await expect(chat.title).toHaveText("Temporary chat");
    const reply = await chat.sendMessage("I'm allergic to kiwi.");
    await expect(reply.getByTestId("memory-status")).toHaveAttribute("data-status", "skipped", { timeout: 30_000 });
    expect((await conversationOf(chat)).temporary).toBe(true);
    await expect(chat.item("allergic to kiwi")).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId("temporary-banner")).toBeVisible();
    await expect(page.getByTestId("temporary-switch")).toHaveCount(0);
    await expect(chat.item("allergic to kiwi")).toHaveCount(0);
  });

  test("a reply's memory status links to its run on the Inngest dashboard", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.gotoNew();
    const reply = await chat.sendMessage("My name is Zed.");
    const turnId = await reply.getAttribute("data-turn-id");
    const status = await page.request.get(`/api/turns/${turnId}`);
    const { runUrl } = (await status.json()) as { runUrl: string | null };
    expect(runUrl).toMatch(new RegExp(`/runs\\?q=${turnId}$`));
    await expect(reply.getByTestId("memory-run-link")).toHaveAttribute("href", runUrl!);
    await expect(reply.getByTestId("memory-run-link")).toHaveAttribute("target", "_blank");
  });
});

test.describe("theme", () => {
  test.use({ colorScheme: "dark" });

  test("follows the system's scheme, a chosen theme wins and is kept, and it is set before the body is parsed", async ({ page }) => {
    // Records the <html> class at the moment <body> starts: anything set later would flash.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.body) {
          (window as unknown as { classAtBody: string }).classAtBody = document.documentElement.className;
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const classAtBody = () => page.evaluate(() => (window as unknown as { classAtBody?: string }).classAtBody ?? "");
    await page.goto("/");
    expect(await classAtBody()).toContain("dark");
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);

    const toggle = page.getByTestId("sidebar").getByTestId("theme-toggle");
    await expect(toggle).toHaveAccessibleName("Switch to light theme");
    await toggle.click();
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
    await expect(toggle).toHaveAccessibleName("Switch to dark theme");
    expect(await page.evaluate(() => localStorage.getItem("jarvus-theme"))).toBe("light");

    await page.reload();
    expect(await classAtBody()).not.toContain("dark");
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await toggle.click();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    // The themes really differ (the variables reach the page).
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(background);
  });
});
