/**
 * Form tokens for the dashboard's POST forms (CSRF). Every action form carries
 * a token that only this server's own pages can have shown: an HMAC, keyed
 * with a secret kept in the server's schema, over the time it was issued and
 * the browser's session (the production-mode cookie; nothing in dev mode). A
 * page on another site can neither read a page of ours (same-origin policy,
 * and the Host check stops DNS rebinding) nor guess the HMAC, so together
 * with the Origin check a forged form fails twice over.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Sql, Tables } from "./db";

/** Long enough for a page left open over a working day; a stale form asks for a reload. */
export const FORM_TOKEN_MAX_AGE_MS = 24 * 3600_000;
/** The hidden field's name in every POST form. */
export const FORM_TOKEN_FIELD = "csrf";

export interface FormTokens {
  /** A token for a form shown to the browser whose session is `binding` ("" without one). */
  issue(binding: string): string;
  verify(token: string | null | undefined, binding: string): boolean;
}

export function createFormTokens(secret: string, now: () => number = Date.now): FormTokens {
  const mac = (issuedS: string, binding: string) => createHmac("sha256", secret).update(`form v1:${issuedS}:${binding}`).digest("hex");
  return {
    issue(binding) {
      const issuedS = String(Math.floor(now() / 1000));
      return `${issuedS}.${mac(issuedS, binding)}`;
    },
    verify(token, binding) {
      const m = /^(\d{1,12})\.([0-9a-f]{64})$/.exec(token ?? "");
      if (!m?.[1] || !m[2]) return false;
      const age = now() - Number(m[1]) * 1000;
      // A little allowance for clocks read in a different order; never a token from the future.
      if (age < -5_000 || age > FORM_TOKEN_MAX_AGE_MS) return false;
      const expected = Buffer.from(mac(m[1], binding));
      const given = Buffer.from(m[2]);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/** The form-token secret of this schema, made on first use (two servers starting at once agree on one). */
export async function loadFormSecret(db: Sql, t: Tables): Promise<string> {
  await db.query(`INSERT INTO ${t.secrets} (name, value) VALUES ('form_tokens', $1) ON CONFLICT (name) DO NOTHING`, [randomBytes(32).toString("hex")]);
  const res = await db.query<{ value: string }>(`SELECT value FROM ${t.secrets} WHERE name = 'form_tokens'`);
  const value = res.rows[0]?.value;
  if (!value) throw new Error("inngest-local: could not read the form-token secret");
  return value;
}
