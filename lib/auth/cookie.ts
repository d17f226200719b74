import { createHmac, timingSafeEqual } from "node:crypto";

/** `<userId>.<base64url HMAC-SHA256(userId)>`: tamper-evident, no server-side session table. */
export function signSessionValue(userId: string, secret: string): string {
  return `${userId}.${mac(userId, secret)}`;
}

/** Returns the user id when the signature is valid, else null. */
export function verifySessionValue(value: string, secret: string): string | null {
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return null;
  const userId = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(userId, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return userId;
}

function mac(userId: string, secret: string): string {
  return createHmac("sha256", secret).update(userId).digest("base64url");
}
