import { type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { closeSeedDb, createConversation, sessionUserId } from "./helpers/db";
import { ChatPage } from "./pages/chat-page";
import { MemoriesPage } from "./pages/memories-page";

/** A phone (390×844): the drawer is the way around, and no page is wider or taller than the screen. */
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

test.afterAll(async () => {
  await closeSeedDb();
});

async function expectFitsTheScreen(page: Page) {
  const { scrollWidth, innerWidth, scrollHeight, innerHeight } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    scrollHeight: document.documentElement.scrollHeight,
    innerHeight: window.innerHeight,
  }));
  expect(scrollWidth, `${page.url()} is wider than the screen`).toBeLessThanOrEqual(innerWidth);
  // The frame is exactly the viewport's height: the page itself never scrolls, its columns do.
  expect(scrollHeight, `${page.url()} is taller than the screen`).toBeLessThanOrEqual(innerHeight);
}

test("the drawer opens, switches conversation and reaches the memories page; nothing overflows", async ({ page }) => {
  const userId = await sessionUserId(page.request);
  await createConversation(userId, "Weekend in Porto");
  const chat = new ChatPage(page);
  await chat.gotoNew();
  const reply = await chat.sendMessage("What is 12 * (3 + 4)?");
  await expect(reply).toContainText("84");
  await expectFitsTheScreen(page);
  // The composer is on screen, not pushed below it.
  const box = await chat.input.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y + box!.height).toBeLessThanOrEqual(844);
  // The sidebar is hidden on a phone: the menu button opens it as a drawer.
  await expect(page.getByTestId("sidebar")).toBeHidden();

  const drawer = page.getByTestId("nav-drawer");
  await page.getByTestId("nav-open").click();
  await expect(drawer).toBeVisible();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expect(drawer.getByTestId("new-chat")).toBeVisible();
  await expect(drawer.getByTestId("memory-switch")).toBeVisible();
  await expectFitsTheScreen(page);

  await drawer.getByTestId("conversation-item").filter({ hasText: "Weekend in Porto" }).getByRole("link").click();
  await expect(drawer).toBeHidden();
  await page.waitForURL(/\/chat\//);
  await expect(chat.title).toHaveText("Weekend in Porto");
  await expectFitsTheScreen(page);

  await page.getByTestId("nav-open").click();
  await expect(drawer.getByTestId("conversation-item").filter({ hasText: "Weekend in Porto" }).getByRole("link")).toHaveAttribute(
    "aria-current",
    "page",
  );
  // Escape closes it and hands focus back to the menu button.
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
  await expect(page.getByTestId("nav-open")).toBeFocused();

  await page.getByTestId("nav-open").click();
  await drawer.getByTestId("memories-link").click();
  await page.waitForURL((url) => url.pathname === "/memories");
  const memories = new MemoriesPage(page);
  await expect(page.getByRole("heading", { name: "Memories" })).toBeVisible();
  await memories.waitIdle();
  await expectFitsTheScreen(page);

  await page.getByTestId("nav-open").click();
  await drawer.getByTestId("import-link").click();
  await page.waitForURL((url) => url.pathname === "/import");
  await expect(page.getByRole("heading", { name: "Import history" })).toBeVisible();
  await expectFitsTheScreen(page);
});
