import "server-only";
import { cookies, headers } from "next/headers";
import { createGuestUser, getUserById } from "@/db/queries/users";
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
 * SameSite=Lax cookie. Route handlers only: it may set a cookie.
 */
export async function getOrCreateSession(): Promise<Session> {
  const existing = await getSession();
  if (existing) return existing;
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
