/**
 * Sync (in-band, out-of-band via /fn/register, re-sync, app not up yet), the
 * event API contract, and the runs page with its JSON API.
 */
import http from "node:http";
import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalInngestServer } from "@/inngest/local-server/index";
import { Api, createClient, databaseUrl, fnId, freePort, silentLogger, startHarness, TestApp, uniqueSchema, type Harness } from "./harness";

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    schema: uniqueSchema("sync"),
    functions: (inngest) => [
      inngest.createFunction({ id: "keeper", triggers: [{ event: "sync/keeper" }] }, async ({ step, event }) => {
        await step.run("echo", () => event.data);
        return { ok: true };
      }),
      inngest.createFunction({ id: "doomed", triggers: [{ event: "sync/doomed" }] }, async () => "still here"),
      inngest.createFunction({ id: "bad-expression", triggers: [{ event: "sync/bad", if: "size(event.data.items) > 2" }] }, async () => "never"),
    ],
  });
});

afterAll(async () => {
  await h?.stop();
});

describe("local Inngest server: sync", () => {
  it("syncs the app's functions, with the SDK's composite ids", async () => {
    const fns = await h.api.functions();
    expect(fns.map((f) => f.id).sort()).toEqual([fnId("bad-expression"), fnId("doomed"), fnId("keeper")]);
    expect(fns.find((f) => f.id === fnId("keeper"))).toMatchObject({ appId: "conformance", appUrl: h.app.url, error: null });
  });

  it("reports an unsupported expression at sync time and never triggers that function", async () => {
    const bad = (await h.api.functions()).find((f) => f.id === fnId("bad-expression"));
    expect(bad?.error).toMatch(/unsupported expression .*size/);
    expect(h.logs.some((l) => l.includes(`function ${fnId("bad-expression")} cannot run here`))).toBe(true);
    await h.client.send({ name: "sync/bad", data: { items: [1, 2, 3] } });
    expect(await h.api.runs(fnId("bad-expression"))).toEqual([]);
  });

  it("a re-sync picks up changed and removed functions", async () => {
    await h.serve([
      h.client.createFunction({ id: "keeper", triggers: [{ event: "sync/keeper-renamed" }] }, async () => ({ ok: "renamed" })),
      h.client.createFunction({ id: "newcomer", triggers: [{ event: "sync/new" }] }, async () => "new"),
    ]);
    const fns = await h.api.functions();
    expect(fns.map((f) => f.id).sort()).toEqual([fnId("keeper"), fnId("newcomer")]);
    expect(fns.find((f) => f.id === fnId("keeper"))?.triggers).toEqual([{ event: "sync/keeper-renamed" }]);

    // Runs are created while the event is accepted, so "no run" is checkable at once.
    await h.client.send([{ name: "sync/doomed", data: {} }, { name: "sync/keeper", data: {} }]);
    expect(await h.api.runs(fnId("doomed"))).toEqual([]);
    expect(await h.api.runs(fnId("keeper"))).toEqual([]);
    await h.client.send({ name: "sync/keeper-renamed", data: {} });
    const [run] = await h.api.waitForEndedRuns(fnId("keeper"));
    expect(run?.output).toEqual({ ok: "renamed" });
    expect(h.logs.some((l) => /re-synced app conformance: .*-conformance-doomed/.test(l))).toBe(true);
  });

  it("accepts out-of-band registration on /fn/register", async () => {
    const app = new TestApp();
    await app.listen();
    try {
      const oob = new Inngest({ id: "oob-app", isDev: true, baseUrl: h.server.url, logger: silentLogger });
      app.serve(oob, [oob.createFunction({ id: "hello", triggers: [{ event: "oob/hello" }] }, async () => "hi")]);
      // A plain PUT (no in-band header) makes the SDK POST its configs to {baseUrl}/fn/register.
      const res = await fetch(app.url, { method: "PUT" });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ modified: true });
      const fns = await h.api.functions();
      expect(fns.find((f) => f.id === "oob-app-hello")).toMatchObject({ appId: "oob-app", appUrl: app.url });
      await oob.send({ name: "oob/hello", data: {} });
      const [run] = await h.api.waitForEndedRuns("oob-app-hello");
      expect(run?.output).toBe("hi");
    } finally {
      await app.kill();
    }
  });

  it("keeps trying quietly until the app comes up", async () => {
    const port = await freePort();
    const app = new TestApp();
    const logs: string[] = [];
    const server = await startLocalInngestServer({
      databaseUrl: databaseUrl(),
      appUrls: [`http://127.0.0.1:${port}/api/inngest`],
      port: 0,
      uiPort: null,
      schema: uniqueSchema("late"),
      syncIntervalMs: 100,
      log: (l) => logs.push(l),
    });
    try {
      const api = new Api(server.url, logs);
      await api.waitFor("a few failed sync attempts", async () => {
        const results = await server.syncNow();
        return results.every((r) => !r.ok);
      });
      await new Promise((r) => setTimeout(r, 300)); // several more periodic attempts
      await app.listen(port);
      const client = createClient(server.url);
      app.serve(client, [client.createFunction({ id: "late", triggers: [{ event: "late/go" }] }, async () => "late but fine")]);
      await api.waitFor("the late app's functions", async () => (await api.functions()).some((f) => f.id === fnId("late")));
      expect(logs.filter((l) => l.includes("waiting for app"))).toHaveLength(1);
      await client.send({ name: "late/go", data: {} });
      const [run] = await api.waitForEndedRuns(fnId("late"));
      expect(run?.output).toBe("late but fine");
    } finally {
      await server.stop();
      await app.kill();
    }
  });

  it("answers the Dev Server's probes: /health and /dev", async () => {
    expect(await (await fetch(`${h.server.url}/health`)).json()).toMatchObject({ ok: true, mode: "dev" });
    expect((await fetch(`${h.server.url}/dev`)).status).toBe(200);
  });

  it("POST /v0/sync re-syncs on demand and reports the result; a POST not labelled JSON is refused", async () => {
    // No body, but a form could send that: every state-changing API call must be labelled JSON.
    const plain = await fetch(`${h.server.url}/v0/sync`, { method: "POST", headers: { "content-type": "text/plain" } });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({ status: 415, error: expect.any(String) });
    expect((await fetch(`${h.server.url}/v0/sync`, { method: "POST" })).status).toBe(415);
    const res = await fetch(`${h.server.url}/v0/sync`, { method: "POST", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Array<{ ok: boolean; url: string; kind: string }> };
    expect(body.results).toEqual([expect.objectContaining({ ok: true, url: h.app.url, kind: "in_band" })]);
  });
});

describe("local Inngest server: event API", () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${h.server.url}/e/NO_EVENT_KEY_SET`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it("accepts an array or a single event and answers { ids, status: 200 }", async () => {
    const many = await post([{ name: "api/a", data: {} }, { name: "api/b" }]);
    expect(many.status).toBe(200);
    const manyBody = (await many.json()) as { ids: string[]; status: number };
    expect(manyBody.status).toBe(200);
    expect(manyBody.ids).toHaveLength(2);
    const one = await post({ name: "api/c", data: { x: 1 }, ts: 1700000000000 });
    const oneBody = (await one.json()) as { ids: string[]; status: number };
    expect(oneBody).toEqual({ ids: [expect.any(String)], status: 200 });
    const [stored] = await h.api.events("api/c");
    expect(stored?.payload).toMatchObject({ name: "api/c", data: { x: 1 }, ts: 1700000000000, id: oneBody.ids[0] });
  });

  it("rejects malformed events with 400", async () => {
    expect((await post({ data: {} })).status).toBe(400);
    expect((await post([{ name: "ok" }, { name: "bad", data: "not an object" }])).status).toBe(400);
    const res = await fetch(`${h.server.url}/e/key`, { method: "POST", body: "{not json" });
    expect(res.status).toBe(400);
  });

  it("refuses a browser POST from another site (its Origin) on the event API and /fn/register, storing nothing", async () => {
    // What a page on any site could send without a preflight: a text/plain form.
    for (const origin of ["http://evil.example", "http://localhost:3000"]) {
      const res = await fetch(`${h.server.url}/e/NO_EVENT_KEY_SET`, { method: "POST", headers: { origin, "content-type": "text/plain" }, body: JSON.stringify({ name: "api/forged", data: {} }) });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ status: 403, error: "cross-site requests are not accepted" });
    }
    expect((await post({ name: "api/forged" }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    const register = await fetch(`${h.server.url}/fn/register`, {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ appName: "intruder", url: "http://127.0.0.1:1/api/inngest", functions: [] }),
    });
    expect(register.status).toBe(403);
    expect(await h.api.events("api/forged")).toEqual([]);
    expect((await h.api.functions()).map((f) => f.appId)).not.toContain("intruder");
    // The SDK and scripts send no Origin; the server's own pages send theirs.
    expect((await post({ name: "api/forged" }, { origin: h.server.url })).status).toBe(200);
  });

  it("maps an SDK retry (same x-inngest-event-id-seed) to the same ids and stores it once", async () => {
    const seed = `${Date.now()},${Buffer.alloc(10, 9).toString("base64")}`;
    const first = (await (await post([{ name: "api/seeded" }], { "x-inngest-event-id-seed": seed })).json()) as { ids: string[] };
    const retry = (await (await post([{ name: "api/seeded" }], { "x-inngest-event-id-seed": seed })).json()) as { ids: string[] };
    expect(retry.ids).toEqual(first.ids);
    expect(await h.api.events("api/seeded")).toHaveLength(1);
  });
});

describe("local Inngest server: runs page", () => {
  it("lists runs, shows a run with its event, steps and output, all escaped", async () => {
    await h.client.send({ name: "sync/keeper-renamed", data: { note: "<script>alert(1)</script>" } });
    const runs = await h.api.waitForEndedRuns(fnId("keeper"), 2);
    const run = runs[1];
    const ui = h.server.uiUrl ?? "";
    const list = await (await fetch(`${ui}/`)).text();
    expect(list).toContain(run?.id);
    expect(list).toContain(fnId("keeper"));
    const page = await (await fetch(`${ui}/runs/${run?.id}`)).text();
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).toContain("completed");
    expect(page).toMatch(/Output/);
    const fns = await (await fetch(`${ui}/functions`)).text();
    expect(fns).toContain("Sync now");
    expect(fns).toContain(fnId("newcomer"));
    const events = await (await fetch(`${ui}/events`)).text();
    expect(events).toContain("sync/keeper-renamed");
    expect((await fetch(`${ui}/runs/does-not-exist`)).status).toBe(404);
  });

  it("the old UI port redirects to the same path on the main port; Sync now redirects back", async () => {
    const ui = h.server.uiUrl ?? "";
    const apiRuns = (await (await fetch(`${ui}/api/runs?limit=1000`)).json()) as { runs: unknown[] };
    expect(apiRuns.runs).toEqual(await h.api.runs());
    const moved = await fetch(`${ui}/runs?q=x`, { redirect: "manual" });
    expect(moved.status).toBe(307);
    expect(moved.headers.get("location")).toBe(`${h.server.url}/runs?q=x`);
    const functionsPage = await (await fetch(`${h.server.url}/functions`)).text();
    const csrf = /<form method="post" action="\/sync"[^>]*><input type="hidden" name="csrf" value="([^"]+)">/.exec(functionsPage)?.[1] ?? "";
    const res = await fetch(`${h.server.url}/sync`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: h.server.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/functions?sync=ok");
  });
});

describe("local Inngest server: Host check (DNS rebinding)", () => {
  const statusWithHost = (url: string, host: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(url, { headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });

  it("answers loopback names on any port and 403 for other hosts, on both ports", async () => {
    const port = new URL(h.server.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, "localhost"]) {
      expect(await statusWithHost(`${h.server.url}/health`, host)).toBe(200);
    }
    for (const base of [h.server.url, h.server.uiUrl ?? ""]) {
      expect(await statusWithHost(`${base}/`, "evil.example")).toBe(403);
      expect(await statusWithHost(`${base}/v0/runs`, `evil.example:${port}`)).toBe(403);
      expect(await statusWithHost(`${base}/`, "127.0.0.1.evil.example")).toBe(403);
    }
  });

  it("accepts the names given with allowedHosts", async () => {
    const server = await startLocalInngestServer({ databaseUrl: databaseUrl(), port: 0, uiPort: null, schema: uniqueSchema("hosts"), allowedHosts: ["host.docker.internal"], syncIntervalMs: 0, log: () => {} });
    try {
      expect(await statusWithHost(`${server.url}/health`, "host.docker.internal:8288")).toBe(200);
      expect(await statusWithHost(`${server.url}/health`, "evil.example")).toBe(403);
    } finally {
      await server.stop();
    }
  });
});
