import path from "node:path";
import pg from "pg";
import { migrateDatabase } from "../../db/migrate";
import { freePort } from "../../scripts/ports";
import { health, start, waitFor, type Started } from "../helpers/processes";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";

/**
 * The Vercel shape, not the launcher's: the production build under plain
 * `next start`, DATABASE_URL pointing at a PostgreSQL server (the machine's
 * when TEST_DATABASE_URL is set, else embedded Postgres served over the wire),
 * and an Inngest server started on its own in production mode with the keys —
 * as Inngest Cloud calls a Vercel deployment. No INNGEST_DEV anywhere.
 * Small rate limits, and TRUST_PROXY so each test can be its own client.
 */
test.describe.configure({ mode: "serial", timeout: 180_000 });

const SIGNING_KEY = `signkey-prod-${"ab12".repeat(16)}`;
const EVENT_KEY = "e2e-vercel-shape-event-key";
const LIMITS = { RATE_LIMIT_GUESTS: "3/10m", RATE_LIMIT_CHAT: "3/1m", RATE_LIMIT_RETRY: "2/10m", RATE_LIMIT_IMPORT: "2/1h" };

let database: TestDatabase;
let appPort = 0;
let inngestPort = 0;
let app: Started;
let inngest: Started | undefined;
let appUrl = "";

function startInngest(): Started {
  return start(
    process.execPath,
    ["--import", "tsx", path.join("inngest", "local-server", "main.ts"), "--port", String(inngestPort), "--ui-port", "0",
      "--database-url", database.url, "--app-url", `${appUrl}/api/inngest`, "--quiet"],
    { ...process.env, INNGEST_SIGNING_KEY: SIGNING_KEY, INNGEST_EVENT_KEY: EVENT_KEY, INNGEST_DEV: "" },
  );
}

async function stopProcess(p: Started | undefined) {
  if (!p || p.child.exitCode !== null) return;
  p.child.kill("SIGTERM");
  // Next waits for keep-alive connections to drain; do not wait for them here.
  const forced = setTimeout(() => p.child.kill("SIGKILL"), 5_000);
  await p.exited;
  clearTimeout(forced);
}

test.beforeAll(async () => {
  database = await createTestDatabase();
  await migrateDatabase(database.url);
  appPort = await freePort();
  inngestPort = await freePort();
  appUrl = `http://127.0.0.1:${appPort}`;
  app = start(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(appPort), "-H", "127.0.0.1"], {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: database.url,
    AUTH_SECRET: "vercel-shape-secret-at-least-32-characters",
    INNGEST_SIGNING_KEY: SIGNING_KEY,
    INNGEST_EVENT_KEY: EVENT_KEY,
    INNGEST_BASE_URL: `http://127.0.0.1:${inngestPort}`,
    INNGEST_DEV: "",
    ALLOWED_HOSTS: "",
    JARVUS_DATA_DIR: "",
    TRUST_PROXY: "true",
    ...LIMITS,
  });
  inngest = startInngest();
  await waitFor(async () => ((await health(appPort))?.inngest === "up" ? true : undefined), 90_000, "next start and the Inngest server");
});

test.afterAll(async () => {
  await stopProcess(app);
  await stopProcess(inngest);
  await database?.drop();
});

/** A browser context that is a client of its own (TRUST_PROXY: the address is X-Forwarded-For). */
async function client(browser: import("@playwright/test").Browser, address: string) {
  return browser.newContext({ baseURL: appUrl, extraHTTPHeaders: { "x-forwarded-for": address } });
}

test("a chat turn is signed end to end: its memories are stored and recalled; unsigned calls are refused", async ({ browser }) => {
  const context = await client(browser, "198.51.100.10");
  const page = await context.newPage();
  const chat = new ChatPage(page);
  await chat.gotoNew();
  const intro = await chat.sendMessage("My name is Zed and I live in Lisbon.");
  await expect(intro.getByTestId("memory-status")).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await chat.gotoNew();
  const answer = await chat.sendMessage("What's my name?");
  await expect(answer).toContainText("Zed");

  const unsigned = await page.request.post("/api/inngest?fnId=jarvus-extract-memories&stepId=step", {
    data: { event: { name: "chat/turn.completed", data: {} }, events: [], steps: {}, ctx: { run_id: "x", attempt: 0 } },
  });
  expect(unsigned.status()).toBe(401);
  await context.close();
});

test("with the Inngest server down, a reply says 'Memory delayed — will retry' within seconds, and heals once it is back", async ({ browser }) => {
  const context = await client(browser, "198.51.100.11");
  const page = await context.newPage();
  const chat = new ChatPage(page);
  await chat.gotoNew();
  await stopProcess(inngest);
  const logFrom = app.output().length;
  const reply = await chat.sendMessage("I'm allergic to hazelnuts.");
  const status = reply.getByTestId("memory-status");
  await expect(status).toContainText("Memory delayed — will retry", { timeout: 10_000 });
  await expect(status.getByTestId("memory-retry")).toBeVisible();
  // An expected failure is one line, not a stack trace.
  const log = app.output().slice(logFrom);
  expect(log).toMatch(/could not send the event for turn .* the outbox will retry/);
  expect(log).not.toMatch(/^\s+at /m);

  inngest = startInngest();
  const back = Date.now();
  await expect(status).toHaveAttribute("data-status", "done", { timeout: 45_000 });
  expect(Date.now() - back).toBeLessThan(40_000);
  await context.close();
});

test("limits answer 429 rate_limit:<surface> with Retry-After: guests per address, chats per user, retries per turn, imports per user", async ({ playwright }) => {
  const newClient = (address: string) => playwright.request.newContext({ baseURL: appUrl, extraHTTPHeaders: { "x-forwarded-for": address } });
  const expect429 = async (res: import("@playwright/test").APIResponse, surface: string) => {
    expect(res.status()).toBe(429);
    expect((await res.json()).code).toBe(`rate_limit:${surface}`);
    expect(Number(res.headers()["retry-after"])).toBeGreaterThan(0);
  };

  // Guests: 3 per 10 minutes from one address; another address is not affected.
  const guests = await Promise.all([1, 2, 3, 4].map(() => newClient("203.0.113.50")));
  for (const g of guests.slice(0, 3)) expect((await g.get("/api/session")).status()).toBe(200);
  await expect429(await guests[3]!.get("/api/session"), "session");
  const elsewhere = await newClient("203.0.113.51");
  expect((await elsewhere.get("/api/session")).status()).toBe(200);

  // Chats: 3 a minute per user; the refused message is not stored.
  const user = guests[0]!;
  const conversation = crypto.randomUUID();
  const message = (text: string) => ({ id: conversation, message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] } });
  for (let i = 0; i < 3; i++) {
    const res = await user.post("/api/chat", { data: message(`hello ${i}`) });
    expect(res.status()).toBe(200);
    await res.text();
  }
  await expect429(await user.post("/api/chat", { data: message("one too many") }), "chat");
  const { userId } = await (await user.get("/api/session")).json();
  const db = new pg.Client(database.url);
  await db.connect();
  try {
    const { rows } = await db.query<{ n: number }>("select count(*)::int as n from messages where user_id = $1 and role = 'user'", [userId]);
    expect(rows[0]!.n).toBe(3);

    // Retries: 2 per turn (a failed turn; a done one is a no-op that costs nothing).
    const { rows: turnRows } = await db.query<{ id: string }>("select id from turns where user_id = $1 limit 1", [userId]);
    await waitFor(async () => {
      const { rows: s } = await db.query<{ memory_status: string }>("select memory_status from turns where id = $1", [turnRows[0]!.id]);
      return s[0]?.memory_status === "done" ? true : undefined;
    }, 60_000, "the turn's memories");
    await db.query("update turns set memory_status = 'failed' where id = $1", [turnRows[0]!.id]);
    const retry = () => user.post(`/api/turns/${turnRows[0]!.id}/retry`, { headers: { "content-type": "application/json" }, data: {} });
    expect((await retry()).status()).toBe(202);
    await db.query("update turns set memory_status = 'failed' where id = $1", [turnRows[0]!.id]);
    expect((await retry()).status()).toBe(202);
    await db.query("update turns set memory_status = 'failed' where id = $1", [turnRows[0]!.id]);
    await expect429(await retry(), "retry");
  } finally {
    await db.end();
  }

  // Imports: 2 an hour per user.
  const upload = (n: number) => ({
    format: "jarvus",
    conversations: [{ externalId: `x${n}`, messages: [{ role: "user", text: `note ${n}`, createdAt: "2024-01-01T00:00:00Z" }] }],
  });
  expect((await elsewhere.post("/api/import", { data: upload(1) })).status()).toBe(202);
  expect((await elsewhere.post("/api/import", { data: upload(2) })).status()).toBe(202);
  await expect429(await elsewhere.post("/api/import", { data: upload(3) }), "import");
  for (const c of [...guests, elsewhere]) await c.dispose();
});
