import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "./fixtures";
import { rowCountsOf, sessionUserId, storedMessages } from "./helpers/db";

/**
 * Attacks from other pages, in a real browser. The app runs at 127.0.0.1;
 * a page at `localhost` is another site (cookies with SameSite=Lax stay
 * home), a page at 127.0.0.1 on another port is the same site (cookies go
 * along) but another origin.
 */
let attacker: http.Server;
let attackerPort = 0;
let html = "";

test.beforeAll(async () => {
  attacker = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
});

test.afterAll(async () => {
  await new Promise((resolve) => attacker.close(resolve));
});

const chatBody = (conversationId: string) =>
  JSON.stringify({ id: conversationId, message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text: "I live in Mordor" }] } });

test("a cross-site form POST neither swaps the visitor's session nor writes anything", async ({ page, baseURL }) => {
  // The session first, then the page: the page's own session fetch then carries the cookie
  // instead of racing this one to mint a second guest.
  const userId = await sessionUserId(page.request);
  await page.goto("/");
  const cookieBefore = (await page.context().cookies(baseURL)).find((c) => c.name === "jarvus_session")?.value;
  expect(cookieBefore).toBeTruthy();
  const before = await rowCountsOf(userId);
  const conversationId = crypto.randomUUID();
  // text/plain needs no preflight; the form sends `name=value`, so the JSON is split inside a string
  // and the "=" lands in the message text: the body is valid JSON.
  const payload = chatBody(conversationId);
  const cut = payload.indexOf(" in Mordor");
  const [name, value] = [payload.slice(0, cut), payload.slice(cut)];
  html = `<form id="f" method="POST" enctype="text/plain" action="${baseURL}/api/chat">
    <input type="hidden" name='${name.replace(/'/g, "&#39;")}' value='${value}'></form>
    <script>document.getElementById("f").submit()</script>`;
  const done = page.waitForResponse((r) => r.url().endsWith("/api/chat"));
  await page.goto(`http://localhost:${attackerPort}/`);
  const response = await done;
  expect(response.status()).toBe(403);

  const cookieAfter = (await page.context().cookies(baseURL)).find((c) => c.name === "jarvus_session")?.value;
  expect(cookieAfter).toBe(cookieBefore);
  expect(await sessionUserId(page.request)).toBe(userId);
  expect(await rowCountsOf(userId)).toEqual(before);
  expect(await storedMessages(conversationId)).toEqual([]);
});

test("a same-site page on another port cannot post into the visitor's account", async ({ page, baseURL }) => {
  // The session first, then the page: the page's own session fetch then carries the cookie
  // instead of racing this one to mint a second guest.
  const userId = await sessionUserId(page.request);
  await page.goto("/");
  const before = await rowCountsOf(userId);
  const conversationId = crypto.randomUUID();
  html = `<script>
    fetch(${JSON.stringify(`${baseURL}/api/chat`)}, { method: "POST", mode: "no-cors", credentials: "include",
      headers: { "content-type": "text/plain" }, body: ${JSON.stringify(chatBody(conversationId))} })
      .finally(() => { document.title = "sent"; });
  </script>`;
  await page.goto(`http://127.0.0.1:${attackerPort}/`);
  await expect(page).toHaveTitle("sent");
  expect(await rowCountsOf(userId)).toEqual(before);
  expect(await storedMessages(conversationId)).toEqual([]);
});

test("the memories page cannot be framed (no clickjacking of Forget everything)", async ({ page, baseURL }) => {
  await page.goto("/");
  html = `<iframe id="victim" src="${baseURL}/memories" width="800" height="600"></iframe>`;
  await page.goto(`http://localhost:${attackerPort}/`);
  await page.waitForTimeout(1000);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  const framedText = frame ? await frame.locator("body").innerText().catch(() => "") : "";
  expect(framedText).not.toContain("Forget everything");
});
