/**
 * Accounts through better-auth's real handler (lib/auth/handler.ts, as
 * app/api/auth/[...all] serves it) on the run's real database: a guest's data
 * moving into an account, the statuses of every failure, sessions, password
 * change and reset, and "delete my account" leaving nothing anywhere.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, getPool } from "@/db/client";
import { mergeGuestIntoAccount } from "@/db/queries/accounts";
import { storeSemanticFacts } from "@/lib/memory/consolidate";
import { singleValuedSemanticKeys } from "@/lib/memory/types";
import { resetAuth } from "@/lib/auth/auth";
import { deleteAccount } from "@/lib/auth/delete-account";
import { guestCookieValue } from "@/lib/auth/guest-cookie";
import { handleAuthRequest } from "@/lib/auth/handler";
import { resetEnvCache } from "@/lib/env";
import { resetRateLimiters } from "@/lib/http/rate-limit";
import { readOutbox } from "@/lib/mail/outbox";
import { type MailMessage, setMailSenderForTests } from "@/lib/mail/sender";
import { newGuestWithData, rowCountsOf, rowsMentioning, seedUserData } from "./seed";

const ORIGIN = "http://127.0.0.1:3000";
const PASSWORD = "correct horse battery";
const base = { AUTH_SECRET: "accounts-test-secret-of-at-least-32-characters", RATE_LIMIT_AUTH: "10000/1m" };

function configure(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries({ ...base, ...vars })) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
  resetRateLimiters();
  resetAuth();
}

beforeEach(() => configure({}));
afterEach(() => {
  setMailSenderForTests(undefined);
  configure({ RATE_LIMIT_SIGN_IN: undefined, NODE_ENV: "test", JARVUS_DATA_DIR: undefined, INNGEST_LOCAL_SERVER_URL: undefined });
});

interface Answer {
  status: number;
  body: Record<string, unknown> & { code?: string; message?: string; user?: { id: string; email: string } };
  cookies: Map<string, { value: string; attributes: string }>;
  headers: Headers;
}

async function call(method: "GET" | "POST", route: string, { body, cookie }: { body?: unknown; cookie?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { origin: ORIGIN };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (cookie) headers.cookie = cookie;
  const res = await handleAuthRequest(
    new Request(`${ORIGIN}/api/auth${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
  );
  const cookies = new Map<string, { value: string; attributes: string }>();
  for (const line of res.headers.getSetCookie()) {
    const [pair = "", ...rest] = line.split(";");
    const eq = pair.indexOf("=");
    cookies.set(pair.slice(0, eq).trim(), { value: pair.slice(eq + 1), attributes: rest.join(";") });
  }
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer["body"]) : {}, cookies, headers: res.headers };
}

const post = (route: string, body: unknown, cookie?: string) => call("POST", route, { body, cookie });
const sessionCookie = (a: Answer) => {
  const token = a.cookies.get("jarvus.session_token");
  if (!token) throw new Error(`no session cookie in ${[...a.cookies.keys()].join(", ")} (status ${a.status})`);
  return `jarvus.session_token=${token.value}`;
};
const guestCookie = (userId: string) => `jarvus_session=${encodeURIComponent(guestCookieValue(userId))}`;
const email = () => `user-${randomUUID().slice(0, 8)}@example.com`;

async function signUp(address: string, cookie?: string) {
  return post("/sign-up/email", { email: address, password: PASSWORD, name: "Zed" }, cookie);
}

async function activeMemory(userId: string, key: string) {
  const { rows } = await getPool().query<{ content: string }>(
    `select content from memories where user_id = $1 and key = $2 and invalidated_at is null and deleted_at is null`,
    [userId, key],
  );
  return rows.map((r) => r.content);
}

describe("guest → account", () => {
  it("a guest who signs up keeps everything: every row moves to the new account, the guest is gone", async () => {
    const guest = await newGuestWithData();
    await getPool().query(`update users set memory_enabled = false where id = $1`, [guest.userId]);
    const before = await rowCountsOf(guest.userId);
    expect(Object.entries(before).filter(([, n]) => n > 0).map(([t]) => t)).toEqual(
      expect.arrayContaining(["conversations", "imports", "memories", "memory_embeddings", "memory_history", "memory_jobs", "messages", "turns"]),
    );

    const res = await signUp(email(), guestCookie(guest.userId));
    expect(res.status).toBe(200);
    const accountId = res.body.user!.id;
    expect(accountId).not.toBe(guest.userId);
    // The guest cookie is cleared; the account's session cookie is httpOnly and SameSite=Lax.
    expect(res.cookies.get("jarvus_session")?.attributes).toMatch(/Max-Age=0/i);
    expect(res.cookies.get("jarvus.session_token")?.attributes).toMatch(/HttpOnly/i);
    expect(res.cookies.get("jarvus.session_token")?.attributes).toMatch(/SameSite=Lax/i);

    const after = await rowCountsOf(accountId);
    expect(after).toEqual({ ...before, auth_accounts: 1, auth_sessions: 1 });
    expect(Object.values(await rowCountsOf(guest.userId)).every((n) => n === 0)).toBe(true);
    const { rows } = await getPool().query(`select id, memory_enabled from users where id = any($1)`, [[guest.userId, accountId]]);
    expect(rows).toEqual([{ id: accountId, memory_enabled: false }]);
    // Moved vectors draw new revisions above every earlier one (vector caches read only newer rows).
    const rev = await getPool().query<{ mine: string; top: string }>(
      `select max(revision) filter (where user_id = $1) as mine, max(revision) as top from memory_embeddings`,
      [accountId],
    );
    expect(rev.rows[0]!.mine).toBe(rev.rows[0]!.top);
  });

  it("signing in from a guest with data merges it into the account: the newer name and instruction win, the older are superseded with history", async () => {
    const address = email();
    const signedUp = await signUp(address);
    const accountId = signedUp.body.user!.id;
    await seedUserData(accountId, { name: "Zed", addressAs: "Captain", validFrom: "2026-01-01T00:00:00Z" });
    const accountBefore = await rowCountsOf(accountId);
    const guest = await newGuestWithData({ name: "Ada", addressAs: "Doctor", validFrom: "2026-06-01T00:00:00Z" });
    const guestBefore = await rowCountsOf(guest.userId);

    const res = await post("/sign-in/email", { email: address, password: PASSWORD }, guestCookie(guest.userId));
    expect(res.status).toBe(200);
    expect(res.body.user!.id).toBe(accountId);
    const after = await rowCountsOf(accountId);
    const histories = 2; // the superseded name and instruction
    for (const table of ["conversations", "messages", "turns", "memories", "memory_embeddings", "memory_jobs", "imports"]) {
      expect(after[table], table).toBe((accountBefore[table] ?? 0) + (guestBefore[table] ?? 0));
    }
    expect(after.memory_history).toBe((accountBefore.memory_history ?? 0) + (guestBefore.memory_history ?? 0) + histories);
    expect(after.auth_sessions).toBe(2);
    expect(await activeMemory(accountId, "name")).toEqual(["User's name is Ada"]);
    expect(await activeMemory(accountId, "address_as")).toEqual(["Address the user as Doctor"]);
    const superseded = await getPool().query(
      `select h.action, h.previous_content, h.content from memory_history h join memories m on m.id = h.memory_id
       where m.user_id = $1 and h.action = 'supersede' order by h.previous_content`,
      [accountId],
    );
    expect(superseded.rows).toEqual([
      { action: "supersede", previous_content: "Address the user as Captain", content: "Address the user as Doctor" },
      { action: "supersede", previous_content: "User's name is Zed", content: "User's name is Ada" },
    ]);
    expect(Object.values(await rowCountsOf(guest.userId)).every((n) => n === 0)).toBe(true);
  });

  it("the move is one transaction: a failure half-way leaves the guest's data with the guest, and the next sign-in moves it", async () => {
    const address = email();
    const accountId = (await signUp(address)).body.user!.id;
    const guest = await newGuestWithData();
    const guestBefore = await rowCountsOf(guest.userId);
    const pool = getPool();
    const fn = `fail_move_${randomUUID().replaceAll("-", "")}`;
    // The embeddings move after conversations, messages, memories…: fail there, on this guest only.
    await pool.query(`create function ${fn}() returns trigger language plpgsql as $$ begin
      if old.user_id = '${guest.userId}' then raise exception 'injected failure'; end if; return new; end $$`);
    await pool.query(`create trigger ${fn} before update on memory_embeddings for each row execute function ${fn}()`);
    try {
      const failed = await post("/sign-in/email", { email: address, password: PASSWORD }, guestCookie(guest.userId));
      expect(failed.status).toBe(500);
      expect(await rowCountsOf(guest.userId)).toEqual(guestBefore);
      expect((await rowCountsOf(accountId)).conversations).toBe(0);
    } finally {
      await pool.query(`drop trigger ${fn} on memory_embeddings`);
      await pool.query(`drop function ${fn}()`);
    }
    const retried = await post("/sign-in/email", { email: address, password: PASSWORD }, guestCookie(guest.userId));
    expect(retried.status).toBe(200);
    expect((await rowCountsOf(accountId)).conversations).toBe(guestBefore.conversations);
  });

  it("a memory run that loaded the guest's turn before the merge stores its memories under the account", async () => {
    const guest = await newGuestWithData();
    const accountId = (await signUp(email())).body.user!.id;
    await mergeGuestIntoAccount({ guestId: guest.userId, accountId, adoptSettings: false, singleValuedKeys: singleValuedSemanticKeys });
    // The run's memoized turn still names the guest.
    const counts = await storeSemanticFacts({
      userId: guest.userId,
      turnId: guest.turnId,
      conversationId: guest.conversationId,
      facts: [{ key: null, category: "allergy", content: "User is allergic to peanuts", value: "peanuts", date: null, importance: 0.9 }],
    });
    expect(counts.added).toBe(1);
    const { rows } = await getPool().query(`select user_id from memories where content = 'User is allergic to peanuts' and source_turn_id = $1`, [guest.turnId]);
    expect(rows).toEqual([{ user_id: accountId }]);
  });

  it("account sessions live in the database: a new process (new pool, new auth instance) still knows the cookie", async () => {
    const address = email();
    const cookie = sessionCookie(await signUp(address));
    await closeDb();
    resetAuth();
    expect((await call("GET", "/get-session", { cookie })).body.user).toMatchObject({ email: address });
  });

  it("a guest cookie never names an account", async () => {
    const accountId = (await signUp(email())).body.user!.id;
    // A validly signed guest cookie for an account's id (as if the account were once that guest) is no session.
    const res = await call("GET", "/get-session", { cookie: guestCookie(accountId) });
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
  });
});

describe("statuses", () => {
  it("a wrong password and an unknown email both answer 401 with the same generic message", async () => {
    const address = email();
    await signUp(address);
    const wrong = await post("/sign-in/email", { email: address, password: "not the password" });
    const unknown = await post("/sign-in/email", { email: email(), password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ code: "unauthorized:credentials", message: expect.any(String) });
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.message).not.toMatch(/not found|no account|exist/i);
  });

  it("a taken email answers 409 conflict:email and creates nothing", async () => {
    const address = email();
    await signUp(address);
    const { rows: before } = await getPool().query(`select count(*)::int as n from users`);
    const again = await post("/sign-up/email", { email: address.toUpperCase(), password: "another password", name: "Eve" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("conflict:email");
    expect((await getPool().query(`select count(*)::int as n from users`)).rows).toEqual(before);
  });

  it("a too-short password answers 400 with the rule in words", async () => {
    const res = await post("/sign-up/email", { email: email(), password: "short", name: "Zed" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("bad_request:password_too_short");
    expect(res.body.message).toMatch(/short/i);
  });

  it("brute force answers 429 with Retry-After, counted per email across processes (Postgres store)", async () => {
    configure({ RATE_LIMIT_SIGN_IN: "3/15m" });
    const address = email();
    await signUp(address);
    for (let i = 0; i < 3; i++) expect((await post("/sign-in/email", { email: address, password: `guess ${i}` })).status).toBe(401);
    const blocked = await post("/sign-in/email", { email: address, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe("rate_limit:sign-in");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // The counter is a row in rate_limits, which every app process shares.
    const { rows } = await getPool().query(`select points from rate_limits where key = $1`, [`sign-in:${address}`]);
    expect(rows[0]?.points).toBeGreaterThanOrEqual(4);
  });
});

describe("sessions and passwords", () => {
  it("lists the account's sessions and revokes one", async () => {
    const address = email();
    const a = sessionCookie(await signUp(address));
    const b = sessionCookie(await post("/sign-in/email", { email: address, password: PASSWORD }));
    const list = await call("GET", "/list-sessions", { cookie: a });
    expect(list.status).toBe(200);
    const sessions = list.body as unknown as { token: string }[];
    expect(sessions).toHaveLength(2);
    const tokenB = decodeURIComponent(b.split("=")[1]!).split(".")[0]!;
    expect((await post("/revoke-session", { token: tokenB }, a)).status).toBe(200);
    expect((await call("GET", "/get-session", { cookie: b })).body).toBeNull();
    expect((await call("GET", "/get-session", { cookie: a })).body.user).toMatchObject({ email: address });
  });

  it("changing the password signs out every other session, even when the client asks to keep them", async () => {
    const address = email();
    const a = sessionCookie(await signUp(address));
    const b = sessionCookie(await post("/sign-in/email", { email: address, password: PASSWORD }));
    const changed = await post("/change-password", { currentPassword: PASSWORD, newPassword: "a brand new password", revokeOtherSessions: false }, a);
    expect(changed.status).toBe(200);
    expect((await call("GET", "/get-session", { cookie: b })).body).toBeNull();
    const keep = changed.cookies.has("jarvus.session_token") ? sessionCookie(changed) : a;
    expect((await call("GET", "/get-session", { cookie: keep })).body.user).toMatchObject({ email: address });
    expect((await post("/sign-in/email", { email: address, password: PASSWORD })).status).toBe(401);
    expect((await post("/sign-in/email", { email: address, password: "a brand new password" })).status).toBe(200);
    const wrong = await post("/change-password", { currentPassword: "not it", newPassword: "whatever it is now" }, keep);
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe("bad_request:current_password");
  });

  it("password reset by email: the link's token sets a new password once and ends every session", async () => {
    const sent: MailMessage[] = [];
    setMailSenderForTests({ kind: "smtp", send: async (m) => void sent.push(m) });
    const address = email();
    const session = sessionCookie(await signUp(address));
    expect((await post("/request-password-reset", { email: address })).status).toBe(200);
    // An unknown address answers the same, and nothing is sent.
    expect((await post("/request-password-reset", { email: email() })).status).toBe(200);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(address);
    const link = /https?:\/\/\S+\/reset-password\?token=(\S+)/.exec(sent[0]!.text);
    expect(link?.[0]).toContain(`${ORIGIN}/reset-password?token=`);
    const token = decodeURIComponent(link![1]!);
    expect((await post("/reset-password", { token, newPassword: "reset to this one" })).status).toBe(200);
    expect((await post("/reset-password", { token, newPassword: "and again" })).body.code).toBe("bad_request:token");
    expect((await call("GET", "/get-session", { cookie: session })).body).toBeNull();
    expect((await post("/sign-in/email", { email: address, password: "reset to this one" })).status).toBe(200);
  });

  it("without a mail sender in production, password reset answers 503 unavailable and stores nothing", async () => {
    setMailSenderForTests(null);
    const address = email();
    await signUp(address);
    const res = await post("/request-password-reset", { email: address });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("unavailable:password_reset");
    const { rows } = await getPool().query(`select count(*)::int as n from auth_verifications v join users u on u.id::text = v.value where u.email = $1`, [address]);
    expect(rows[0]?.n).toBe(0);
  });

  it("in development without SMTP_URL the reset mail lands in the outbox (and the log)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "jarvus-outbox-"));
    configure({ NODE_ENV: "development", JARVUS_DATA_DIR: dataDir, SMTP_URL: undefined });
    const address = email();
    await signUp(address);
    expect((await post("/request-password-reset", { email: address })).status).toBe(200);
    const outbox = await readOutbox();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ to: address, subject: expect.stringMatching(/reset/i) });
    expect(outbox[0]!.text).toMatch(/\/reset-password\?token=/);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe("delete account", () => {
  // The local Inngest server on its own schema of this database, holding runs of both users.
  let h: Awaited<ReturnType<typeof import("../inngest-local/harness").startHarness>>;
  beforeAll(async () => {
    const { startHarness, uniqueSchema } = await import("../inngest-local/harness");
    h = await startHarness({
      schema: uniqueSchema("accounts"),
      functions: (inngest) => [
        inngest.createFunction({ id: "extract", triggers: [{ event: "chat/turn.completed" }] }, async ({ event, step }) =>
          step.run("load", () => ({ turn: event.data.turnId as string })),
        ),
      ],
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("deletes everything of the account in every table of every schema (the Inngest server's runs too), and nothing of anyone else", async () => {
    configure({ INNGEST_LOCAL_SERVER_URL: h.server.url });
    const address = email();
    const guest = await newGuestWithData();
    const res = await signUp(address, guestCookie(guest.userId));
    const userId = res.body.user!.id;
    const cookie = sessionCookie(res);
    await post("/sign-in/email", { email: address, password: PASSWORD }); // a second session, and a sign-in counter keyed by the email
    setMailSenderForTests({ kind: "smtp", send: async () => {} });
    await post("/request-password-reset", { email: address }); // a reset token
    const other = await newGuestWithData();
    const otherBefore = await rowCountsOf(other.userId);
    for (const [u, t, c] of [[userId, guest.turnId, guest.conversationId], [other.userId, other.turnId, other.conversationId]] as const) {
      await h.client.send({ id: t, name: "chat/turn.completed", data: { userId: u, turnId: t, conversationId: c } });
    }
    await h.api.waitFor("both runs", async () => (await h.api.runs()).filter((r) => r.status === "completed").length >= 2);

    const needles = [userId, address, guest.turnId, guest.conversationId, guest.nameId];
    const before = await rowsMentioning(needles);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(["public.users", "public.auth_sessions", "public.auth_accounts", "public.auth_verifications", "public.memories", "public.rate_limits"]),
    );
    expect(Object.keys(before).some((t) => !t.startsWith("public."))).toBe(true); // the Inngest server's events and runs

    const result = await deleteAccount({ userId, email: address });
    expect(result.inngest?.runs).toBeGreaterThanOrEqual(1);
    expect(await rowsMentioning(needles)).toEqual({});
    expect(await rowCountsOf(other.userId)).toEqual(otherBefore);
    expect(Object.keys(await rowsMentioning([other.userId, other.turnId])).some((t) => !t.startsWith("public."))).toBe(true);
    // The account cannot sign in any more, and its old session is nothing.
    expect((await post("/sign-in/email", { email: address, password: PASSWORD })).status).toBe(401);
    expect((await call("GET", "/get-session", { cookie })).body).toBeNull();
  });
});
