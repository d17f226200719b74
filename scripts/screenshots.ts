import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";

/**
 * PNGs of the main pages (chat, the conversation menu and delete question, the phone drawer, memories and its forget-everything question, import) at
 * 1280×800 and 390×844, light and dark, in screenshots/ (git-ignored). Starts
 * the same server the e2e tests use (scripts/e2e-server.ts: production build,
 * its own database), so what is pictured is what ships.
 *
 *   npm run screenshots              # screenshots/*.png
 *   npm run screenshots -- --docs    # also refreshes docs/images/{chat,memories}.png for the README
 *
 * Ports: E2E_PORT / E2E_INNGEST_PORT / E2E_INNGEST_UI_PORT, as for the e2e tests.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const outDir = path.resolve("screenshots");
const docs = process.argv.includes("--docs");

const sizes = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

async function waitForHealth(server: ReturnType<typeof spawn>) {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    try {
      if ((await fetch(`${baseURL}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the server did not come up within 5 minutes");
}

async function send(page: Page, text: string) {
  const replies = page.getByTestId("message-assistant");
  const before = await replies.count();
  await page.getByTestId("composer-input").fill(text);
  await page.getByTestId("send").click();
  await replies.nth(before).waitFor();
  await page.locator('[data-testid="chat"][data-status="ready"]').waitFor();
  await replies.nth(before).locator('[data-testid="memory-status"][data-status="done"]').waitFor({ timeout: 60_000 });
}

/** One visitor with a little history: an introduction, a calculation, an older chat. */
async function seed(browser: Browser) {
  const context = await browser.newContext({ baseURL, viewport: sizes.desktop });
  const page = await context.newPage();
  await page.request.get("/api/session");
  await page.goto("/");
  await send(page, "What is 12 * (3 + 4)?");
  await page.goto("/");
  await send(page, "Hi! I'm Priya. I live in Toronto, I work as a nurse and I'm allergic to peanuts.");
  await send(page, "What time is it in Lisbon?");
  const chatUrl = page.url();
  const state = await context.storageState();
  await context.close();
  return { state, chatUrl };
}

async function shoot(browser: Browser, seeded: Awaited<ReturnType<typeof seed>>) {
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    for (const [size, viewport] of Object.entries(sizes)) {
      const context = await browser.newContext({ baseURL, viewport, colorScheme: scheme, storageState: seeded.state });
      const page = await context.newPage();
      const save = async (name: string) => {
        // Let entrance animations and the reply's memory status settle.
        await page.waitForTimeout(400);
        const file = path.join(outDir, `${name}-${size}-${scheme}.png`);
        await page.screenshot({ path: file });
        written.push(file);
      };
      await page.goto(seeded.chatUrl);
      await page.locator('[data-testid="memory-status"][data-status="done"]').last().waitFor();
      await save("chat");
      if (size === "desktop") {
        await page.getByTestId("conversation-item").first().hover();
        await page.getByTestId("conversation-menu").first().click();
        await save("conversation-menu");
        await page.getByTestId("delete-conversation").click();
        await page.getByTestId("delete-conversation-dialog").waitFor();
        await save("delete-dialog");
        await page.getByTestId("delete-conversation-cancel").click();
      }
      if (size === "phone") {
        await page.getByTestId("nav-open").click();
        await page.getByTestId("nav-drawer").waitFor();
        await save("drawer");
      }
      await page.goto("/");
      await save("new-chat");
      await page.goto("/memories");
      await page.locator('[data-testid="memory-panel"][data-state="idle"]').waitFor();
      await save("memories");
      // The shared confirmation dialog (components/ui/confirm-dialog.tsx), at both sizes.
      await page.getByTestId("forget-all").click();
      await page.getByTestId("forget-all-dialog").waitFor();
      await save("forget-dialog");
      await page.getByTestId("forget-all-cancel").click();
      await page.goto("/import");
      await save("import");
      await context.close();
    }
  }
  return written;
}

const server = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "e2e-server.ts")], {
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, E2E_PORT: String(port) },
});
let code = 0;
try {
  await waitForHealth(server);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    const seeded = await seed(browser);
    const written = await shoot(browser, seeded);
    if (docs) {
      fs.copyFileSync(path.join(outDir, "chat-desktop-light.png"), path.join("docs", "images", "chat.png"));
      fs.copyFileSync(path.join(outDir, "memories-desktop-light.png"), path.join("docs", "images", "memories.png"));
    }
    console.log(`[screenshots] wrote ${written.length} files to ${path.relative(process.cwd(), outDir)}/`);
  } finally {
    await browser.close();
  }
} catch (error) {
  console.error("[screenshots]", error);
  code = 1;
} finally {
  server.kill("SIGTERM");
  await new Promise((resolve) => (server.exitCode === null ? server.once("exit", resolve) : resolve(null)));
}
process.exit(code);
