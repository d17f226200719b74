/**
 * Production mode (signing key + event key, like `inngest start`) against the
 * real SDK in cloud mode with the same keys: signed calls and sync succeed,
 * the SDK itself refuses unsigned or forged calls, a forged or missing answer
 * signature fails the call (retried per the normal rules), and the event API,
 * /fn/register, the JSON API and the dashboard require their credentials.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "@/inngest/local-server/canonical-json";
import { parseSigningKey, signatureHeader } from "@/inngest/local-server/signing";
import { fnId, generateKeys, silentLogger, startHarness, TestApp, uniqueSchema, type Harness, type Keys } from "./harness";

const calls = new Map<string, number>();
const bump = (k: string) => calls.set(k, (calls.get(k) ?? 0) + 1);

let h: Harness;
let keys: Keys;

beforeAll(async () => {
  h = await startHarness({
    schema: uniqueSchema("prod"),
    mode: "production",
    functions: (inngest) => [
      inngest.createFunction({ id: "signed", triggers: [{ event: "prod/signed" }] }, async ({ event, step }) => {
        const a = await step.run("a", () => `A(${event.data.who})`);
        const b = await step.run("b", () => `${a}B`);
        return b;
      }),
    ],
  });
  keys = h.keys as Keys;
});

afterAll(async () => {
  await h?.stop();
});

/** A request with an arbitrary Host header (fetch does not let one set it). */
function requestWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers: { host } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The form token a dashboard page puts in its POST forms. */
function formTokenOf(html: string): string {
  return /<input type="hidden" name="csrf" value="([^"]+)">/.exec(html)?.[1] ?? "";
}

/** The SDK's own hashed form of a signing key (strings.js hashSigningKey). */
function sdkHashedKey(raw: string): string {
  const prefix = /^signkey-\w+-/.exec(raw)?.[0] ?? "";
  return `${prefix}${createHash("sha256").update(Buffer.from(raw.slice(prefix.length), "hex")).digest("hex")}`;
}

describe("local Inngest server, production mode: signed traffic", () => {
  it("syncs in band and runs steps with signed calls the cloud-mode SDK accepts", async () => {
    expect(h.server.mode).toBe("production");
    // A cloud-mode SDK refuses an unsigned in-band sync, so the functions being here proves the PUT was signed.
    expect((await h.api.functions()).map((f) => f.id)).toContain(fnId("signed"));
    await h.client.send({ name: "prod/signed", data: { who: "ana" } });
    const [run] = await h.api.waitForEndedRuns(fnId("signed"));
    expect(run?.status).toBe("completed");
    expect(run?.output).toBe("A(ana)B");
  });

  it("the SDK answers 401 to an unsigned or forged call straight to the app, and accepts this server's signature", async () => {
    const body = canonicalJson({ event: { name: "prod/signed", data: { who: "x" } }, events: [{ name: "prod/signed", data: { who: "x" } }], steps: {}, version: -1, ctx: { run_id: "01J00000000000000000000000", attempt: 0, disable_immediate_execution: true, use_api: false, stack: { stack: [], current: 0 } } });
    const url = `${h.app.url}?fnId=${fnId("signed")}&stepId=step`;
    const post = (headers: Record<string, string>) => fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    expect((await post({})).status).toBe(401);
    const forged = signatureHeader(parseSigningKey(generateKeys().signingKey), body);
    expect((await post({ "x-inngest-signature": forged })).status).toBe(401);
    const stale = signatureHeader(parseSigningKey(keys.signingKey), body, Date.now() - 10 * 60_000);
    expect((await post({ "x-inngest-signature": stale })).status).toBe(401);
    const good = await post({ "x-inngest-signature": signatureHeader(parseSigningKey(keys.signingKey), body) });
    expect(good.status).toBe(206);
    expect(good.headers.get("x-inngest-signature")).toMatch(/^t=\d+&s=[0-9a-f]{64}$/);
  });

  it("fails the call when the answer's signature is forged or missing, retried per the normal rules", async () => {
    const app = new TestApp();
    await app.listen();
    const client = new Inngest({ id: "tampered", isDev: false, baseUrl: h.server.url, eventKey: keys.eventKey, signingKey: keys.signingKey, logger: silentLogger });
    const fns = [
      client.createFunction({ id: "forged", retries: 1, triggers: [{ event: "prod/forged" }] }, async ({ step }) => step.run("work", () => bump("forged"))),
      client.createFunction({ id: "unsigned", retries: 0, triggers: [{ event: "prod/unsigned" }] }, async ({ step }) => step.run("work", () => bump("unsigned"))),
    ];
    const syncing = { done: false };
    app.serve(client, fns, {
      signingKey: keys.signingKey,
      tamper: (headers) => {
        if (!syncing.done || !headers["x-inngest-signature"]) return;
        // The in-band sync answer is left alone; every later answer is forged (forged fn) or stripped.
        headers["x-inngest-signature"] = `t=${Math.round(Date.now() / 1000)}&s=${"0".repeat(64)}`;
      },
    });
    try {
      // Out of band: the SDK posts its config to /fn/register with its hashed key.
      expect((await fetch(app.url, { method: "PUT" })).status).toBe(200);
      expect((await h.api.functions()).map((f) => f.id)).toEqual(expect.arrayContaining(["tampered-forged", "tampered-unsigned"]));
      syncing.done = true;

      await client.send({ name: "prod/forged", data: {} });
      const [forged] = await h.api.waitForEndedRuns("tampered-forged");
      expect(forged?.status).toBe("failed");
      expect(forged?.error).toMatchObject({ name: "SignatureError", message: expect.stringMatching(/^response signature invalid/) });
      expect(calls.get("forged")).toBe(2); // retries: 1 → two attempts, each rejected

      app.serve(client, fns, { signingKey: keys.signingKey, tamper: (headers) => void delete headers["x-inngest-signature"] });
      await client.send({ name: "prod/unsigned", data: {} });
      const [unsigned] = await h.api.waitForEndedRuns("tampered-unsigned");
      expect(unsigned?.status).toBe("failed");
      expect(unsigned?.error).toMatchObject({ message: expect.stringMatching(/^response signature missing/) });
      expect(calls.get("unsigned")).toBe(1);
    } finally {
      await app.kill();
    }
  });
});

describe("local Inngest server, production mode: credentials", () => {
  const postEvent = (key: string) =>
    fetch(`${h.server.url}/e/${encodeURIComponent(key)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "prod/keyed", data: { n: 1 } }) });

  it("the event API answers 401 to a wrong or missing event key and stores nothing", async () => {
    for (const key of ["NO_EVENT_KEY_SET", "wrong-key", keys.eventKey.slice(1)]) {
      const res = await postEvent(key);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ status: 401, error: expect.any(String) });
    }
    expect(await h.api.events("prod/keyed")).toEqual([]);
    const wrongClient = new Inngest({ id: "wrong", isDev: false, baseUrl: h.server.url, eventKey: "not-the-key", logger: silentLogger });
    await expect(wrongClient.send({ name: "prod/keyed", data: {} })).rejects.toThrow();
    expect((await postEvent(keys.eventKey)).status).toBe(200);
    expect(await h.api.events("prod/keyed")).toHaveLength(1);
  });

  it("/fn/register answers 401 without the SDK's hashed signing key and changes nothing", async () => {
    const before = await h.api.functions();
    const body = JSON.stringify({ appName: "intruder", url: "http://127.0.0.1:1/api/inngest", functions: [{ id: "intruder-x", name: "x", triggers: [{ event: "x" }], steps: { step: { runtime: { type: "http", url: "http://127.0.0.1:1/api/inngest?fnId=intruder-x&stepId=step" } } } }] });
    const register = (authorization?: string) =>
      fetch(`${h.server.url}/fn/register`, { method: "POST", headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body });
    for (const auth of [undefined, "Bearer undefined", `Bearer ${keys.signingKey}`, `Bearer ${sdkHashedKey(generateKeys().signingKey)}`]) {
      expect((await register(auth)).status).toBe(401);
    }
    expect(await h.api.functions()).toEqual(before);
    expect((await register(`Bearer ${sdkHashedKey(keys.signingKey)}`)).status).toBe(200);
    expect((await h.api.functions()).map((f) => f.id)).toContain("intruder-x");
  });

  it("the JSON API answers 401 without the signing key, raw or hashed", async () => {
    const [run] = await h.api.runs(fnId("signed"));
    const get = (headers: Record<string, string>) => fetch(`${h.server.url}/v0/runs/${run?.id}`, { headers });
    const denied = await get({});
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ status: 401, error: expect.any(String) });
    expect((await get({ authorization: `Bearer ${generateKeys().signingKey}` })).status).toBe(401);
    expect((await get({ authorization: `Bearer ${keys.signingKey}` })).status).toBe(200);
    expect((await get({ authorization: `Bearer ${sdkHashedKey(keys.signingKey)}` })).status).toBe(200);
    expect((await fetch(`${h.server.url}/v0/purge`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    expect((await fetch(`${h.server.url}/health`)).status).toBe(200);
    expect((await fetch(`${h.server.url}/dev`)).status).toBe(404); // a dev-mode probe: not a dev server
  });

  it("the dashboard needs a sign-in with the signing key; its cookie is httpOnly, SameSite=Strict and not the key", async () => {
    const origin = h.server.url;
    const runsPage = await fetch(`${origin}/runs?q=ana`, { redirect: "manual" });
    expect(runsPage.status).toBe(303);
    expect(runsPage.headers.get("location")).toBe(`/signin?next=${encodeURIComponent("/runs?q=ana")}`);
    const signInHtml = await (await fetch(`${origin}/signin`)).text();
    const signedOutToken = formTokenOf(signInHtml);
    expect(signedOutToken).toMatch(/^\d+\.[0-9a-f]{64}$/);
    const signIn = (key: string, headers: Record<string, string> = { origin }, csrf = signedOutToken) =>
      fetch(`${origin}/signin`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams({ key, next: "/runs?q=ana", csrf }) });
    expect((await signIn(generateKeys().signingKey)).status).toBe(401);
    expect((await signIn(keys.signingKey, {})).status).toBe(403); // not from the sign-in page itself
    expect((await signIn(keys.signingKey, { origin }, "")).status).toBe(403); // no form token (login CSRF)
    const ok = await signIn(keys.signingKey);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/runs?q=ana");
    const setCookie = ok.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(";")[0] ?? "";
    const value = cookie.split("=")[1] ?? "";
    expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(keys.signingKey).not.toContain(value);
    expect(sdkHashedKey(keys.signingKey)).not.toContain(value);
    const page = await fetch(`${origin}/runs?q=ana`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(fnId("signed"));
    expect((await fetch(`${origin}/runs`, { headers: { cookie: `${cookie.split("=")[0]}=${"0".repeat(64)}` }, redirect: "manual" })).status).toBe(303);
    // Actions need the cookie too, not only the same origin and a form token.
    const [run] = await h.api.runs(fnId("signed"));
    const signedInToken = formTokenOf(await (await fetch(`${origin}/runs/${run?.id}`, { headers: { cookie } })).text());
    const act = (p: string, headers: Record<string, string>, fields: Record<string, string>) =>
      fetch(`${origin}${p}`, { method: "POST", redirect: "manual", headers: { origin, "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields) });
    const runsBefore = (await h.api.runs()).length;
    for (const [p, fields] of [[`/runs/${run?.id}/rerun`, {}], [`/runs/${run?.id}/cancel`, {}], ["/send", { name: "prod/signed", data: '{"who":"mallory"}' }], ["/sync", {}]] as const) {
      expect((await act(p, {}, { ...fields, csrf: signedOutToken })).status, p).toBe(401); // no session
      expect((await act(p, { cookie: `${cookie.split("=")[0]}=${"0".repeat(64)}` }, { ...fields, csrf: signedOutToken })).status, p).toBe(401); // a forged session
      expect((await act(p, { cookie }, { ...fields, csrf: signedOutToken })).status, p).toBe(403); // a token not issued to this session
    }
    expect((await h.api.runs()).length).toBe(runsBefore);
    expect(await h.api.events("prod/signed")).not.toContainEqual(expect.objectContaining({ payload: expect.objectContaining({ data: { who: "mallory" } }) }));
    expect((await act(`/runs/${run?.id}/rerun`, { cookie }, { csrf: signedInToken })).status).toBe(303);
    expect((await h.api.runs()).length).toBe(runsBefore + 1);
  });

  it("the JSON API's actions without the signing key are refused and change nothing", async () => {
    const [run] = await h.api.runs(fnId("signed"));
    const before = { runs: (await h.api.runs()).length, events: (await h.api.events()).length };
    const json = { "content-type": "application/json" };
    for (const [p, body] of [[`runs/${run?.id}/rerun`, undefined], [`runs/${run?.id}/cancel`, undefined], ["events", { name: "prod/signed", data: { who: "x" } }], ["sync", undefined], ["purge", { eventData: { who: "ana" } }]] as const) {
      for (const headers of [json, { ...json, authorization: `Bearer ${generateKeys().signingKey}` }]) {
        const res = await fetch(`${h.server.url}/v0/${p}`, { method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
        expect(res.status, p).toBe(401);
      }
    }
    expect({ runs: (await h.api.runs()).length, events: (await h.api.events()).length }).toEqual(before);
  });

  it("rejects a Host that is not loopback with 403 on both ports", async () => {
    for (const base of [h.server.url, h.server.uiUrl ?? ""]) {
      const res = await requestWithHost(`${base}/health`, "evil.example");
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toEqual({ status: 403, error: "host not allowed" });
    }
  });
});
