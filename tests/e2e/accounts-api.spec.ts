import { type APIRequestContext, type APIResponse } from "@playwright/test";
import { expect, test } from "./fixtures";
import { allRowCountsOf, rowCountsOf } from "./helpers/db";

/** Accounts over HTTP against the production build: every status of issue 12, and the app's request rules on /api/auth/*. */

const PASSWORD = "correct horse battery";
const email = () => `api-${crypto.randomUUID().slice(0, 8)}@example.com`;
// better-auth refuses a cookie-carrying POST without an Origin (its own CSRF check, kept beside proxy.ts's);
// browsers always send one, so these requests do too.
const json = { "content-type": "application/json", origin: `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}` };

async function signUp(request: APIRequestContext, address: string, password = PASSWORD): Promise<APIResponse> {
  return request.post("/api/auth/sign-up/email", { data: { email: address, password, name: "Api" }, headers: json });
}

function setCookies(res: APIResponse): string[] {
  return res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
}

test.describe("accounts API", () => {
  test("sign up keeps the guest's conversation; the account cookie is httpOnly, SameSite=Lax, not Secure on plain http", async ({ request }) => {
    const guest = (await (await request.get("/api/session")).json()) as { userId: string; account: null };
    expect(guest.account).toBeNull();
    const conversationId = crypto.randomUUID();
    const chat = await request.post("/api/chat", {
      data: { id: conversationId, message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text: "My name is Zed" }] } },
    });
    expect(chat.status()).toBe(200);
    await chat.text();
    await expect.poll(async () => (await rowCountsOf(guest.userId)).messages).toBe(2);
    // Counted once its memories are in, so the extraction cannot add rows between the counts.
    const convo = await (await request.get(`/api/conversations/${conversationId}`)).json();
    const turnId = convo.messages[1].metadata.turnId as string;
    await expect.poll(async () => (await (await request.get(`/api/turns/${turnId}`)).json()).status, { timeout: 30_000 }).toBe("done");
    const before = await rowCountsOf(guest.userId);

    const address = email();
    const res = await signUp(request, address);
    expect(res.status()).toBe(200);
    const cookie = setCookies(res).find((c) => c.startsWith("jarvus.session_token="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const me = (await (await request.get("/api/session")).json()) as { userId: string; account: { email: string } };
    expect(me.account.email).toBe(address);
    expect(me.userId).not.toBe(guest.userId);
    expect(await rowCountsOf(me.userId)).toEqual(before);
    const conversations = (await (await request.get("/api/conversations")).json()).conversations as { id: string }[];
    expect(conversations.map((c) => c.id)).toEqual([conversationId]);
  });

  test("wrong password and unknown email: 401 unauthorized:credentials, the same generic message", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    const address = email();
    await signUp(request, address);
    const stranger = await playwright.request.newContext({ baseURL });
    const wrong = await stranger.post("/api/auth/sign-in/email", { data: { email: address, password: "wrong password" }, headers: json });
    const unknown = await stranger.post("/api/auth/sign-in/email", { data: { email: email(), password: PASSWORD }, headers: json });
    expect(wrong.status()).toBe(401);
    expect(unknown.status()).toBe(401);
    const body = await wrong.json();
    expect(body).toEqual({ code: "unauthorized:credentials", message: expect.any(String) });
    expect(await unknown.json()).toEqual(body);
    await request.dispose();
    await stranger.dispose();
  });

  test("a taken email: 409 conflict:email", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    const address = email();
    expect((await signUp(request, address)).status()).toBe(200);
    const other = await playwright.request.newContext({ baseURL });
    const again = await signUp(other, address, "some other password");
    expect(again.status()).toBe(409);
    expect((await again.json()).code).toBe("conflict:email");
    await request.dispose();
    await other.dispose();
  });

  test("brute force on one account: 429 rate_limit:sign-in with Retry-After, then even the right password waits", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    const address = email();
    await signUp(request, address);
    let res: APIResponse | undefined;
    for (let i = 0; i < 12; i++) {
      res = await request.post("/api/auth/sign-in/email", { data: { email: address, password: `guess number ${i}` }, headers: json });
      if (res.status() === 429) break;
      expect(res.status()).toBe(401);
    }
    expect(res?.status()).toBe(429);
    expect((await res!.json()).code).toBe("rate_limit:sign-in");
    expect(Number(res!.headers()["retry-after"])).toBeGreaterThan(0);
    const right = await request.post("/api/auth/sign-in/email", { data: { email: address, password: PASSWORD }, headers: json });
    expect(right.status()).toBe(429);
    await request.dispose();
  });

  test("the app's request rules cover /api/auth/*: another origin 403, not JSON 415, and nothing is created", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    const address = email();
    const crossSite = await request.post("/api/auth/sign-up/email", {
      data: { email: address, password: PASSWORD, name: "X" },
      headers: { ...json, origin: "http://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status()).toBe(403);
    expect((await crossSite.json()).code).toBe("forbidden:origin");
    const form = await request.post("/api/auth/sign-in/email", { form: { email: address, password: PASSWORD } });
    expect(form.status()).toBe(415);
    // Neither created the account: signing up now works.
    expect((await signUp(request, address)).status()).toBe(200);
    await request.dispose();
  });

  test("sessions: listed, one revoked; change password signs out the other; sign out leaves a guest", async ({ playwright, baseURL }) => {
    const a = await playwright.request.newContext({ baseURL });
    const b = await playwright.request.newContext({ baseURL });
    const address = email();
    await signUp(a, address);
    expect((await b.post("/api/auth/sign-in/email", { data: { email: address, password: PASSWORD }, headers: json })).status()).toBe(200);
    const sessions = (await (await a.get("/api/auth/list-sessions")).json()) as { token: string }[];
    expect(sessions).toHaveLength(2);
    const changed = await a.post("/api/auth/change-password", { data: { currentPassword: PASSWORD, newPassword: "a new passphrase here" }, headers: json });
    expect(changed.status()).toBe(200);
    // b's session is gone: it is nobody until it asks for a session, and then a fresh guest.
    expect((await b.get("/api/conversations")).status()).toBe(401);
    expect((await (await b.get("/api/session")).json()).account).toBeNull();
    expect((await (await a.get("/api/session")).json()).account.email).toBe(address);
    expect((await a.post("/api/auth/sign-out", { data: {}, headers: json })).status()).toBe(200);
    expect((await a.get("/api/conversations")).status()).toBe(401);
    const guest = await (await a.get("/api/session")).json();
    expect(guest.account).toBeNull();
    await a.dispose();
    await b.dispose();
  });

  test("password reset without a mail sender in production: 503 unavailable:password_reset", async ({ request }) => {
    const res = await request.post("/api/auth/request-password-reset", { data: { email: email() }, headers: json });
    expect(res.status()).toBe(503);
    expect(await res.json()).toMatchObject({ code: "unavailable:password_reset" });
  });

  test("delete account: guests 401, a wrong password 400 and nothing goes, the right one 204 and the account is gone", async ({ playwright, baseURL, request: guest }) => {
    const asGuest = await guest.delete("/api/account", { data: { password: "whatever" }, headers: json });
    expect(asGuest.status()).toBe(401);
    expect((await asGuest.json()).code).toBe("unauthorized:account");

    const request = await playwright.request.newContext({ baseURL });
    await request.get("/api/session");
    const address = email();
    await signUp(request, address);
    const { userId } = await (await request.get("/api/session")).json();
    const wrong = await request.delete("/api/account", { data: { password: "not my password" }, headers: json });
    expect(wrong.status()).toBe(400);
    expect((await wrong.json()).code).toBe("bad_request:current_password");
    expect((await allRowCountsOf(userId)).auth_accounts).toBe(1);
    const res = await request.delete("/api/account", { data: { password: PASSWORD }, headers: json });
    expect(res.status()).toBe(204);
    expect(Object.values(await allRowCountsOf(userId)).every((n) => n === 0)).toBe(true);
    expect((await request.get("/api/conversations")).status()).toBe(401);
    const again = await request.post("/api/auth/sign-in/email", { data: { email: address, password: PASSWORD }, headers: json });
    expect(again.status()).toBe(401);
    await request.dispose();
  });

  test("the development outbox is not served in production", async ({ request }) => {
    expect((await request.get("/dev/outbox")).status()).toBe(404);
  });
});
