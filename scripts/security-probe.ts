/**
 * Probes a running Jarvus the way an attacker on the same host or a hostile
 * web page would, and prints one line per check. Run it against any
 * deployment you are allowed to test:
 *
 *   npx tsx scripts/security-probe.ts http://127.0.0.1:3000 [--inngest http://127.0.0.1:8288] [--rate-limits]
 *
 * --rate-limits spends the guest budget of this client address (it creates
 * guests until a 429). Exit code 1 when any check fails.
 */
import http from "node:http";
import { parseArgs } from "node:util";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { inngest: { type: "string" }, "rate-limits": { type: "boolean" } },
});
const app = new URL(positionals[0] ?? "http://127.0.0.1:3000");
const results: { name: string; ok: boolean; detail: string }[] = [];

async function check(name: string, run: () => Promise<string | true>) {
  try {
    const outcome = await run();
    results.push({ name, ok: outcome === true, detail: outcome === true ? "" : outcome });
  } catch (error) {
    results.push({ name, ok: false, detail: (error as Error).message });
  }
}

const STACK = /\bat \S+ \(|\/node_modules\/|\.next\/server|\/home\/|\/work\//;
const uuid = () => crypto.randomUUID();
const chatBody = () => JSON.stringify({ id: uuid(), message: { id: uuid(), role: "user", parts: [{ type: "text", text: "probe" }] } });

/** A raw request (fetch cannot set Host). */
function raw(url: URL, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: init.method ?? "GET", headers: init.headers },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

async function session(): Promise<string> {
  const res = await raw(new URL("/api/session", app));
  const cookie = [res.headers["set-cookie"] ?? []].flat()[0];
  if (!cookie) throw new Error(`GET /api/session gave no cookie (status ${res.status})`);
  return cookie.split(";")[0]!;
}

await check("/api/inngest refuses unsigned calls (not dev mode), without stack traces", async () => {
  const get = await raw(new URL("/api/inngest", app));
  if (get.body.includes('"mode":"dev"')) return "GET /api/inngest says mode: dev — the SDK checks no signatures";
  const post = await raw(new URL("/api/inngest?fnId=jarvus-extract-memories&stepId=step", app), {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ event: { name: "chat/turn.completed", data: {} }, events: [], steps: {}, ctx: { run_id: "x", attempt: 0 } }),
  });
  if (post.status !== 401) return `unsigned POST answered ${post.status}`;
  return STACK.test(post.body) ? "the answer carries a stack trace or path" : true;
});

await check("a cross-site text/plain form POST is refused and mints no session", async () => {
  const res = await raw(new URL("/api/chat", app), {
    method: "POST",
    headers: { "content-type": "text/plain", origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    body: chatBody(),
  });
  if (res.headers["set-cookie"]) return `answered ${res.status} and set a cookie`;
  return res.status === 403 || res.status === 415 ? true : `answered ${res.status}`;
});

await check("a POST without a session is 401 and mints none", async () => {
  const res = await raw(new URL("/api/chat", app), { method: "POST", headers: { "content-type": "application/json" }, body: chatBody() });
  if (res.headers["set-cookie"]) return "set a cookie";
  return res.status === 401 ? true : `answered ${res.status}`;
});

await check("same-site, other-origin requests with the visitor's cookie are refused", async () => {
  const cookie = await session();
  const res = await raw(new URL("/api/chat", app), {
    method: "POST",
    headers: { cookie, "content-type": "application/json", origin: `${app.protocol}//${app.hostname}:1`, "sec-fetch-site": "same-site" },
    body: chatBody(),
  });
  return res.status === 403 ? true : `answered ${res.status}`;
});

await check("a foreign Host is refused (DNS rebinding)", async () => {
  const res = await raw(new URL("/api/health", app), { headers: { host: "evil.example" } });
  return res.status === 403 ? true : `answered ${res.status} (fine only if ALLOWED_HOSTS=* on purpose)`;
});

await check("pages send CSP (nonce, no remote images, no framing), nosniff and Referrer-Policy", async () => {
  for (const path of ["/", "/memories"]) {
    const res = await raw(new URL(path, app));
    const csp = String(res.headers["content-security-policy"] ?? "");
    if (!/'nonce-/.test(csp)) return `${path}: no nonce in CSP`;
    if (!csp.includes("img-src 'self' data:")) return `${path}: remote images allowed`;
    if (!csp.includes("frame-ancestors 'none'")) return `${path}: can be framed`;
    if (res.headers["x-content-type-options"] !== "nosniff") return `${path}: no nosniff`;
    if (!res.headers["referrer-policy"]) return `${path}: no Referrer-Policy`;
  }
  return true;
});

await check("text Postgres cannot store is refused or normalised, never acknowledged and lost", async () => {
  const cookie = await session();
  const headers = { cookie, "content-type": "application/json" };
  const nul = await raw(new URL("/api/chat", app), {
    method: "POST",
    headers,
    body: `{"id":"${uuid()}","message":{"id":"${uuid()}","role":"user","parts":[{"type":"text","text":"a\\u0000b"}]}}`,
  });
  if (nul.status !== 400) return `NUL answered ${nul.status}`;
  const query = await raw(new URL("/api/memories?q=a%00b", app), { headers: { cookie } });
  return query.status === 400 ? true : `?q= with NUL answered ${query.status}`;
});

if (values["rate-limits"]) {
  await check("guest creation is rate limited (429 with Retry-After)", async () => {
    for (let i = 0; i < 500; i++) {
      const res = await raw(new URL("/api/session", app));
      if (res.status === 429) return res.headers["retry-after"] ? true : "429 without Retry-After";
    }
    return "500 guests created without a 429";
  });
}

if (values.inngest) {
  const server = new URL(values.inngest);
  await check("the Inngest server wants the event key, a signed register, auth for runs, and a loopback Host", async () => {
    const event = await raw(new URL("/e/not-the-key", server), { method: "POST", headers: { "content-type": "application/json" }, body: "[]" });
    if (event.status !== 401) return `POST /e/<wrong key> answered ${event.status}`;
    const register = await raw(new URL("/fn/register", server), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ appName: "evil", url: "http://evil.example/api/inngest", functions: [] }),
    });
    if (register.status !== 401) return `unsigned /fn/register answered ${register.status}`;
    const runs = await raw(new URL("/v0/runs", server));
    if (runs.status !== 401) return `GET /v0/runs answered ${runs.status}`;
    const host = await raw(new URL("/health", server), { headers: { host: "evil.example" } });
    return host.status === 403 ? true : `Host evil.example answered ${host.status}`;
  });
  await check("the Inngest server refuses cross-site posts: dashboard forms and the event API", async () => {
    const form = await raw(new URL("/send", server), {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "name=probe%2Fforged&data=%7B%7D",
    });
    if (form.status !== 403) return `a cross-site dashboard form answered ${form.status}`;
    const event = await raw(new URL("/e/probe", server), { method: "POST", headers: { origin: "http://evil.example", "content-type": "text/plain" }, body: "[]" });
    return event.status === 403 ? true : `a cross-site POST /e/… answered ${event.status}`;
  });
}

for (const r of results) console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name}${r.detail ? ` — ${r.detail}` : ""}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed}/${results.length} checks passed`);
process.exit(failed > 0 ? 1 : 0);
