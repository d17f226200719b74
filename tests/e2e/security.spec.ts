import http from "node:http";
import { asJson, expect, test } from "./fixtures";
import { insertConversationWithReply, rowCountsOf, sessionUserId, storedMessages, userCount } from "./helpers/db";

/**
 * The "safe by default" rules on the production build (DESIGN §6): state
 * changes need a session, a JSON body and a same-origin request; security
 * headers on every response; text Postgres cannot store is refused or
 * normalised, never acknowledged and lost.
 */
const text = (t: string, id: string = crypto.randomUUID()) => ({ id, role: "user", parts: [{ type: "text", text: t }] });

test.describe("sessions are minted only by GET /api/session", () => {
  test("a state-changing request without a session is 401 and creates no user", async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const users = await userCount();
    const attempts = [
      () => anonymous.post("/api/chat", { data: { id: crypto.randomUUID(), message: text("hello") } }),
      () => anonymous.patch(`/api/memories/${crypto.randomUUID()}`, { data: { content: "x" } }),
      () => anonymous.delete(`/api/memories/${crypto.randomUUID()}`, asJson),
      () => anonymous.delete("/api/memories", { data: { confirm: true } }),
      () => anonymous.delete(`/api/conversations/${crypto.randomUUID()}`, asJson),
      () => anonymous.post(`/api/turns/${crypto.randomUUID()}/retry`, asJson),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.status()).toBe(401);
      expect((await res.json()).code).toBe("unauthorized:session");
      expect(res.headers()["set-cookie"]).toBeUndefined();
    }
    // Reads need the session too, but say so rather than minting one.
    const list = await anonymous.get("/api/conversations");
    expect(list.status()).toBe(401);
    expect(await userCount()).toBe(users);
    await anonymous.dispose();
  });
});

test.describe("state changes need JSON from this origin", () => {
  test("a non-JSON body is 415 and a cross-site or other-port origin is 403, each changing nothing", async ({ request, baseURL }) => {
    const userId = await sessionUserId(request);
    const before = await rowCountsOf(userId);
    const body = JSON.stringify({ id: crypto.randomUUID(), message: text("sneaky") });
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const res = await request.post("/api/chat", { headers: { "content-type": type }, data: body });
      expect(res.status(), type).toBe(415);
      expect((await res.json()).code).toBe("unsupported_media_type:json");
    }
    const port = new URL(baseURL!).port;
    for (const origin of ["https://evil.example", `http://127.0.0.1:${Number(port) + 1}`, "null"]) {
      const res = await request.post("/api/chat", { headers: { "content-type": "application/json", origin }, data: body });
      expect(res.status(), origin).toBe(403);
      expect((await res.json()).code).toBe("forbidden:origin");
      const del = await request.delete("/api/memories", { headers: { origin }, data: { confirm: true } });
      expect(del.status()).toBe(403);
    }
    const sameOrigin = await request.post("/api/chat", {
      headers: { "content-type": "application/json", origin: new URL(baseURL!).origin, "sec-fetch-site": "same-origin" },
      data: JSON.parse(body),
    });
    expect(sameOrigin.status()).toBe(200);
    await sameOrigin.text();
    expect((await rowCountsOf(userId)).conversations).toBe((before.conversations ?? 0) + 1);
  });

  test("a Host that is not a loopback name is refused (DNS rebinding)", async ({ baseURL }) => {
    const { port } = new URL(baseURL!);
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, path: "/api/health", headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on("error", reject);
      });
    expect(await status("evil.example")).toBe(403);
    expect(await status(`evil.example:${port}`)).toBe(403);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
  });
});

test.describe("security headers", () => {
  test("pages carry a nonce CSP without remote images or framing; every response is nosniff and same-origin referrer", async ({ request }) => {
    const page = await request.get("/");
    const csp = page.headers()["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await page.text();
    // Every script Next rendered carries this response's nonce.
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const again = (await request.get("/")).headers()["content-security-policy"];
    expect(again).not.toBe(csp); // a fresh nonce per response

    for (const res of [page, await request.get("/api/health"), await request.get("/memories")]) {
      expect(res.headers()["x-content-type-options"]).toBe("nosniff");
      expect(res.headers()["referrer-policy"]).toBe("same-origin");
    }
    expect((await request.get("/api/health")).headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  });

  test("a Markdown image in a reply never loads from another origin", async ({ page }) => {
    let hits = 0;
    const tracker = http.createServer((_req, res) => {
      hits++;
      res.writeHead(200, { "content-type": "image/png" }).end();
    });
    await new Promise<void>((resolve) => tracker.listen(0, "127.0.0.1", resolve));
    const port = (tracker.address() as { port: number }).port;
    try {
      const userId = await sessionUserId(page.request);
      await page.goto("/");
      const conversationId = await insertConversationWithReply(userId, [
        { type: "text", text: `Here: ![leak](http://localhost:${port}/pixel.png?secret=42) and more.` },
      ]);
      await page.goto(`/chat/${conversationId}`);
      await expect(page.getByTestId("message-assistant")).toContainText("and more");
      await page.waitForTimeout(500);
      expect(hits).toBe(0);
    } finally {
      await new Promise((resolve) => tracker.close(resolve));
    }
  });
});

test.describe("what the user said is stored or refused, never acknowledged and lost", () => {
  test("a lone surrogate is stored as U+FFFD; NUL is refused with 400 everywhere", async ({ request }) => {
    const id = crypto.randomUUID();
    const res = await request.post("/api/chat", {
      headers: { "content-type": "application/json" },
      data: Buffer.from(`{"id":"${id}","message":{"id":"${crypto.randomUUID()}","role":"user","parts":[{"type":"text","text":"lone \\ud800 surrogate"}]}}`),
    });
    expect(res.status()).toBe(200);
    await res.text();
    const stored = await storedMessages(id);
    expect(stored[0]?.text).toBe("lone \uFFFD surrogate");

    const userId = await sessionUserId(request);
    const before = await rowCountsOf(userId);
    const nul = [
      () => request.post("/api/chat", { data: { id: crypto.randomUUID(), message: text("a\u0000b") } }),
      () => request.post("/api/chat", { data: { id: crypto.randomUUID(), message: text("ok", "msg\u0000id") } }),
      () => request.get("/api/memories?q=a%00b"),
      () => request.patch(`/api/memories/${crypto.randomUUID()}`, { data: { content: "x\u0000y" } }),
    ];
    for (const attempt of nul) {
      const r = await attempt();
      expect(r.status()).toBe(400);
      expect((await r.json()).code).toMatch(/^bad_request:/);
    }
    expect(await rowCountsOf(userId)).toEqual(before);
  });

  test("an upper-case conversation id is the same conversation, stored lower-case", async ({ request }) => {
    const id = crypto.randomUUID();
    const first = await request.post("/api/chat", { data: { id: id.toUpperCase(), message: text("first") } });
    expect(first.status()).toBe(200);
    await first.text();
    const second = await request.post("/api/chat", { data: { id, message: text("second") } });
    expect(second.status()).toBe(200);
    await second.text();
    await expect.poll(async () => (await storedMessages(id)).length).toBe(4);
    const convo = await (await request.get(`/api/conversations/${id.toUpperCase()}`)).json();
    expect(convo.id).toBe(id);
  });

  test("a message id another user took is stored as new, without an oracle", async ({ request, playwright, baseURL }) => {
    const other = await playwright.request.newContext({ baseURL });
    await other.get("/api/session");
    const messageId = crypto.randomUUID();
    const theirs = crypto.randomUUID();
    const mine = crypto.randomUUID();
    const [a, b] = await Promise.all([
      other.post("/api/chat", { data: { id: theirs, message: text("their words", messageId) } }),
      request.post("/api/chat", { data: { id: mine, message: text("my words", messageId) } }),
    ]);
    expect([a.status(), b.status()]).toEqual([200, 200]);
    await Promise.all([a.text(), b.text()]);
    expect((await storedMessages(theirs))[0]?.text).toBe("their words");
    expect((await storedMessages(mine))[0]?.text).toBe("my words");
    await other.dispose();
  });

  test("the user's message is committed before the reply's first byte", async ({ request, baseURL }) => {
    const { cookies } = await request.storageState();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const id = crypto.randomUUID();
    const messageId = crypto.randomUUID();
    const body = JSON.stringify({ id, message: text("What time is it in Lisbon? And what is 12 * (3 + 4)?", messageId) });
    const { port } = new URL(baseURL!);
    // Node's client, so the check runs the moment the headers arrive, while the reply still streams.
    const atHeaders = await new Promise<{ ids: string[]; finish: Promise<void> }>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, path: "/api/chat", method: "POST", headers: { cookie, "content-type": "application/json" } },
        (res) => {
          expect(res.statusCode).toBe(200);
          void storedMessages(id).then((rows) => {
            const finish = new Promise<void>((done) => res.on("end", done).resume());
            resolve({ ids: rows.map((m) => m.id), finish });
          }, reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(atHeaders.ids).toEqual([messageId]);
    await atHeaders.finish;
  });
});

test.describe("the Inngest endpoint under npm start", () => {
  test("is in cloud mode: unsigned calls are refused with 401 and no stack trace or path", async ({ playwright, baseURL }) => {
    const outsider = await playwright.request.newContext({ baseURL });
    // Dev mode would describe itself here (`mode: "dev"`); cloud mode shows nothing unsigned.
    const introspection = await outsider.get("/api/inngest");
    expect(introspection.status()).toBe(401);
    expect(await introspection.text()).not.toContain('"mode"');
    const event = { name: "chat/turn.completed", data: { userId: crypto.randomUUID(), conversationId: crypto.randomUUID(), turnId: crypto.randomUUID() } };
    const attempts = [
      outsider.post("/api/inngest?fnId=jarvus-extract-memories&stepId=step", {
        data: { event, events: [event], steps: {}, ctx: { run_id: "r", attempt: 0, stack: { stack: [] } }, version: 2 },
      }),
      // No preflight needed for text/plain: what a web page could send.
      outsider.post("/api/inngest?fnId=jarvus-extract-memories&stepId=step", { headers: { "content-type": "text/plain" }, data: "{" }),
      outsider.post("/api/inngest?fnId=jarvus-extract-memories&stepId=step", {
        headers: { "x-inngest-signature": `t=${Math.floor(Date.now() / 1000)}&s=${"0".repeat(64)}` },
        data: { event, events: [event], steps: {}, ctx: { run_id: "r", attempt: 0 }, version: 2 },
      }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect([401, 500]).toContain(res.status());
      const body = await res.text();
      expect(body).not.toMatch(/\bat \S+ \(|\/work\/|node_modules|\.next\//);
      expect(body).not.toContain(event.data.turnId);
    }
    expect((await attempts[0]!).status()).toBe(401);
    await outsider.dispose();
  });
});

test("the session cookie is Secure behind HTTPS", async ({ playwright, baseURL }) => {
  const viaHttps = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-proto": "https" } });
  const cookie = (await viaHttps.get("/api/session")).headers()["set-cookie"] ?? "";
  expect(cookie).toMatch(/;\s*Secure/i);
  await viaHttps.dispose();
});

test("the security probe script passes against the production build", async ({ baseURL }) => {
  const { spawnSync } = await import("node:child_process");
  const inngest = `http://127.0.0.1:${process.env.E2E_INNGEST_PORT ?? "8388"}`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/security-probe.ts", baseURL!, "--inngest", inngest], {
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.stdout).not.toContain("FAIL");
  expect(run.stdout).toMatch(/(\d+)\/\1 checks passed/);
  expect(run.status).toBe(0);
});
