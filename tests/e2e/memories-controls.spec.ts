import { type Page } from "@playwright/test";
import { asJson, expect, test } from "./fixtures";
import { closeSeedDb, createConversation, createTurn, insertMemory, insertSupersededFact, sessionUserId } from "./helpers/db";
import { MemoriesPage } from "./pages/memories-page";

/** The memories page's finer controls: words for importance, read-only history, keyboard and focus, deleted sources. */
async function seed(page: Page) {
  const userId = await sessionUserId(page.request);
  const conversationId = await createConversation(userId, "Trip");
  const turnId = await createTurn(userId, conversationId);
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
  await insertMemory(userId, { type: "semantic", content: "User's name is Zed", key: "name", importance: 0.7, conversationId, turnId, createdAt: minutesAgo(30) });
  await insertMemory(userId, { type: "semantic", content: "User likes chess", importance: 0.45, conversationId, turnId, createdAt: minutesAgo(20) });
  await insertMemory(userId, { type: "semantic", content: "User once saw a comet", importance: 0.1, conversationId, turnId, createdAt: minutesAgo(10) });
  await insertSupersededFact(userId, { key: "home_city", from: "User lives in Lisbon", to: "User lives in Berlin", conversationId });
  return { userId, conversationId };
}

test.afterAll(async () => {
  await closeSeedDb();
});

test("tabs keep the tablist pattern: one selected tab, its panel labelled by it, arrow keys move", async ({ page }) => {
  await seed(page);
  const memories = new MemoriesPage(page);
  await memories.goto();
  const tablist = page.getByRole("tablist", { name: "Memory types" });
  await expect(tablist.getByRole("tab")).toHaveCount(3);
  await expect(memories.tab("semantic")).toHaveAttribute("aria-selected", "true");
  const panel = page.getByRole("tabpanel");
  await expect(panel).toHaveAccessibleName(/Facts/);
  await memories.tab("semantic").focus();
  await page.keyboard.press("ArrowRight");
  await expect(memories.tab("procedural")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(memories.tab("procedural")).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("memories-loading")).toHaveCount(0);
  await expect(memories.empty).toContainText("No instructions yet");
});

test("importance reads in words", async ({ page }) => {
  await seed(page);
  const memories = new MemoriesPage(page);
  await memories.goto();
  await expect(memories.item("Zed").getByTestId("memory-importance")).toHaveText("Important");
  await expect(memories.item("chess").getByTestId("memory-importance")).toHaveText("Somewhat important");
  await expect(memories.item("comet").getByTestId("memory-importance")).toHaveText("Minor");
  await expect(memories.item("Berlin").getByTestId("memory-importance")).toHaveText("Important");
  await expect(page.getByTestId("memories-page")).not.toContainText(/Importance \d/);
});

test("a superseded memory is read-only: it can be deleted or looked into, not edited", async ({ page }) => {
  await seed(page);
  const memories = new MemoriesPage(page);
  await memories.goto();
  await memories.includeInactive.check();
  await memories.search.fill("Lisbon");
  await expect.poll(() => memories.contents()).toEqual(["User lives in Lisbon"]);
  const lisbon = memories.item("Lisbon");
  await expect(lisbon.getByTestId("memory-inactive")).toContainText("Superseded on");
  await expect(lisbon.getByTestId("memory-edit")).toHaveCount(0);
  await expect(lisbon.getByTestId("memory-delete")).toBeVisible();
  await expect(lisbon.getByTestId("memory-history-toggle")).toBeVisible();
});

test("Enter saves an edit and focus returns to its Edit button; Escape cancels the same way", async ({ page }) => {
  await seed(page);
  const memories = new MemoriesPage(page);
  await memories.goto();
  const zed = await memories.pin("Zed");
  await zed.getByTestId("memory-edit").click();
  const field = zed.getByTestId("memory-edit-content");
  await expect(field).toBeFocused();
  await field.fill("User's name is Zed Shaw");
  await field.press("Enter");
  await expect(zed.getByTestId("memory-content")).toHaveText("User's name is Zed Shaw");
  await expect(zed.getByTestId("memory-edit")).toBeFocused();
  const { memories: saved } = await (await page.request.get("/api/memories?type=semantic")).json();
  expect(saved.map((m: { content: string }) => m.content)).toContain("User's name is Zed Shaw");

  await zed.getByTestId("memory-edit").click();
  await zed.getByTestId("memory-edit-content").fill("Not this");
  await zed.getByTestId("memory-edit-content").press("Escape");
  await expect(zed.getByTestId("memory-content")).toHaveText("User's name is Zed Shaw");
  await expect(zed.getByTestId("memory-edit")).toBeFocused();
});

test("after a delete, focus moves to the next memory, and to the search box when none is left", async ({ page }) => {
  await seed(page);
  const memories = new MemoriesPage(page);
  await memories.goto();
  const first = memories.items.first();
  const second = await memories.pin((await memories.contents())[1]!);
  await first.getByTestId("memory-delete").click();
  await first.getByTestId("memory-delete-confirm").click();
  await expect(memories.items).toHaveCount(3);
  await expect(second.getByTestId("memory-edit")).toBeFocused();

  await memories.search.fill("comet");
  await expect.poll(() => memories.contents()).toEqual(["User once saw a comet"]);
  await memories.item("comet").getByTestId("memory-delete").click();
  await memories.item("comet").getByTestId("memory-delete-confirm").click();
  await expect(memories.items).toHaveCount(0);
  await expect(memories.search).toBeFocused();
});

test("a memory whose chat was deleted says so instead of linking to Not found", async ({ page }) => {
  const { conversationId } = await seed(page);
  const memories = new MemoriesPage(page);
  await memories.goto();
  await expect(memories.item("Zed").getByTestId("memory-source")).toHaveAttribute("href", `/chat/${conversationId}`);
  expect((await page.request.delete(`/api/conversations/${conversationId}`, asJson)).status()).toBe(204);
  // The API keeps the memory and clears its source.
  const { memories: rows } = await (await page.request.get("/api/memories?type=semantic")).json();
  expect(rows.find((m: { content: string }) => m.content.includes("Zed")).source.conversationId).toBeNull();
  await page.reload();
  await memories.waitIdle();
  await expect(memories.item("Zed").getByTestId("memory-source")).toHaveCount(0);
  await expect(memories.item("Zed").getByTestId("memory-source-deleted")).toHaveText("Source chat deleted");
});
