import { type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  closeSeedDb,
  createConversation,
  createTurn,
  insertMemory,
  insertSupersededFact,
  sessionUserId,
} from "./helpers/db";
import { MemoriesPage } from "./pages/memories-page";

/** Seeds memories for the page's own session user (the page's request shares its cookies). */
async function seed(page: Page) {
  const userId = await sessionUserId(page.request);
  const conversationId = await createConversation(userId, "Lisbon trip");
  const turnId = await createTurn(userId, conversationId);
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
  await insertMemory(userId, {
    type: "semantic",
    content: "User is allergic to peanuts",
    importance: 0.9,
    conversationId,
    turnId,
    createdAt: minutesAgo(30),
  });
  await insertMemory(userId, { type: "semantic", content: "User's name is Zed", key: "name", createdAt: minutesAgo(20) });
  await insertSupersededFact(userId, { key: "home_city", from: "User lives in Lisbon", to: "User lives in Berlin", conversationId });
  await insertMemory(userId, { type: "procedural", content: "Address the user as Captain", key: "address_as", createdAt: minutesAgo(10) });
  await insertMemory(userId, {
    type: "episodic",
    content: "User planned a trip to Lisbon; the assistant checked the time there",
    data: { tools: ["getCurrentTime"] },
    conversationId,
    turnId,
    createdAt: minutesAgo(5),
  });
  return { userId, conversationId };
}

test.afterAll(async () => {
  await closeSeedDb();
});

test.describe("memories page", () => {
  test("shows each memory under its type's tab with counts; search narrows; others see nothing", async ({ page, browser }) => {
    const { conversationId } = await seed(page);
    const memories = new MemoriesPage(page);
    await memories.goto();

    await expect(memories.count("semantic")).toHaveText("3");
    await expect(memories.count("procedural")).toHaveText("1");
    await expect(memories.count("episodic")).toHaveText("1");
    await expect(memories.tab("semantic")).toHaveAttribute("aria-selected", "true");
    expect(await memories.contents()).toEqual(["User lives in Berlin", "User's name is Zed", "User is allergic to peanuts"]);

    const peanuts = memories.item("peanuts");
    // Importance in words; the score itself stays on the element.
    await expect(peanuts.getByTestId("memory-importance")).toHaveText("Very important");
    await expect(peanuts.getByTestId("memory-importance")).toHaveAttribute("data-importance", "0.9");
    await expect(peanuts.getByTestId("memory-source")).toHaveAttribute("href", `/chat/${conversationId}`);
    await expect(peanuts).toContainText("Created");
    await expect(peanuts).toContainText("Valid from");
    await expect(memories.item("Zed").getByTestId("memory-source")).toHaveCount(0);

    await memories.openTab("procedural");
    expect(await memories.contents()).toEqual(["Address the user as Captain"]);
    await memories.openTab("episodic");
    expect(await memories.contents()).toEqual(["User planned a trip to Lisbon; the assistant checked the time there"]);
    await expect(memories.items.first()).toContainText("getCurrentTime");

    await memories.openTab("semantic");
    await memories.search.fill("peanut");
    await expect.poll(() => memories.contents()).toEqual(["User is allergic to peanuts"]);
    // The tab counts follow the search.
    await expect(memories.count("semantic")).toHaveText("1");
    await expect(memories.count("procedural")).toHaveText("0");
    await expect(memories.count("episodic")).toHaveText("0");
    await expect(memories.tab("semantic")).toHaveAccessibleName("Facts, 1 matching");
    await memories.search.fill("Lisbon");
    await expect(memories.empty).toContainText("No facts match “Lisbon”");
    await memories.includeInactive.check();
    await expect.poll(() => memories.contents()).toEqual(["User lives in Lisbon"]);
    await expect(memories.item("Lisbon").getByTestId("memory-inactive")).toContainText("Superseded on");
    await memories.search.fill("");
    await expect.poll(() => memories.contents()).toHaveLength(4);
    await expect(memories.count("semantic")).toHaveText("3");
    await expect(memories.count("episodic")).toHaveText("1");

    // A second browser (another visitor, no session yet) sees none of it.
    const stranger = await browser.newContext();
    const strangerPage = await stranger.newPage();
    const theirs = new MemoriesPage(strangerPage);
    await theirs.goto();
    await expect(theirs.count("semantic")).toHaveText("0");
    await expect(theirs.items).toHaveCount(0);
    await expect(theirs.empty).toContainText("No facts yet");
    await stranger.close();
  });

  test("edit saves and survives a reload; delete asks, then removes", async ({ page }) => {
    await seed(page);
    const memories = new MemoriesPage(page);
    await memories.goto();

    const zed = await memories.pin("Zed");
    await zed.getByTestId("memory-edit").click();
    await zed.getByTestId("memory-edit-content").fill("User's name is Zed Shaw");
    await zed.getByTestId("memory-edit-importance").selectOption({ label: "Important" });
    await zed.getByTestId("memory-save").click();
    const edited = zed;
    await expect(edited.getByTestId("memory-content")).toHaveText("User's name is Zed Shaw");
    await expect(edited.getByTestId("memory-importance")).toHaveText("Important");
    await expect(edited.getByTestId("memory-importance")).toHaveAttribute("data-importance", "0.75");

    // Cancel leaves it as it was.
    await edited.getByTestId("memory-edit").click();
    await edited.getByTestId("memory-edit-content").fill("Something else");
    await edited.getByTestId("memory-cancel").click();
    await expect(edited.getByTestId("memory-content")).toHaveText("User's name is Zed Shaw");

    // An empty text is refused before it reaches the server.
    await edited.getByTestId("memory-edit").click();
    await edited.getByTestId("memory-edit-content").fill("   ");
    await edited.getByTestId("memory-save").click();
    await expect(edited.getByTestId("memory-error")).toBeVisible();
    await edited.getByTestId("memory-cancel").click();

    await page.reload();
    await memories.waitIdle();
    await expect(memories.item("Zed Shaw").getByTestId("memory-importance")).toHaveText("Important");
    await expect(memories.item("Zed Shaw").getByTestId("memory-importance")).toHaveAttribute("data-importance", "0.75");
    await memories.item("Zed Shaw").getByTestId("memory-history-toggle").click();
    await expect(memories.item("Zed Shaw").getByTestId("memory-history")).toContainText(
      "“User's name is Zed” → “User's name is Zed Shaw”",
    );

    const peanuts = await memories.pin("peanuts");
    await peanuts.getByTestId("memory-delete").click();
    // The first click only asks.
    await peanuts.getByTestId("memory-delete-cancel").click();
    await expect(peanuts).toBeVisible();
    await peanuts.getByTestId("memory-delete").click();
    await peanuts.getByTestId("memory-delete-confirm").click();
    await expect(memories.item("peanuts")).toHaveCount(0);
    await expect(memories.count("semantic")).toHaveText("2");
    await page.reload();
    await memories.waitIdle();
    await expect(memories.items).toHaveCount(2);
    await expect(memories.item("peanuts")).toHaveCount(0);
  });

  test("history shows the fact a newer one superseded", async ({ page }) => {
    await seed(page);
    const memories = new MemoriesPage(page);
    await memories.goto();

    const berlin = await memories.pin("Berlin");
    const toggle = berlin.getByTestId("memory-history-toggle");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    const history = berlin.getByTestId("memory-history");
    await expect(history.getByTestId("memory-predecessor")).toHaveText(
      /^User lives in Lisbon → User lives in Berlin, superseded on \w{3} \d{1,2}, \d{4}$/,
    );
    await expect(history.getByTestId("memory-history-entry")).toHaveText([/^Remembered on .*“User lives in Berlin”$/]);
    await toggle.click();
    await expect(berlin.getByTestId("memory-history")).toHaveCount(0);
  });

  test("forget everything asks first, then empties every tab", async ({ page }) => {
    await seed(page);
    const memories = new MemoriesPage(page);
    await memories.goto();
    await expect(page.getByTestId("export-memories")).toHaveAttribute("href", "/api/memories/export");
    await expect(page.getByTestId("back-to-chat")).toHaveAttribute("href", "/");

    const dialog = page.getByTestId("forget-all-dialog");
    await page.getByTestId("forget-all").click();
    await expect(dialog).toBeVisible();
    await page.getByTestId("forget-all-cancel").click();
    await expect(dialog).toBeHidden();
    await expect(memories.items).toHaveCount(3);

    await page.getByTestId("forget-all").click();
    await page.getByTestId("forget-all-confirm").click();
    await expect(dialog).toBeHidden();
    await expect(memories.items).toHaveCount(0);
    await expect(memories.empty).toBeVisible();
    for (const type of ["semantic", "procedural", "episodic"] as const) {
      await expect(memories.count(type)).toHaveText("0");
    }

    await page.reload();
    await memories.waitIdle();
    await memories.includeInactive.check();
    await memories.waitIdle();
    await expect(memories.items).toHaveCount(0);
    for (const type of ["procedural", "episodic"] as const) {
      await memories.openTab(type);
      await expect(memories.items).toHaveCount(0);
      await expect(memories.empty).toBeVisible();
    }
  });
});
