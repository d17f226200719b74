import { expect, test } from "@playwright/test";

/**
 * A first visit has no session until the page's GET /api/session returns.
 * Whatever the visitor does first, on whichever page they land, must wait for
 * it instead of failing with 401 (or minting a second guest).
 */
const jarvusExport = {
  format: "jarvus",
  conversations: [
    {
      externalId: "first-visit",
      messages: [
        { role: "user", text: "I keep bees on my balcony.", createdAt: "2024-05-02T08:00:00Z" },
        { role: "assistant", text: "How many hives?", createdAt: "2024-05-02T08:00:04Z" },
      ],
    },
  ],
};

test("the first click waits for the session: turning memory off before GET /api/session returns sticks", async ({ page }) => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/session", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/");
  // The composer is focused by an effect: the page is hydrated and its session request is out.
  await expect(page.getByTestId("composer-input")).toBeFocused();
  const toggle = page.getByTestId("sidebar").getByTestId("memory-switch");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  release();
  await expect.poll(async () => (await (await page.request.get("/api/settings")).json()).memoryEnabled).toBe(false);
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(page.getByRole("alert").filter({ hasText: /memory setting/ })).toHaveCount(0);
});

test("a visitor who opens /import first imports at once", async ({ page }) => {
  await page.goto("/import");
  await page.getByTestId("import-file").setInputFiles({
    name: "history.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(jarvusExport)),
  });
  await expect(page.getByTestId("import-progress")).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(page.getByTestId("import-error")).toHaveCount(0);
});

test("a visitor who opens /memories first sees the empty state and can search, without an error", async ({ page }) => {
  await page.goto("/memories");
  await page.getByRole("searchbox").fill("bees");
  await expect(page.getByTestId("memory-item")).toHaveCount(0);
  // Next's route announcer is an empty alert: only one with words is an error.
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveCount(0);
});
