/**
 * Signing keys as Inngest uses them (inngest 4.24.0 helpers/net.js and
 * helpers/strings.js). A key is hex, optionally prefixed `signkey-<env>-`:
 *
 * - Request and response signatures: `X-Inngest-Signature: t=<unix s>&s=<hex>`,
 *   where s = HMAC-SHA256 keyed with the UTF-8 text of the key *without* its
 *   prefix, over the body followed by t. The SDK canonicalizes a request body
 *   before checking it and signs its response body as sent. Signatures older
 *   (or newer) than 5 minutes are rejected.
 * - `Authorization: Bearer <hashed key>` from the SDK (sync, API calls): the
 *   prefix, then SHA-256 of the hex-decoded key, in hex.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface SigningKey {
  /** The key without its `signkey-<env>-` prefix: the HMAC key material. */
  material: string;
  /** SHA-256 of the hex-decoded key, hex: the SDK's hashed form without prefix. */
  hashed: string;
}

const PREFIX = /^signkey-\w+-/;
/** 16 bytes at least: the key also guards the dashboard and the JSON API. */
const MIN_HEX_CHARS = 32;
const MAX_SKEW_MS = 5 * 60_000;

export function parseSigningKey(raw: string): SigningKey {
  const material = raw.trim().replace(PREFIX, "");
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(material)) {
    throw new Error("inngest-local: the signing key must be hex with an even number of digits (optionally prefixed signkey-<env>-), e.g. `openssl rand -hex 32`");
  }
  if (material.length < MIN_HEX_CHARS) {
    throw new Error(`inngest-local: the signing key is too short (${material.length} hex digits, at least ${MIN_HEX_CHARS}); generate one with \`openssl rand -hex 32\``);
  }
  return { material, hashed: createHash("sha256").update(Buffer.from(material, "hex")).digest("hex") };
}

function hmacHex(key: SigningKey, data: string): string {
  return createHmac("sha256", key.material).update(data).digest("hex");
}

function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The X-Inngest-Signature value for `body` (the exact text sent). */
export function signatureHeader(key: SigningKey, body: string, nowMs = Date.now()): string {
  const t = String(Math.round(nowMs / 1000));
  return `t=${t}&s=${hmacHex(key, body + t)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; problem: "missing" | "invalid" | "expired" };

/** Checks an X-Inngest-Signature value against `body` as received. */
export function verifySignature(key: SigningKey, header: string | undefined, body: string, nowMs = Date.now()): SignatureCheck {
  if (!header) return { ok: false, problem: "missing" };
  const params = new URLSearchParams(header);
  const t = params.get("t") ?? "";
  const s = params.get("s") ?? "";
  if (!/^\d+$/.test(t) || !s) return { ok: false, problem: "invalid" };
  if (Math.abs(nowMs - Number(t) * 1000) > MAX_SKEW_MS) return { ok: false, problem: "expired" };
  return equalText(hmacHex(key, body + t), s) ? { ok: true } : { ok: false, problem: "invalid" };
}

/**
 * Whether an `Authorization: Bearer …` header carries this signing key: in the
 * SDK's hashed form, or (unless `hashedOnly`) raw. The `signkey-<env>-` prefix
 * is optional either way.
 */
export function bearerMatches(key: SigningKey, authorization: string | undefined, opts: { hashedOnly?: boolean } = {}): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!m?.[1]) return false;
  const token = m[1].replace(PREFIX, "").toLowerCase();
  if (equalText(token, key.hashed)) return true;
  return !opts.hashedOnly && equalText(token, key.material.toLowerCase());
}

/** Whether `candidate` (pasted on the sign-in page) is this key, raw or hashed. */
export function isThisKey(key: SigningKey, candidate: string): boolean {
  return bearerMatches(key, `Bearer ${candidate.trim()}`);
}

/**
 * The dashboard session token: an HMAC derived from the key, so the cookie
 * never holds the key itself and changing the key signs every browser out.
 */
export function dashboardToken(key: SigningKey): string {
  return hmacHex(key, "inngest-local dashboard session v1");
}

export function tokenMatches(key: SigningKey, token: string | undefined): boolean {
  return token !== undefined && equalText(token, dashboardToken(key));
}
