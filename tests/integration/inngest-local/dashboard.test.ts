/**
 * The dashboard on the main port (dev mode) and its JSON twins: the runs
 * list's search, filters, cron toggle and paging; the run page; the actions
 * Rerun, Cancel and Send test event as real server operations behind an
 * Origin check; and, in Chromium, pages that never grow wider than the window.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { NonRetriableError } from "inngest";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFormTokens, FORM_TOKEN_MAX_AGE_MS } from "@/inngest/local-server/form-tokens";
import { startLocalInngestServer } from "@/inngest/local-server/index";
import type { RunSummary } from "@/inngest/local-server/queries";
import { databaseUrl, fnId, gate, startHarness, uniqueSchema, type Harness } from "./harness";

const hold = gate();
const singleGate = gate();
const counts = new Map<string, number>();
const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
const LONG = `long-${"x".repeat(3_000)}`;

let h: Harness;
let origin: string;
let schema: string;

beforeAll(async () => {
  schema = uniqueSchema("dash");
  h = await startHarness({
    schema,
    functions: (inngest) => [
      inngest.createFunction({ id: "turn", triggers: [{ event: "dash/turn" }] }, async ({ event, step }) => {
        const loaded = await step.run("load-turn", () => ({ turnId: event.data.turnId, blob: event.data.blob ?? null }));
        await step.run("store", () => {
          bump(`store-${event.data.turnId}`);
          return { stored: loaded.turnId, note: "<b>not bold</b>" };
        });
        return { ok: true, turnId: loaded.turnId };
      }),
      inngest.createFunction({ id: "holder", triggers: [{ event: "dash/hold" }] }, async ({ step }) => {
        await step.run("hold", async () => {
          bump("hold");
          await hold.promise;
          return "held";
        });
        await step.run("after", () => bump("after"));
      }),
      inngest.createFunction({ id: "napper", triggers: [{ event: "dash/nap" }] }, async ({ step }) => {
        await step.sleep("nap", "1h");
      }),
      inngest.createFunction({ id: "many", triggers: [{ event: "dash/many" }] }, async ({ event }) => event.data.i),
      inngest.createFunction({ id: "ticker", triggers: [{ cron: "* * * * * *" }] }, async () => "tick"),
      inngest.createFunction({ id: "single", concurrency: 1, triggers: [{ event: "dash/single" }] }, async ({ event, step }) => {
        await step.run("work", async () => {
          bump(`single-${event.data.n}`);
          await singleGate.promise;
        });
        await step.run("after", () => bump(`single-after-${event.data.n}`));
      }),
      inngest.createFunction({ id: "flaky", retries: 2, triggers: [{ event: "dash/flaky" }] }, async ({ step }) => {
        await step.run("wobbly", () => {
          bump("wobbly");
          if ((counts.get("wobbly") ?? 0) % 2 === 1) throw new Error("wobble on the first attempt"); // each run: fails, then passes
          return "steady";
        });
        await step.run("doomed", () => {
          throw new NonRetriableError("doomed for good");
        });
      }),
    ],
  });
  origin = h.server.url;
});

afterAll(async () => {
  hold.open();
  singleGate.open();
  await h?.stop();
});

const page = async (p: string) => {
  const res = await fetch(`${origin}${p}`);
  return { status: res.status, html: await res.text() };
};
/** The table rows of a list page (the filter's function menu names every function). */
const rows = (html: string) => /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? "";
/** The form token a dashboard page puts in its POST forms. */
const formToken = async (p = "/send") => /<input type="hidden" name="csrf" value="([^"]+)">/.exec((await page(p)).html)?.[1] ?? "";
/** A form POST as the dashboard's pages send it: with a fresh form token unless `token` says otherwise (null: none). */
const post = async (p: string, headers: Record<string, string> = { origin }, fields: Record<string, string> = {}, token?: string | null) => {
  const csrf = token === undefined ? await formToken() : token;
  const body = new URLSearchParams({ ...fields, ...(csrf === null ? {} : { csrf }) });
  return fetch(`${origin}${p}`, { method: "POST", redirect: "manual", headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body });
};

describe("local Inngest server dashboard: runs list", () => {
  it("finds a turn's run with /runs?q=<turnId>, in HTML and JSON, matching event data and ids", async () => {
    await h.client.send([
      { name: "dash/turn", data: { turnId: "turn-1111", userId: "user-a" } },
      { name: "dash/turn", data: { turnId: "turn-2222", userId: "user-b" } },
      { id: "evt-turn-3333", name: "dash/turn", data: { turnId: "turn-3333", userId: "user-a" } },
    ]);
    const runs = await h.api.waitForEndedRuns(fnId("turn"), 3);
    const byTurn = new Map(runs.map((r) => [(r.event as { data: { turnId: string } }).data.turnId, r]));
    const html = (await page("/runs?q=turn-2222")).html;
    expect(html).toContain(byTurn.get("turn-2222")?.id);
    expect(html).not.toContain(byTurn.get("turn-1111")?.id);
    const json = async (q: string) => (await h.api.get<{ runs: RunSummary[] }>(`runs?q=${encodeURIComponent(q)}`)).runs.map((r) => r.id).sort();
    expect(await json("turn-2222")).toEqual([byTurn.get("turn-2222")?.id]);
    expect(await json("user-a")).toEqual([byTurn.get("turn-1111")?.id, byTurn.get("turn-3333")?.id].sort());
    expect(await json("evt-turn-3333")).toEqual([byTurn.get("turn-3333")?.id]); // the sender's event id
    expect(await json(byTurn.get("turn-1111")?.id ?? "")).toEqual([byTurn.get("turn-1111")?.id]); // a run id
    expect(await json("100%_")).toEqual([]); // LIKE wildcards are literal
    // A JSON object is matched by containment: exact values, not substrings.
    expect(await json('{"userId":"user-a"}')).toEqual([byTurn.get("turn-1111")?.id, byTurn.get("turn-3333")?.id].sort());
    expect(await json('{"userId":"user-"}')).toEqual([]);
    expect(await json('{"userId":"user-a","turnId":"turn-3333"}')).toEqual([byTurn.get("turn-3333")?.id]);
    const contained = (await page(`/runs?q=${encodeURIComponent('{"turnId":"turn-1111"}')}`)).html;
    expect(rows(contained)).toContain(byTurn.get("turn-1111")?.id);
    expect(rows(contained)).not.toContain(byTurn.get("turn-3333")?.id);
    const events = (await h.api.get<{ events: Array<{ id: string }> }>(`events?q=${encodeURIComponent('{"userId":"user-b"}')}`)).events;
    expect(events.map((e) => e.id)).toEqual([byTurn.get("turn-2222")?.eventId]);
  });

  it("filters by function and status, hides cron runs unless toggled, pages newest first", async () => {
    await h.api.waitFor("a few cron runs", async () => (await h.api.runs(fnId("ticker"))).length >= 2);
    const list = await page("/runs");
    expect(list.html).toContain("Show cron runs");
    expect(rows(list.html)).toContain(fnId("turn"));
    expect(rows(list.html)).not.toContain(fnId("ticker"));
    const withCron = await page("/runs?cron=1");
    expect(rows(withCron.html)).toContain(fnId("ticker"));
    expect(withCron.html).toContain("Hide cron runs");
    const noCron = (await h.api.get<{ runs: RunSummary[] }>("runs?cron=0&limit=1000")).runs;
    expect(noCron.some((r) => r.eventName === "inngest/scheduled.timer")).toBe(false);

    const onlyTurn = await page(`/runs?function=${fnId("turn")}&status=completed`);
    expect(rows(onlyTurn.html)).toContain(fnId("turn"));
    expect(rows(onlyTurn.html)).not.toContain(fnId("holder"));
    expect((await page(`/runs?function=${fnId("turn")}&status=failed`)).html).toContain("No runs match.");

    await h.client.send(Array.from({ length: 52 }, (_, i) => ({ name: "dash/many", data: { i } })));
    await h.api.waitForEndedRuns(fnId("many"), 52);
    const first = await page(`/runs?function=${fnId("many")}`);
    const older = /href="(\/runs\?[^"]*before=[^"]+)"/.exec(first.html)?.[1]?.replace(/&amp;/g, "&");
    expect(older).toBeDefined();
    const second = await page(older ?? "");
    const ids = (html: string) => [...html.matchAll(/href="\/runs\/([0-9A-Z]{26})"/g)].map((m) => m[1]);
    const a = [...new Set(ids(first.html))];
    const b = [...new Set(ids(second.html))];
    expect(a).toHaveLength(50);
    expect(b).toHaveLength(2);
    expect(a.every((id) => (id ?? "") > (b[0] ?? ""))).toBe(true); // newest first, then older
    const paged = (await h.api.get<{ runs: RunSummary[] }>(`runs?function=${fnId("many")}&limit=2&before=${a[1]}`)).runs.map((r) => r.id);
    expect(paged).toEqual(a.slice(2, 4));
  });

  it("shows a run: event, timeline with bars, outputs, all escaped", async () => {
    const [run] = (await h.api.runs(fnId("turn"))).filter((r) => r.status === "completed");
    const { status, html } = await page(`/runs/${run?.id}`);
    expect(status).toBe(200);
    expect(html).toContain("Timeline");
    expect(html).toMatch(/class="bar b-completed" style="left:\d+(\.\d+)?%;width:\d+(\.\d+)?%"/);
    expect(html).toContain("load-turn");
    expect((await h.api.run(run?.id ?? "")).steps.map((st) => st.attemptHistory)).toEqual([[], []]); // no retries: no attempt list
    expect(html).toContain("&lt;b&gt;not bold&lt;/b&gt;");
    expect(html).not.toContain("<b>not bold</b>");
    expect(html).not.toMatch(/<script/i);
    expect((await page("/runs/01ZZZZZZZZZZZZZZZZZZZZZZZZ")).status).toBe(404);
  });

  it("the timeline has each step's start and end, its attempts and its errors, in JSON and on the page", async () => {
    await h.client.send({ name: "dash/flaky", data: {} });
    const [run] = await h.api.waitForEndedRuns(fnId("flaky"));
    expect(run?.status).toBe("failed");
    const wobbly = run?.steps.find((st) => st.name === "wobbly");
    const doomed = run?.steps.find((st) => st.name === "doomed");
    expect(wobbly).toMatchObject({ status: "completed", attempts: 2, output: "steady", error: expect.objectContaining({ message: "wobble on the first attempt" }) });
    expect(doomed).toMatchObject({ status: "failed", attempts: 1, error: expect.objectContaining({ message: "doomed for good" }) });
    for (const st of [wobbly, doomed]) {
      const start = Date.parse(st?.startedAt ?? "");
      const end = Date.parse(st?.endedAt ?? "");
      expect(start).toBeGreaterThanOrEqual(Date.parse(run?.createdAt ?? ""));
      expect(end).toBeGreaterThanOrEqual(start);
      expect(end).toBeLessThanOrEqual(Date.parse(run?.endedAt ?? ""));
      expect(st?.durationMs).toBe(end - start);
    }
    // The retried step began before the doomed one: bars are placed by time.
    expect(Date.parse(wobbly?.startedAt ?? "")).toBeLessThan(Date.parse(doomed?.startedAt ?? ""));
    // Each attempt of the retried step, with its own times and error; the gap between them is the backoff.
    expect(wobbly?.attemptHistory).toEqual([
      expect.objectContaining({ attempt: 1, status: "failed", error: expect.objectContaining({ message: "wobble on the first attempt" }) }),
      expect.objectContaining({ attempt: 2, status: "completed" }),
    ]);
    const [first, second] = wobbly?.attemptHistory ?? [];
    expect(Date.parse(first?.startedAt ?? "")).toBe(Date.parse(wobbly?.startedAt ?? ""));
    expect(Date.parse(first?.endedAt ?? "")).toBeLessThanOrEqual(Date.parse(second?.startedAt ?? ""));
    expect(Date.parse(second?.endedAt ?? "")).toBe(Date.parse(wobbly?.endedAt ?? ""));
    expect(second?.error).toBeUndefined();
    expect(doomed?.attemptHistory).toEqual([expect.objectContaining({ attempt: 1, status: "failed", error: expect.objectContaining({ message: "doomed for good" }) })]);

    const { html } = await page(`/runs/${run?.id}`);
    const track = (name: string) => new RegExp(`<strong>${name}</strong>[\\s\\S]*?<div class="track"[^>]*>([\\s\\S]*?)</div>`).exec(html)?.[1] ?? "";
    const bars = (name: string) => [...track(name).matchAll(/class="bar ([\w -]+)" style="left:([\d.]+)%;width:([\d.]+)%"/g)].map((m) => ({ cls: m[1], left: Number(m[2]) }));
    expect(bars("wobbly").map((b) => b.cls)).toEqual(["b-completed span", "attempt b-failed", "attempt b-completed"]);
    expect(bars("doomed").map((b) => b.cls)).toEqual(["b-failed span", "attempt b-failed"]);
    const [, wobble1, wobble2] = bars("wobbly");
    expect(wobble1?.left).toBeLessThanOrEqual(wobble2?.left ?? 0);
    expect(bars("wobbly")[0]?.left).toBeLessThan(bars("doomed")[0]?.left ?? 0);
    expect(html).toContain("2 attempts (1 failed)");
    expect(html).toContain("Error: wobble on the first attempt");
    expect(html).toContain("NonRetriableError: doomed for good");
    expect(html).toMatch(/<h2 class="err">Error<\/h2>/); // the run's own error
  });
});

describe("local Inngest server dashboard: actions", () => {
  it("Rerun starts a new run of the same function with the same event, linked both ways", async () => {
    const [old] = (await h.api.runs(fnId("turn"))).filter((r) => r.status === "completed");
    const oldRun = await h.api.run(old?.id ?? "");
    const before = counts.get(`store-${(oldRun.event as { data: { turnId: string } }).data.turnId}`) ?? 0;
    expect((await post(`/runs/${old?.id}/rerun`, {})).status).toBe(403); // no Origin: not from our page
    expect((await post(`/runs/${old?.id}/rerun`, { origin: "http://evil.example" })).status).toBe(403);
    expect((await h.api.runs(fnId("turn"))).length).toBe(3);
    const res = await post(`/runs/${old?.id}/rerun`);
    expect(res.status).toBe(303);
    const newId = /^\/runs\/([0-9A-Z]{26})\?notice=rerun$/.exec(res.headers.get("location") ?? "")?.[1];
    expect(newId).toBeDefined();
    const [rerun] = await h.api.waitFor("the rerun to end", async () => {
      const r = await h.api.run(newId ?? "");
      return r.status === "completed" ? [r] : undefined;
    });
    expect(rerun?.event).toEqual(oldRun.event);
    expect(rerun?.rerunOf).toBe(old?.id);
    expect((await h.api.run(old?.id ?? "")).reruns).toEqual([newId]);
    expect(counts.get(`store-${(oldRun.event as { data: { turnId: string } }).data.turnId}`)).toBe(before + 1);
    expect((await page(`/runs/${newId}`)).html).toContain(`href="/runs/${old?.id}"`);
    const viaJson = await h.api.post<{ id: string; rerunOf: string }>(`runs/${old?.id}/rerun`);
    expect(viaJson).toEqual({ status: 201, body: { id: expect.any(String), rerunOf: old?.id } });
  });

  it("Cancel stops a running run: queued work removed, a late answer fenced off, no further calls", async () => {
    await h.client.send({ name: "dash/hold", data: {} });
    await h.api.waitFor("the step to be in flight", async () => counts.get("hold") === 1);
    const [run] = await h.api.runs(fnId("holder"));
    expect(run?.status).toBe("running");
    const res = await post(`/runs/${run?.id}/cancel`);
    expect(res.headers.get("location")).toBe(`/runs/${run?.id}?notice=cancelled`);
    const cancelled = await h.api.run(run?.id ?? "");
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.pending).toEqual([]);
    hold.open(); // the app now answers the call it was holding
    await new Promise((r) => setTimeout(r, 500));
    const after = await h.api.run(run?.id ?? "");
    expect(after.status).toBe("cancelled");
    expect(after.steps.find((s) => s.name === "hold")?.status).not.toBe("completed");
    expect(counts.get("after")).toBeUndefined();
    expect(counts.get("hold")).toBe(1);
    expect((await post(`/runs/${run?.id}/cancel`)).headers.get("location")).toBe(`/runs/${run?.id}?notice=ended`);
  });

  it("Cancel through the JSON API drops a sleeping run's timer; an ended run answers 409", async () => {
    await h.client.send({ name: "dash/nap", data: {} });
    const run = await h.api.waitFor("the run to sleep", async () => {
      const [r] = await h.api.runs(fnId("napper"));
      const d = r && (await h.api.run(r.id));
      return d && d.pending.some((p) => p.kind === "sleep") ? d : undefined;
    });
    expect(await h.api.post(`runs/${run.id}/cancel`)).toEqual({ status: 200, body: { id: run.id, status: "cancelled" } });
    expect((await h.api.run(run.id)).pending).toEqual([]);
    expect((await h.api.post(`runs/${run.id}/cancel`)).status).toBe(409);
    expect((await h.api.post("runs/nope/cancel")).status).toBe(404);
    const cross = await fetch(`${origin}/v0/runs/${run.id}/rerun`, { method: "POST", headers: { origin: "http://evil.example", "content-type": "application/json" } });
    expect(cross.status).toBe(403);
  });

  it("Cancel of a queued run (waiting for a concurrency slot): it never starts, the run ahead of it is untouched", async () => {
    await h.client.send({ name: "dash/single", data: { n: 1 } });
    await h.api.waitFor("the first run to hold the slot", async () => counts.get("single-1") === 1);
    await h.client.send({ name: "dash/single", data: { n: 2 } });
    const queued = await h.api.waitFor("the second run to queue", async () => (await h.api.runs(fnId("single"))).find((r) => r.status === "queued"));
    expect((await page(`/runs/${queued.id}`)).html).toContain(`action="/runs/${queued.id}/cancel"`);
    expect((await post(`/runs/${queued.id}/cancel`)).headers.get("location")).toBe(`/runs/${queued.id}?notice=cancelled`);
    singleGate.open();
    const [first, second] = await h.api.waitForEndedRuns(fnId("single"), 2);
    expect(first?.status).toBe("completed");
    expect(second).toMatchObject({ id: queued.id, status: "cancelled", startedAt: expect.any(String), pending: [] });
    await new Promise((r) => setTimeout(r, 300));
    expect(counts.get("single-2")).toBeUndefined();
    expect(counts.get("single-after-2")).toBeUndefined();
    expect(counts.get("single-after-1")).toBe(1);
  });

  it("every POST form carries a form token; a POST from our own Origin without it, or with a forged or stale one, is refused and changes nothing", async () => {
    await h.client.send({ name: "dash/turn", data: { turnId: "turn-csrf" } });
    const [done] = await h.api.waitFor("a run to act on", async () => {
      const rs = (await h.api.get<{ runs: RunSummary[] }>("runs?q=turn-csrf")).runs;
      return rs[0]?.status === "completed" ? rs : undefined;
    });
    for (const p of [`/runs/${done?.id}`, "/functions", "/send"]) {
      const html = (await page(p)).html;
      const forms = html.match(/<form method="post"[^>]*>/g) ?? [];
      expect(forms.length, p).toBeGreaterThan(0);
      expect(html.match(/<form method="post"[^>]*><input type="hidden" name="csrf" value="\d+\.[0-9a-f]{64}">/g)?.length, p).toBe(forms.length);
    }
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 1 });
    const secret = (await pool.query<{ value: string }>(`SELECT value FROM "${schema}".secrets WHERE name = 'form_tokens'`)).rows[0]?.value ?? "";
    await pool.end();
    const good = await formToken(`/runs/${done?.id}`);
    const flipped = `${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}`;
    const stale = createFormTokens(secret, () => Date.now() - FORM_TOKEN_MAX_AGE_MS - 60_000).issue("");
    const foreign = createFormTokens("another server's secret").issue("");
    const before = (await h.api.runs(fnId("turn"))).length;
    for (const token of [null, "", "123.abc", flipped, stale, foreign]) {
      const res = await post(`/runs/${done?.id}/rerun`, { origin }, {}, token);
      expect(res.status, String(token)).toBe(403);
      expect(await res.text()).toContain("reload the page");
    }
    const sent = await post("/send", { origin }, { name: "dash/many", data: "{}" }, null);
    expect(sent.status).toBe(403);
    expect((await h.api.runs(fnId("turn"))).length).toBe(before);
    // A token made with the server's own secret, fresh, passes: the refusals above were for the token alone.
    expect((await post(`/runs/${done?.id}/rerun`, { origin }, {}, createFormTokens(secret).issue(""))).status).toBe(303);
    // The secret lives in the server's schema, so a page opened before a restart still submits after it.
    const again = await startLocalInngestServer({ databaseUrl: databaseUrl(), schema, port: 0, uiPort: null, syncIntervalMs: 0, log: () => {} });
    try {
      const res = await fetch(`${again.url}/send`, {
        method: "POST",
        redirect: "manual",
        headers: { origin: again.url, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrf: good, name: "dash/restarted", data: "{}" }),
      });
      expect(res.status).toBe(303);
    } finally {
      await again.stop();
    }
    expect((await h.api.events("dash/restarted")).length).toBe(1);
  });

  it("Send test event posts through the event API's path and starts the runs it triggers", async () => {
    const form = { name: "dash/turn", data: JSON.stringify({ turnId: "turn-sent", userId: "user-c" }) };
    expect((await post("/send", {}, form)).status).toBe(403);
    const bad = await post("/send", { origin }, { name: "dash/turn", data: "{nope" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("not valid JSON");
    const res = await post("/send", { origin }, form);
    expect(res.status).toBe(303);
    const eventId = /^\/events\?sent=([0-9A-Z]{26})$/.exec(res.headers.get("location") ?? "")?.[1];
    expect(eventId).toBeDefined();
    const [event] = (await h.api.events("dash/turn")).filter((e) => e.id === eventId);
    expect(event?.payload).toMatchObject({ name: "dash/turn", data: { turnId: "turn-sent", userId: "user-c" } });
    const runs = await h.api.waitFor("the sent event's run", async () => {
      const rs = (await h.api.get<{ runs: RunSummary[] }>("runs?q=turn-sent")).runs;
      return rs.length === 1 && rs[0]?.status === "completed" ? rs : undefined;
    });
    expect(runs[0]?.eventId).toBe(eventId);
    expect((await page(`/events?sent=${eventId}`)).html).toContain(runs[0]?.id);
    expect(await h.api.post("events", { name: "dash/many", data: { i: 99 } })).toEqual({ status: 200, body: { ids: [expect.any(String)], status: 200 } });

    // "Edit & send event" on the run page opens the form filled with that run's event, to send it again edited.
    expect((await page(`/runs/${runs[0]?.id}`)).html).toContain(`href="/send?from=${eventId}"`);
    const prefilled = (await page(`/send?from=${eventId}`)).html;
    expect(prefilled).toContain('value="dash/turn"');
    expect(prefilled).toContain("&quot;turnId&quot;: &quot;turn-sent&quot;");
    expect((await page("/send?from=01ZZZZZZZZZZZZZZZZZZZZZZZZ")).html).toContain('name="name" required value=""');
    const edited = await post("/send", { origin }, { name: "dash/turn", data: JSON.stringify({ turnId: "turn-sent-edited", userId: "user-c" }) });
    expect(edited.status).toBe(303);
    await h.api.waitFor("the edited event's run", async () => (await h.api.get<{ runs: RunSummary[] }>("runs?q=turn-sent-edited")).runs[0]?.status === "completed");
  });
});

describe("local Inngest server dashboard: DNS rebinding", () => {
  /** A request as a rebound page would send it: Host and Origin both name the attacker's site (fetch cannot set Host). */
  const rebound = (p: string, body: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const port = new URL(origin).port;
      const req = http.request(`${origin}${p}`, {
        method: "POST",
        headers: { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, "content-type": "application/x-www-form-urlencoded" },
      }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    });

  it("refuses a same-origin-looking POST whose Host is not loopback, even with a valid form token", async () => {
    // After rebinding, the attacker's page could read our pages (and their tokens) as same-origin; only the Host check stops it.
    const csrf = await formToken();
    const res = await rebound("/send", new URLSearchParams({ csrf, name: "dash/rebound", data: "{}" }).toString());
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ status: 403, error: "host not allowed" });
    expect(await h.api.events("dash/rebound")).toEqual([]);
    // The same request with our own Host goes through: the Host alone made the difference.
    expect((await post("/send", { origin }, { name: "dash/rebound", data: "{}" }, csrf)).status).toBe(303);
    expect(await h.api.events("dash/rebound")).toHaveLength(1);
  });
});

describe("local Inngest server dashboard: layout in Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("never grows wider than the window, at 1280×800 and 390×844, even with long values", async () => {
    await h.client.send({ name: "dash/turn", data: { turnId: "turn-long", blob: LONG, nested: { deep: [LONG.slice(0, 400)] } } });
    const [run] = await h.api.waitFor("the long run", async () => {
      const rs = (await h.api.get<{ runs: RunSummary[] }>("runs?q=turn-long")).runs;
      return rs[0]?.status === "completed" ? rs : undefined;
    });
    await h.client.send({ name: "dash/flaky", data: { note: LONG.slice(0, 600) } });
    const flaky = await h.api.waitFor("a failed run with retried steps", async () => (await h.api.runs(fnId("flaky"))).find((r) => r.status === "failed"));
    const shots = process.env.INNGEST_LOCAL_SCREENSHOTS;
    if (shots) fs.mkdirSync(shots, { recursive: true });
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const context = await browser.newContext({ viewport });
      const tab = await context.newPage();
      for (const [name, p] of [["runs", "/runs?cron=1"], ["run", `/runs/${run?.id}`], ["attempts", `/runs/${flaky.id}`], ["events", "/events"], ["functions", "/functions"], ["send", "/send"]] as const) {
        await tab.goto(`${origin}${p}`);
        if (name === "run") await tab.locator("details.step").first().evaluate((d) => d.setAttribute("open", ""));
        if (name === "attempts") for (const d of await tab.locator("details").all()) await d.evaluate((el) => el.setAttribute("open", ""));
        const widths = await tab.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
        expect(widths.scroll, `${name} at ${viewport.width}px`).toBeLessThanOrEqual(widths.inner);
        if (shots) await tab.screenshot({ path: path.join(shots, `${name}-${viewport.width}.png`), fullPage: name === "run" || name === "attempts" });
      }
      await context.close();
    }
  });
});
