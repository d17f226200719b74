import "server-only";
import { cookies, headers } from "next/headers";
import { createGuestUser, getUserById } from "@/db/queries/users";
import { AppError } from "@/lib/http/errors";
import { clientAddress, enforceRateLimit } from "@/lib/http/rate-limit";
import { isUuid } from "@/lib/uuid";
import { signSessionValue, verifySessionValue } from "./cookie";
import { getAuthSecret } from "./secret";

export const SESSION_COOKIE = "jarvus_session";
const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

export interface Session {
  userId: string;
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
  (await cookies()).set(SESSION_COOKIE, signSessionValue(user.id, getAuthSecret()), {
    httpOnly: true,
    sameSite: "lax",
    // Secure whenever the request came over https (Vercel sets x-forwarded-proto);
    // a local `npm start` on plain http must still be able to keep its session.
    secure: (await headers()).get("x-forwarded-proto") === "https",
    path: "/",
    maxAge: ONE_YEAR_SECONDS,
  });
  return { userId: user.id };
}

/** The caller's session, or 401 `unauthorized:session`: for every route but `GET /api/session`. */
export async function requireSession(): Promise<Session> {
  const session = await getSession();
  if (!session) {
    throw new AppError("unauthorized:session", "No session: open Jarvus (or GET /api/session) first.");
  }
  return session;
}

/**
 * The session of a server component render, read-only (renders cannot set
 * cookies): null when the visitor has no valid session yet.
 */
export async function getSession(): Promise<Session | null> {
  const raw = (await cookies()).get(SESSION_COOKIE)?.value;
  const claimed = raw ? verifySessionValue(raw, getAuthSecret()) : null;
  if (!claimed || !isUuid(claimed) || !(await getUserById({ id: claimed }))) return null;
  return { userId: claimed };
}
