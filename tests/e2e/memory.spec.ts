import { type Page } from "@playwright/test";
import { asJson, expect, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

/** The whole memory loop as a person sees it: say, watch it saved, see it, use it, forget it. */

async function waitForMemorySaved(page: Page, reply: ReturnType<Page["getByTestId"]>) {
  const status = reply.getByTestId("memory-status");
  await expect(status).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  await expect(status).toContainText(/Saved \d+ memor/);
  return status;
}

test("memory: saved live, shown on /memories, used in a new chat, forgotten on delete", async ({ page, browser }) => {
  const chat = new ChatPage(page);
  await chat.gotoNew();
  const first = await chat.sendMessage("My name is Zed and I'm allergic to peanuts. Call me Captain.");
  const status = await waitForMemorySaved(page, first);
  await expect(status).toContainText(/fact/);
  await expect(status).toContainText(/instruction/);

  // The status stops polling once settled.
  const polls: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/turns/")) polls.push(r.url());
  });
  await page.waitForTimeout(2_500);
  expect(polls).toEqual([]);

  await page.goto("/memories");
  await expect(page.getByTestId("memory-count-semantic")).toContainText(/[1-9]/);
  const facts = page.getByTestId("memory-item");
  await expect(facts.filter({ hasText: "Zed" })).toHaveCount(1);
  await expect(facts.filter({ hasText: /peanut/i })).toHaveCount(1);

  // Chat 2: answered from memory, addressed as Captain.
  await chat.gotoNew();
  const answer = await chat.sendMessage("What's my name?");
  await expect(answer).toContainText("Zed");
  await expect(answer).toContainText("Captain");
  const allergy = await chat.sendMessage("What am I allergic to?");
  await expect(allergy).toContainText(/peanut/i);

  // Delete the name memory; chat 3 no longer knows it.
  await page.goto("/memories");
  const nameItem = page.getByTestId("memory-item").filter({ hasText: "Zed" });
  await nameItem.getByTestId("memory-delete").click();
  await nameItem.getByTestId("memory-delete-confirm").click();
  await expect(page.getByTestId("memory-item").filter({ hasText: "Zed" })).toHaveCount(0);
  await chat.gotoNew();
  const forgotten = await chat.sendMessage("What's my name?");
  await expect(forgotten).not.toContainText("Zed");

  // A second user sees none of it.
  const other = await browser.newContext();
  try {
    const otherPage = await other.newPage();
    await otherPage.goto("/memories");
    await expect(otherPage.getByTestId("memory-item")).toHaveCount(0);
    const otherChat = new ChatPage(otherPage);
    await otherChat.gotoNew();
    const reply = await otherChat.sendMessage("What's my name?");
    await expect(reply).not.toContainText("Zed");
    await expect(reply).not.toContainText("Captain");
  } finally {
    await other.close();
  }

  // Forget everything empties the page.
  await page.goto("/memories");
  await expect(page.getByTestId("memory-item").first()).toBeVisible();
  await page.getByTestId("forget-all").click();
  await page.getByTestId("forget-all-confirm").click();
  await expect(page.getByTestId("memory-item")).toHaveCount(0);
  for (const type of ["semantic", "procedural", "episodic"]) {
    await page.getByTestId(`memory-tab-${type}`).click();
    await expect(page.getByTestId("memory-item")).toHaveCount(0);
  }
  const api = await page.request.get("/api/memories?includeInactive=true");
  expect((await api.json()).memories).toEqual([]);
});

test("memory: a failed extraction shows a retry that re-runs it", async ({ page }) => {
  // A real failure cannot be forced from outside; the browser sees the failed
  // status the server would report, until the user presses retry.
  let retried = false;
  await page.route("**/api/turns/*", async (route) => {
    if (retried || route.request().method() !== "GET") return route.fallback();
    const real = await route.fetch();
    const body = await real.json();
    if (body.status !== "done") return route.fulfill({ response: real, json: body });
    await route.fulfill({
      json: {
        ...body,
        status: "failed",
        jobs: body.jobs.map((j: { type: string }) =>
          j.type === "semantic" ? { ...j, status: "failed", error: "model unavailable" } : j,
        ),
      },
    });
  });
  page.on("request", (r) => {
    if (r.method() === "POST" && /\/api\/turns\/[^/]+\/retry$/.test(r.url())) retried = true;
  });

  const chat = new ChatPage(page);
  await chat.gotoNew();
  const reply = await chat.sendMessage("I love hiking.");
  const status = reply.getByTestId("memory-status");
  await expect(status).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(status).toContainText("semantic");
  await reply.getByTestId("memory-retry").click();
  await expect(status).toHaveAttribute("data-status", "done", { timeout: 30_000 });
  expect(retried).toBe(true);
});

test("memory: turn status and retry are the owner's only", async ({ page, browser }) => {
  const chat = new ChatPage(page);
  await chat.gotoNew();
  const reply = await chat.sendMessage("I love hiking.");
  await waitForMemorySaved(page, reply);
  const turnId = await reply.getAttribute("data-turn-id");
  expect(turnId).toMatch(/^[0-9a-f-]{36}$/);
  const status = await (await page.request.get(`/api/turns/${turnId}`)).json();
  expect(status.status).toBe("done");
  expect(status.jobs.map((j: { type: string; status: string }) => [j.type, j.status])).toEqual([
    ["episodic", "done"],
    ["semantic", "done"],
    ["procedural", "done"],
  ]);
  expect((await page.request.post(`/api/turns/${turnId}/retry`, asJson)).status()).toBe(202);

  const other = await browser.newContext();
  try {
    await other.request.get("/api/session");
    const foreign = await other.request.get(`/api/turns/${turnId}`);
    expect(foreign.status()).toBe(404);
    expect((await foreign.json()).code).toBe("not_found:turn");
    expect((await other.request.post(`/api/turns/${turnId}/retry`, asJson)).status()).toBe(404);
  } finally {
    await other.close();
  }
});
