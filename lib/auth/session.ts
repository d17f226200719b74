import "server-only";
import { cookies, headers } from "next/headers";
import { createGuestUser, getUserById } from "@/db/queries/users";
import { AppError } from "@/lib/http/errors";
import { clientAddress, enforceRateLimit } from "@/lib/http/rate-limit";
import { isUuid } from "@/lib/uuid";
import { AUTH_COOKIE_PREFIX, getAuth } from "./auth";
import { GUEST_COOKIE_MAX_AGE_SECONDS, guestCookieValue, guestIdFromCookieValue, SESSION_COOKIE } from "./guest-cookie";

export { SESSION_COOKIE } from "./guest-cookie";

export interface Session {
  userId: string;
  /** Signed in to an account (better-auth); null for a guest. */
  account: { email: string; name: string | null; sessionId: string } | null;
}

/**
 * The caller's session. A first contact (no cookie, a forged one, or a user
 * that no longer exists) gets a new guest user bound to a signed, httpOnly,
 * SameSite=Lax cookie. Only `GET /api/session` calls this: a state-changing
 * request never mints a session, because a cross-site form post carries no
 * Lax cookie and the new guest's cookie would replace the visitor's own.
 * Guests are rate-limited per client address.
 */
export async function getOrCreateSession(request: Request): Promise<Session> {
  const existing = await getSession();
  if (existing) return existing;
  await enforceRateLimit("session", clientAddress(request));
  const user = await createGuestUser();
  (await cookies()).set(SESSION_COOKIE, guestCookieValue(user.id), {
    httpOnly: true,
    sameSite: "lax",
    // Secure whenever the request came over https (Vercel sets x-forwarded-proto);
    // a local `npm start` on plain http must still be able to keep its session.
    secure: (await headers()).get("x-forwarded-proto") === "https",
    path: "/",
    maxAge: GUEST_COOKIE_MAX_AGE_SECONDS,
  });
  return { userId: user.id, account: null };
}

/** The caller's session, or 401 `unauthorized:session`: for every route but `GET /api/session`. */
export async function requireSession(): Promise<Session> {
  const session = await getSession();
  if (!session) {
    throw new AppError("unauthorized:session", "No session: open Jarvus (or GET /api/session) first.");
  }
  return session;
}

/** The caller's account session, or 401 `unauthorized:account` for a guest. */
export async function requireAccount(): Promise<Session & { account: NonNullable<Session["account"]> }> {
  const session = await requireSession();
  if (!session.account) throw new AppError("unauthorized:account", "Sign in to your account first.");
  return session as Session & { account: NonNullable<Session["account"]> };
}

/**
 * The one place routes and pages learn who the user is: an account's
 * better-auth session when its cookie is valid, else the guest cookie.
 * Read-only (renders cannot set cookies): null when the visitor has no valid
 * session yet.
 */
export async function getSession(): Promise<Session | null> {
  const requestHeaders = await headers();
  const account = await accountSession(requestHeaders);
  if (account) return account;
  const raw = (await cookies()).get(SESSION_COOKIE)?.value;
  const claimed = guestIdFromCookieValue(raw);
  if (!claimed || !isUuid(claimed)) return null;
  const user = await getUserById({ id: claimed });
  // A guest cookie never names an account: accounts are reached through their own session only.
  if (!user || user.email !== null) return null;
  return { userId: claimed, account: null };
}

async function accountSession(requestHeaders: Headers): Promise<Session | null> {
  // No better-auth cookie, no lookup: guests cost what they did before accounts existed.
  if (!requestHeaders.get("cookie")?.includes(`${AUTH_COOKIE_PREFIX}.session_token=`)) return null;
  // Refreshing the expiry sets a cookie, which a render cannot; /api/auth/get-session (the sidebar) does it.
  const found = await getAuth().api.getSession({ headers: requestHeaders, query: { disableRefresh: true } });
  if (!found) return null;
  return { userId: found.user.id, account: { email: found.user.email, name: found.user.name || null, sessionId: found.session.id } };
}
