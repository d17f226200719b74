import "server-only";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { getDb } from "@/db/client";
import { mergeGuestIntoAccount } from "@/db/queries/accounts";
import { getUserById } from "@/db/queries/users";
import { authAccounts, authSessions, authVerifications, users } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { clientAddress, enforceRateLimit } from "@/lib/http/rate-limit";
import { mailSender } from "@/lib/mail/sender";
import { singleValuedSemanticKeys } from "@/lib/memory/types";
import { isUuid } from "@/lib/uuid";
import { guestIdFromCookieValue, SESSION_COOKIE } from "./guest-cookie";
import { getAuthSecret } from "./secret";

/**
 * Accounts: better-auth (email and password, database sessions, its session
 * list/revoke and password change), on the app's own `users` table through
 * its Drizzle adapter. Guests are not better-auth users: a guest is a `users`
 * row without an email, known by the signed `jarvus_session` cookie that only
 * GET /api/session mints (lib/auth/session.ts). Signing up or in with a guest
 * cookie moves the guest's data into the account (db/queries/accounts.ts).
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
/** Account sessions: 30 days, extended (at most once a day) while used. */
const SESSION_SECONDS = 60 * 60 * 24 * 30;
export const AUTH_COOKIE_PREFIX = "jarvus";

const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

/** Hosts whose requests may name the base URL (reset links, origin checks) when BETTER_AUTH_URL is unset. */
function allowedHosts(): string[] {
  const e = env();
  const named = (e.ALLOWED_HOSTS ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  const vercel = [e.VERCEL_URL, e.VERCEL_BRANCH_URL, e.VERCEL_PROJECT_PRODUCTION_URL].filter((h): h is string => !!h);
  return [...new Set([...LOOPBACK, ...named, ...vercel])].flatMap((h) => (h === "*" ? ["*"] : [h, `${h}:*`]));
}

function trustProxyHeaders(): boolean {
  const e = env();
  return e.TRUST_PROXY ? e.TRUST_PROXY === "true" : e.VERCEL !== undefined;
}

/** Secure cookies behind HTTPS: a https BETTER_AUTH_URL, or Vercel (always HTTPS). Plain-http `npm start` must keep its session. */
function secureCookies(): boolean {
  const e = env();
  return e.BETTER_AUTH_URL ? e.BETTER_AUTH_URL.startsWith("https://") : e.VERCEL !== undefined;
}

/** An AppError thrown inside better-auth, answered in the project's `{ code, message }` shape. */
function toApiError(error: AppError): APIError {
  return new APIError(error.status as never, { code: error.code, message: error.message }, error.headers);
}

async function limit(surface: Parameters<typeof enforceRateLimit>[0], key: string): Promise<void> {
  try {
    await enforceRateLimit(surface, key);
  } catch (error) {
    throw error instanceof AppError ? toApiError(error) : error;
  }
}

function emailOf(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" ? email.trim().toLowerCase() : "";
}

/** The guest of the request's `jarvus_session` cookie, if it is still a guest. */
async function guestOfRequest(cookieHeader: string | null): Promise<string | null> {
  const raw = cookieHeader
    ?.split(";")
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.slice(SESSION_COOKIE.length + 1);
  const id = guestIdFromCookieValue(raw ? decodeURIComponent(raw) : undefined);
  if (!id || !isUuid(id)) return null;
  const user = await getUserById({ id });
  return user && user.email === null ? id : null;
}

function createAuth() {
  const e = env();
  return betterAuth({
    appName: "Jarvus",
    secret: e.BETTER_AUTH_SECRET ?? getAuthSecret(),
    baseURL: e.BETTER_AUTH_URL ?? { allowedHosts: allowedHosts(), protocol: "auto", fallback: `http://127.0.0.1:${e.PORT}` },
    trustedOrigins: e.BETTER_AUTH_URL ? [new URL(e.BETTER_AUTH_URL).origin] : [],
    database: drizzleAdapter(getDb(), {
      provider: "pg",
      schema: { user: users, session: authSessions, account: authAccounts, verification: authVerifications },
    }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
      autoSignIn: true,
      // A reset ends every session: whoever had the old password is out.
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      async sendResetPassword({ user, token }, request) {
        const sender = mailSender();
        if (!sender) throw new APIError("SERVICE_UNAVAILABLE", passwordResetUnavailable());
        // Our page, not better-auth's redirecting GET: the link opens a form that posts the new password.
        const origin = e.BETTER_AUTH_URL ? new URL(e.BETTER_AUTH_URL).origin : new URL(request?.url ?? `http://127.0.0.1:${e.PORT}`).origin;
        const link = `${origin}/reset-password?token=${encodeURIComponent(token)}`;
        await sender.send({
          to: user.email,
          subject: "Reset your Jarvus password",
          text: `Someone (hopefully you) asked to reset the password of your Jarvus account.\n\nChoose a new password here (the link works once, for one hour):\n${link}\n\nIf it was not you, ignore this mail: your password stays as it is.`,
        });
      },
    },
    session: {
      expiresIn: SESSION_SECONDS,
      updateAge: 60 * 60 * 24,
    },
    // Brute force is limited by the app's own Postgres-backed limiter (hooks below): it spans
    // processes and serverless instances, and counts per email as well as per client address.
    rateLimit: { enabled: false },
    advanced: {
      cookiePrefix: AUTH_COOKIE_PREFIX,
      useSecureCookies: secureCookies(),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", path: "/" },
      trustedProxyHeaders: trustProxyHeaders(),
      database: { generateId: "uuid" },
      ipAddress: trustProxyHeaders() ? undefined : { disableIpTracking: true },
    },
    telemetry: { enabled: false },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        const address = clientAddress({ headers: ctx.headers ?? new Headers() });
        switch (ctx.path) {
          case "/sign-in/email":
            await limit("auth", address);
            await limit("sign-in", emailOf(ctx.body));
            return;
          case "/sign-up/email":
            await limit("auth", address);
            return;
          case "/request-password-reset":
            if (!mailSender()) throw new APIError("SERVICE_UNAVAILABLE", passwordResetUnavailable());
            await limit("auth", address);
            await limit("password-reset", emailOf(ctx.body));
            return;
          case "/change-password":
            // A new password always signs out every other session (issue 12).
            return { context: { body: { ...(ctx.body as object), revokeOtherSessions: true } } };
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-up/email" && ctx.path !== "/sign-in/email") return;
        const account = ctx.context.newSession?.user;
        if (!account) return;
        const guestId = await guestOfRequest(ctx.headers?.get("cookie") ?? null);
        if (guestId) {
          // One transaction; if it fails, the guest keeps its data and cookie and the next sign-in tries again.
          await mergeGuestIntoAccount({
            guestId,
            accountId: account.id,
            adoptSettings: ctx.path === "/sign-up/email",
            singleValuedKeys: singleValuedSemanticKeys,
          });
        }
        // The guest cookie goes either way: from now on the account's session names the user.
        ctx.setCookie(SESSION_COOKIE, "", { maxAge: 0, path: "/", httpOnly: true, sameSite: "lax" });
      }),
    },
  });
}

export function passwordResetUnavailable(): { code: string; message: string } {
  return {
    code: "unavailable:password_reset",
    message: "Password reset by email is not available on this server (no mail sender is configured).",
  };
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { jarvusAuth?: Auth };

/** Built on first use: `next build` evaluates route modules and must not open the database. */
export function getAuth(): Auth {
  globalForAuth.jarvusAuth ??= createAuth();
  return globalForAuth.jarvusAuth;
}

/** Tests change the environment and the database between files. */
export function resetAuth(): void {
  globalForAuth.jarvusAuth = undefined;
}
