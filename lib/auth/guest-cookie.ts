import "server-only";
import { signSessionValue, verifySessionValue } from "./cookie";
import { getAuthSecret } from "./secret";

/** The guest's cookie: `<userId>.<HMAC>`, httpOnly, SameSite=Lax, a year (lib/auth/session.ts sets it). */
export const SESSION_COOKIE = "jarvus_session";
export const GUEST_COOKIE_MAX_AGE_SECONDS = 60 * 60 * 24 * 365;

export function guestCookieValue(userId: string): string {
  return signSessionValue(userId, getAuthSecret());
}

/** The user id a guest cookie value claims, when its signature is valid. */
export function guestIdFromCookieValue(value: string | undefined): string | null {
  return value ? verifySessionValue(value, getAuthSecret()) : null;
}
