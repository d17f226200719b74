/**
 * Checks applied to incoming requests: the Host header (DNS rebinding), the
 * origin of state-changing browser requests (CSRF), and credentials in
 * production mode. Dev mode needs no credentials, as on the Inngest Dev Server.
 */
import type http from "node:http";
import { normalizeHost, type ResolvedOptions } from "./config";
import { bearerMatches, dashboardToken, tokenMatches } from "./signing";

/**
 * A page on another site can make the browser resolve its own name to
 * 127.0.0.1 and then read this server as same-origin; the Host header still
 * names that site, so only loopback names (and --allowed-hosts) pass.
 */
export function hostAllowed(opts: ResolvedOptions, req: http.IncomingMessage): boolean {
  const host = req.headers.host;
  return typeof host === "string" && opts.allowedHosts.includes(normalizeHost(host));
}

/**
 * A browser POST from this server's own pages. Browsers send Origin on every
 * POST, and Sec-Fetch-Site where they support it; a cross-site form gets neither
 * right. The Host header has been checked already, so it is ours.
 */
export function sameOrigin(req: http.IncomingMessage): boolean {
  if (req.headers["sec-fetch-site"] === "same-origin") return true;
  const origin = req.headers.origin;
  return typeof origin === "string" && origin === `http://${req.headers.host ?? ""}`;
}

/** A cross-site browser request to the JSON API: Origin present and not ours. */
export function crossSite(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (req.headers["sec-fetch-site"] === "cross-site") return true;
  return typeof origin === "string" && origin !== `http://${req.headers.host ?? ""}`;
}

/** JSON API: `Authorization: Bearer <signing key>`, raw or hashed, in production mode. */
export function apiAuthorized(opts: ResolvedOptions, req: http.IncomingMessage): boolean {
  return opts.signingKey === null || bearerMatches(opts.signingKey, req.headers.authorization);
}

/** /fn/register: only the SDK's hashed signing key, as the real server checks it. */
export function registrationAuthorized(opts: ResolvedOptions, req: http.IncomingMessage): boolean {
  return opts.signingKey === null || bearerMatches(opts.signingKey, req.headers.authorization, { hashedOnly: true });
}

/** Event API: in production mode the path must carry the configured event key. */
export function eventKeyAccepted(opts: ResolvedOptions, key: string): boolean {
  if (opts.eventKey === null || opts.signingKey === null) return true;
  const a = Buffer.from(key);
  const b = Buffer.from(opts.eventKey);
  return a.length === b.length && a.equals(b);
}

/** One cookie per port, so two servers on one machine do not sign each other out. */
export function sessionCookieName(port: number): string {
  return `inngest_local_session_${port}`;
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The dashboard session cookie's value, if the browser sent one. */
export function sessionCookieValue(req: http.IncomingMessage, port: number): string | undefined {
  return cookie(req, sessionCookieName(port));
}

/** Dashboard: the session cookie set by the sign-in page, in production mode. */
export function dashboardAuthorized(opts: ResolvedOptions, req: http.IncomingMessage, port: number): boolean {
  return opts.signingKey === null || tokenMatches(opts.signingKey, sessionCookieValue(req, port));
}

const THIRTY_DAYS_S = 30 * 24 * 3600;

export function sessionCookie(opts: ResolvedOptions, port: number): string {
  if (!opts.signingKey) throw new Error("no session cookie in dev mode");
  return `${sessionCookieName(port)}=${dashboardToken(opts.signingKey)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${THIRTY_DAYS_S}`;
}

export function clearedSessionCookie(port: number): string {
  return `${sessionCookieName(port)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}
