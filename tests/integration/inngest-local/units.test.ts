/**
 * The server's pure parts: the CEL subset, time strings, backoff, cron
 * schedules, seeded event ids, reading SDK answers, signing, form tokens, the
 * throttle's GCRA, and the CLI flags and modes.
 */
import { decodeTime } from "ulid";
import { describe, expect, it } from "vitest";
import { retryDelayMs, transportRetryDelayMs } from "@/inngest/local-server/backoff";
import { canonicalJson } from "@/inngest/local-server/canonical-json";
import { normalizeHost, parseCli, resolveOptions } from "@/inngest/local-server/config";
import { nextCronTime, parseCron } from "@/inngest/local-server/cron";
import { parseDuration, retryAfterMs, sleepDelayMs } from "@/inngest/local-server/durations";
import { compileExpression, keyValue, matches } from "@/inngest/local-server/expressions";
import { createFormTokens, FORM_TOKEN_MAX_AGE_MS } from "@/inngest/local-server/form-tokens";
import { seededEventId } from "@/inngest/local-server/ids";
import type { HttpClient, HttpResponse } from "@/inngest/local-server/http-client";
import { buildCallBody, callApp, interpretResponse } from "@/inngest/local-server/protocol";
import { compileFunction } from "@/inngest/local-server/registry";
import { bearerMatches, dashboardToken, isThisKey, parseSigningKey, signatureHeader, verifySignature } from "@/inngest/local-server/signing";
import { gcra } from "@/inngest/local-server/throttle";

describe("CEL subset", () => {
  const event = { name: "chat/turn.completed", data: { userId: "u1", n: 3, vip: true, tags: ["a", "b"], nested: { k: "v" } } };

  it("evaluates paths, literals and operators", () => {
    const t = (src: string, scope: Record<string, unknown> = { event }) => compileExpression(src, ["event", "async"]).evaluate(scope);
    expect(t("event.data.userId")).toBe("u1");
    expect(t("event.data.nested.k == 'v'")).toBe(true);
    expect(t('event.data["userId"] == "u1"')).toBe(true);
    expect(t("event.data.tags[1]")).toBe("b");
    expect(t("event.data.n >= 3 && event.data.n < 4")).toBe(true);
    expect(t("event.data.vip == true || event.data.missing == 1")).toBe(true);
    expect(t("!(event.data.n == 3)")).toBe(false);
    expect(t("event.data.userId in ['u1', 'u2']")).toBe(true);
    expect(t("event.data.vip ? 'yes' : 'no'")).toBe("yes");
    expect(t("event.data.n == '3'")).toBe(false); // no coercion, as in CEL
    expect(t("event.data.n == -3")).toBe(false);
    expect(t("async.data.k == event.data.nested.k", { event, async: { data: { k: "v" } } })).toBe(true);
  });

  it("treats a missing key as an error: false as a condition, short-circuited by && and ||", () => {
    expect(matches(compileExpression("event.data.missing == 'x'"), { event })).toBe(false);
    expect(matches(compileExpression("event.data.missing != 'x'"), { event })).toBe(false);
    expect(matches(compileExpression("event.data.missing == 'x' || event.data.vip"), { event })).toBe(true);
    expect(matches(compileExpression("event.data.vip == false && event.data.missing == 'x'"), { event })).toBe(false);
  });

  it("turns keys into strings; missing keys share the empty key", () => {
    expect(keyValue(compileExpression("event.data.userId"), { event })).toBe("u1");
    expect(keyValue(compileExpression("event.data.n"), { event })).toBe("3");
    expect(keyValue(compileExpression("event.data.nested"), { event })).toBe('{"k":"v"}');
    expect(keyValue(compileExpression("event.data.nope"), { event })).toBe("");
  });

  it("rejects what it does not support, loudly", () => {
    expect(() => compileExpression("size(event.data.tags) > 1")).toThrow(/function calls/);
    expect(() => compileExpression("event.data.n + 1 == 4")).toThrow(/unsupported/);
    expect(() => compileExpression("event.data.tags.exists(t, t == 'a')")).toThrow(/function calls/);
    expect(() => compileExpression("async.data.x == 1")).toThrow(/unknown identifier "async"/);
    expect(() => compileExpression("1 < 2 < 3")).toThrow(/chained/);
    expect(() => compileExpression("'unterminated")).toThrow(/unterminated/);
  });
});

describe("time strings, retries and cron", () => {
  it("reads Inngest time strings, sleepUntil dates and Retry-After values", () => {
    expect(parseDuration("5s")).toBe(5_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(parseDuration("1w")).toBe(604_800_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("soon")).toBeUndefined();
    expect(sleepDelayMs("2s")).toBe(2_000);
    expect(sleepDelayMs("2030-01-01T00:00:10.000Z", Date.parse("2030-01-01T00:00:00.000Z"))).toBe(10_000);
    expect(sleepDelayMs("2020-01-01T00:00:00.000Z")).toBe(0);
    expect(retryAfterMs("30")).toBe(30_000);
    expect(retryAfterMs("2030-01-01T00:01:00.000Z", Date.parse("2030-01-01T00:00:00.000Z"))).toBe(60_000);
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it("scales the real server's retry table and caps transport retries", () => {
    const mid = () => 0.5; // no jitter
    expect(retryDelayMs(0, 1, mid)).toBe(15_000);
    expect(retryDelayMs(1, 1, mid)).toBe(30_000);
    expect(retryDelayMs(4, 1, mid)).toBe(300_000);
    expect(retryDelayMs(99, 1, mid)).toBe(7_200_000);
    expect(retryDelayMs(0, 0.1, mid)).toBe(1_500);
    expect(retryDelayMs(0, 1, () => 1)).toBe(16_500);
    expect(transportRetryDelayMs(0)).toBe(200);
    expect(transportRetryDelayMs(20)).toBe(5_000);
  });

  it("schedules crons in UTC by default, with TZ= prefixes and seconds", () => {
    const now = new Date("2026-01-01T10:00:00.500Z");
    expect(nextCronTime("* * * * * *", now).toISOString()).toBe("2026-01-01T10:00:01.000Z");
    expect(nextCronTime("*/15 * * * *", now).toISOString()).toBe("2026-01-01T10:15:00.000Z");
    expect(nextCronTime("TZ=Europe/Paris 0 9 * * *", now).toISOString()).toBe("2026-01-02T08:00:00.000Z");
    expect(parseCron("CRON_TZ=America/New_York 0 0 * * *").tz).toBe("America/New_York");
    expect(() => parseCron("not a cron")).toThrow();
  });
});

describe("protocol", () => {
  it("derives event ids from the SDK's seed deterministically", () => {
    const seed = `1700000000000,${Buffer.alloc(10, 7).toString("base64")}`;
    const a = seededEventId(seed, 0);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(decodeTime(a ?? "")).toBe(1700000000000);
    expect(seededEventId(seed, 0)).toBe(a);
    expect(seededEventId(seed, 1)).not.toBe(a);
    expect(seededEventId("garbage", 0)).toBeUndefined();
    expect(seededEventId(undefined, 0)).toBeUndefined();
  });

  it("builds call bodies without ctx.fn_id (which would switch on checkpointing)", () => {
    const body = JSON.parse(
      buildCallBody({
        runId: "r1",
        event: { name: "e", data: {} },
        memos: [
          { hashedId: "h1", memo: { data: 1 } },
          { hashedId: "h2", memo: { error: { name: "Error", message: "x" } } },
        ],
        attempt: 2,
        maxAttempts: 4,
        disableImmediateExecution: true,
        reqVersion: -1,
      }),
    );
    expect(body).toEqual({
      event: { name: "e", data: {} },
      events: [{ name: "e", data: {} }],
      steps: { h1: { data: 1 }, h2: { error: { name: "Error", message: "x" } } },
      version: -1,
      ctx: { run_id: "r1", attempt: 2, max_attempts: 4, disable_immediate_execution: true, use_api: false, stack: { stack: ["h1", "h2"], current: 2 } },
    });
    expect(body.ctx).not.toHaveProperty("fn_id");
  });

  it("reads the SDK's answers", () => {
    const sdk = { "x-inngest-sdk": "inngest-js:v4.24.0", "x-inngest-req-version": "2" };
    expect(interpretResponse({ status: 200, headers: sdk, body: '{"a":1}' })).toEqual({ kind: "completed", data: { a: 1 }, version: 2 });
    expect(interpretResponse({ status: 206, headers: sdk, body: '{"op":"RunComplete","id":"x","data":1}' })).toMatchObject({ kind: "ops", ops: [{ op: "RunComplete" }] });
    expect(
      interpretResponse({ status: 206, headers: { ...sdk, "x-inngest-no-retry": "false", "retry-after": "30" }, body: '[{"op":"StepError","id":"s"}]' }),
    ).toMatchObject({ kind: "ops", noRetry: false, retryAfter: "30" });
    expect(interpretResponse({ status: 400, headers: { ...sdk, "x-inngest-no-retry": "true" }, body: '{"name":"NonRetriableError","message":"no"}' })).toMatchObject({
      kind: "error",
      noRetry: true,
      error: { name: "NonRetriableError", message: "no" },
    });
    expect(interpretResponse({ status: 404, headers: {}, body: "<html>" })).toMatchObject({ kind: "error", noRetry: false, error: { message: "<html>" } });
    expect(interpretResponse({ status: 502, headers: {}, body: "" })).toMatchObject({ error: { message: expect.stringMatching(/without the Inngest SDK/) } });
    const streamed = JSON.stringify({ status: 200, headers: { "X-Inngest-Req-Version": "2" }, body: '"done"' });
    expect(interpretResponse({ status: 201, headers: {}, body: `  ${streamed}` })).toEqual({ kind: "completed", data: "done", version: 2 });
  });

  it("compiles function configs: retries, triggers, flow control, ignored options", () => {
    const def = compileFunction("app", {
      id: "app-fn",
      name: "fn",
      triggers: [{ event: "a/b", expression: "event.data.x == 1" }, { event: "pre/*" }, { cron: "0 * * * *" }],
      steps: { step: { id: "step", name: "step", runtime: { type: "http", url: "http://127.0.0.1:3000/api/inngest?fnId=app-fn&stepId=step" }, retries: { attempts: 2 } } },
      concurrency: [{ limit: 1, key: "event.data.user" }, { limit: 5, scope: "account", key: "'openai'" }],
      debounce: { period: "5s", timeout: "1m", key: "event.data.user" },
      throttle: { limit: 1, period: "1s" },
    });
    expect(def.error).toBeUndefined();
    expect(def.maxAttempts).toBe(3);
    expect(def.triggers.map((t) => t.event ?? t.prefix ?? t.cron)).toEqual(["a/b", "pre/", "0 * * * *"]);
    expect(def.concurrency.map((c) => [c.limit, c.scope])).toEqual([
      [1, "fn"],
      [5, "account"],
    ]);
    expect(def.debounce).toMatchObject({ periodMs: 5_000, timeoutMs: 60_000 });
    expect(def.throttle).toMatchObject({ limit: 1, periodMs: 1_000, burst: 0 });
    expect(def.ignored).toEqual([]);
    expect(compileFunction("app", { id: "d", steps: { step: { runtime: { url: "http://x" } } } }).maxAttempts).toBe(5);
    expect(compileFunction("app", { id: "e", triggers: [{ event: "x", expression: "size(x)" }], steps: { step: { runtime: { url: "http://x" } } } }).error).toMatch(/unsupported/);
  });
});

describe("signing", () => {
  const raw = `signkey-prod-${"ab".repeat(32)}`;
  const key = parseSigningKey(raw);

  it("writes JSON canonically: sorted keys, no whitespace, undefined dropped", () => {
    expect(canonicalJson({ b: 1, a: [3, { d: null, c: "x" }], u: undefined, e: "é\n" })).toBe('{"a":[3,{"c":"x","d":null}],"b":1,"e":"é\\n"}');
    const value = { z: { y: [1.5, -0, 1e21, true] }, "": "", A: 1 };
    expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
  });

  it("signs and verifies as t=<unix s>&s=<hex HMAC-SHA256 of body + t>, keyed without the prefix", () => {
    const now = 1_800_000_000_000;
    const header = signatureHeader(key, '{"a":1}', now);
    expect(header).toMatch(/^t=1800000000&s=[0-9a-f]{64}$/);
    expect(signatureHeader(parseSigningKey("ab".repeat(32)), '{"a":1}', now)).toBe(header);
    expect(verifySignature(key, header, '{"a":1}', now + 60_000)).toEqual({ ok: true });
    expect(verifySignature(key, header, '{"a":2}', now)).toEqual({ ok: false, problem: "invalid" });
    expect(verifySignature(key, header, '{"a":1}', now + 6 * 60_000)).toEqual({ ok: false, problem: "expired" });
    expect(verifySignature(key, undefined, "", now)).toEqual({ ok: false, problem: "missing" });
    expect(verifySignature(key, "garbage", "", now)).toEqual({ ok: false, problem: "invalid" });
  });

  it("accepts the key raw or in the SDK's hashed form, and derives a dashboard token that is neither", () => {
    expect(key.hashed).toMatch(/^[0-9a-f]{64}$/);
    expect(bearerMatches(key, `Bearer signkey-prod-${key.hashed}`)).toBe(true);
    expect(bearerMatches(key, `Bearer ${key.hashed}`, { hashedOnly: true })).toBe(true);
    expect(bearerMatches(key, `Bearer ${raw}`)).toBe(true);
    expect(bearerMatches(key, `Bearer ${raw}`, { hashedOnly: true })).toBe(false);
    expect(bearerMatches(key, "Bearer undefined")).toBe(false);
    expect(bearerMatches(key, undefined)).toBe(false);
    expect(isThisKey(key, ` ${raw} `)).toBe(true);
    expect(isThisKey(key, "cd".repeat(32))).toBe(false);
    expect(dashboardToken(key)).not.toContain(key.material);
    expect(dashboardToken(key)).not.toBe(key.hashed);
  });

  it("checks the signature of the inner answer of a streamed (201) response", async () => {
    const answer = (res: HttpResponse): HttpClient => ({ request: async () => res, close() {} });
    const security = { signingKey: key };
    const inner = (headers: Record<string, string>) => ({ status: 201, headers: {}, body: `  ${JSON.stringify({ status: 200, headers, body: '"done"' })}` });
    const signed = inner({ "X-Inngest-Signature": signatureHeader(key, '"done"'), "X-Inngest-Req-Version": "2" });
    expect(await callApp(answer(signed), security, "http://app", "{}", 1_000)).toEqual({ kind: "completed", data: "done", version: 2 });
    expect(await callApp(answer(inner({})), security, "http://app", "{}", 1_000)).toMatchObject({ kind: "error", error: { message: expect.stringMatching(/^response signature missing/) } });
    expect(await callApp(answer(inner({})), { signingKey: null }, "http://app", "{}", 1_000)).toMatchObject({ kind: "completed" });
    const rejected = { status: 401, headers: {}, body: '{"message":"Unauthorized"}' };
    expect(await callApp(answer(rejected), security, "http://app", "{}", 1_000)).toMatchObject({ kind: "error", noRetry: false, error: { message: expect.stringMatching(/rejected the request signature/) } });
  });

  it("refuses keys that are not hex, or too short", () => {
    expect(() => parseSigningKey("not-hex-at-all")).toThrow(/hex/);
    expect(() => parseSigningKey("abc")).toThrow(/hex/);
    expect(() => parseSigningKey("abcd")).toThrow(/too short/);
  });
});

describe("form tokens (CSRF)", () => {
  it("verify for the session they were issued to, within their age, with the secret that made them", () => {
    let now = 1_800_000_000_000;
    const tokens = createFormTokens("s".repeat(64), () => now);
    const token = tokens.issue("session-a");
    expect(token).toMatch(/^\d+\.[0-9a-f]{64}$/);
    expect(tokens.verify(token, "session-a")).toBe(true);
    expect(tokens.verify(token, "session-b")).toBe(false);
    expect(tokens.verify(token, "")).toBe(false);
    expect(createFormTokens("t".repeat(64), () => now).verify(token, "session-a")).toBe(false);
    const [issued, mac] = token.split(".");
    expect(tokens.verify(`${Number(issued) + 1}.${mac}`, "session-a")).toBe(false); // the time is signed too
    for (const bad of [undefined, null, "", "x", `${issued}.`, `${issued}.${mac?.toUpperCase()}`]) expect(tokens.verify(bad, "session-a")).toBe(false);
    now += FORM_TOKEN_MAX_AGE_MS - 1_000;
    expect(tokens.verify(token, "session-a")).toBe(true);
    now += 2_000;
    expect(tokens.verify(token, "session-a")).toBe(false);
    const future = createFormTokens("s".repeat(64), () => now + 60_000).issue("session-a");
    expect(tokens.verify(future, "session-a")).toBe(false);
  });
});

describe("throttle (GCRA)", () => {
  it("admits limit + burst at once, then one start per period / limit", () => {
    const rule = { limit: 2, periodMs: 6_000, burst: 1 };
    let tat: number | null = null;
    const admitted: number[] = [];
    for (let now = 0; now <= 9_000 && admitted.length < 6; now += 500) {
      for (;;) {
        const d = gcra(rule, tat, now);
        if (!d.admit) break;
        tat = d.tat;
        admitted.push(now);
      }
    }
    // The documented example: three at once, then one every 3 s.
    expect(admitted).toEqual([0, 0, 0, 3_000, 6_000, 9_000]);
  });

  it("without burst starts limit at once; says when the next start is due; an old TAT counts as fresh", () => {
    const rule = { limit: 1, periodMs: 1_000, burst: 0 };
    const first = gcra(rule, null, 10_000);
    expect(first).toEqual({ admit: true, tat: 11_000 });
    expect(gcra(rule, 11_000, 10_200)).toEqual({ admit: false, at: 11_000 });
    expect(gcra(rule, 11_000, 11_000)).toEqual({ admit: true, tat: 12_000 });
    expect(gcra(rule, 11_000, 50_000)).toEqual({ admit: true, tat: 51_000 });
  });

  it("is compiled from the function config, with the real server's bounds", () => {
    const fn = (throttle: unknown) => compileFunction("app", { id: "t", throttle: throttle as never, steps: { step: { runtime: { url: "http://x" } } } });
    expect(fn({ limit: 3, period: "1m", burst: 2, key: "event.data.user" }).throttle).toMatchObject({ limit: 3, periodMs: 60_000, burst: 2 });
    expect(fn({ limit: 0, period: "1m" }).error).toMatch(/throttle limit/);
    expect(fn({ limit: 1, period: "500ms" }).error).toMatch(/throttle period/);
    expect(fn({ limit: 1, period: "8d" }).error).toMatch(/throttle period/);
    expect(fn({ limit: 1, period: "1s", burst: -1 }).error).toMatch(/throttle burst/);
  });
});

describe("CLI", () => {
  it("reads flags, then INNGEST_LOCAL_* env vars, then defaults", () => {
    const cli = parseCli(
      ["--port", "9000", "--app-url", "http://127.0.0.1:3000/api/inngest", "--app-url", "http://127.0.0.1:4000/api/inngest", "--sync-interval", "250ms", "--quiet"],
      { INNGEST_LOCAL_UI_PORT: "0", INNGEST_LOCAL_PORT: "1234", DATABASE_URL: "postgres://x/y", INNGEST_LOCAL_SCHEMA: "s1" },
    );
    expect(cli.options).toMatchObject({
      port: 9000,
      uiPort: null,
      databaseUrl: "postgres://x/y",
      schema: "s1",
      syncIntervalMs: 250,
      quiet: true,
      appUrls: ["http://127.0.0.1:3000/api/inngest", "http://127.0.0.1:4000/api/inngest"],
    });
    expect(() => parseCli(["--sync-interval", "often"], {})).toThrow(/duration/);
    expect(() => parseCli(["--bogus"], {})).toThrow();
  });

  it("reads keys and allowed hosts; a signing key means production mode and needs an event key", () => {
    const signingKey = "12".repeat(32);
    const cli = parseCli(["--allowed-hosts", "Jarvus.local,host.docker.internal:8288"], { INNGEST_SIGNING_KEY: signingKey, INNGEST_EVENT_KEY: "ek", DATABASE_URL: "postgres://x/y" });
    expect(cli.options).toMatchObject({ signingKey, eventKey: "ek", allowedHosts: ["Jarvus.local", "host.docker.internal:8288"] });
    const prod = resolveOptions(cli.options);
    expect(prod.mode).toBe("production");
    expect(prod.allowedHosts).toEqual(["localhost", "127.0.0.1", "::1", "jarvus.local", "host.docker.internal"]);
    expect(parseCli(["--signing-key", "34".repeat(32), "--event-key", "flag"], { INNGEST_SIGNING_KEY: signingKey }).options).toMatchObject({ signingKey: "34".repeat(32), eventKey: "flag" });
    expect(() => resolveOptions({ databaseUrl: "postgres://x/y", signingKey })).toThrow(/needs an event key/);
    expect(() => resolveOptions({ databaseUrl: "postgres://x/y", signingKey: "nope", eventKey: "e" })).toThrow(/hex/);
    expect(resolveOptions({ databaseUrl: "postgres://x/y", eventKey: "e" })).toMatchObject({ mode: "dev", signingKey: null });
  });

  it("compares Host headers by name: no port, no brackets, lower case", () => {
    expect(normalizeHost("LOCALHOST:8288")).toBe("localhost");
    expect(normalizeHost("[::1]:8288")).toBe("::1");
    expect(normalizeHost("::1")).toBe("::1");
    expect(normalizeHost("127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeHost("evil.example:80")).toBe("evil.example");
  });
});
