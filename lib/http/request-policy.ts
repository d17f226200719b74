/**
 * Request rules applied in proxy.ts before any route runs (DESIGN §6). Pure
 * functions of the request's method, path and headers, so they are unit-tested
 * without a server.
 */
import { AppError } from "./errors";

export const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"] as const;

/** The host name of a Host header value, without its port; IPv6 keeps its brackets. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  return h.split(":")[0] ?? "";
}

/**
 * DNS rebinding: a page on evil.example that resolves its name to 127.0.0.1
 * reaches a loopback server with `Host: evil.example`. Only named hosts are
 * answered (`*` allows any).
 */
export function checkHost(host: string | null, allowed: readonly string[]): AppError | null {
  if (allowed.includes("*")) return null;
  const name = host ? hostName(host) : "";
  if (name && allowed.map((a) => a.toLowerCase()).includes(name)) return null;
  return new AppError("forbidden:host", "This host name is not served here.");
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Routes that authenticate requests themselves: Inngest signs every call to /api/inngest. */
const SELF_AUTHENTICATED = ["/api/inngest"];

function isJson(contentType: string | null): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return type === "application/json";
}

/**
 * A state-changing API request must come from this origin and carry JSON.
 * Browsers send `Origin` on every cross-origin POST/PATCH/DELETE (also from
 * forms and no-cors fetches) and `Sec-Fetch-Site` on every request, so a
 * request from another site — or another port or subdomain of this one — is
 * refused; clients that send neither (curl, server code) are not browsers
 * acting for a visitor. JSON only: an HTML form cannot send it, and a
 * cross-origin fetch cannot without a CORS preflight this app never grants.
 */
export function checkStateChangingRequest(request: {
  method: string;
  pathname: string;
  headers: Headers;
}): AppError | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  if (!request.pathname.startsWith("/api/")) return null;
  if (SELF_AUTHENTICATED.some((p) => request.pathname === p || request.pathname.startsWith(`${p}/`))) {
    return null;
  }
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return forbiddenOrigin();
  const origin = request.headers.get("origin");
  if (origin !== null) {
    const ownHost = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    let originHost: string | null = null;
    try {
      originHost = origin === "null" ? null : new URL(origin).host.toLowerCase();
    } catch {
      originHost = null;
    }
    if (!originHost || !ownHost || originHost !== ownHost.split(",")[0]!.trim().toLowerCase()) {
      return forbiddenOrigin();
    }
  }
  if (!isJson(request.headers.get("content-type"))) {
    return new AppError("unsupported_media_type:json", "Send this request with Content-Type: application/json.");
  }
  return null;
}

function forbiddenOrigin(): AppError {
  return new AppError("forbidden:origin", "Requests from other sites are not accepted.");
}

/**
 * The Content-Security-Policy of a page: scripts only from this origin with
 * this response's nonce (Next puts it on its own scripts), no remote images
 * (a Markdown image would otherwise be a request to anywhere, carrying what
 * a model put in its URL), no framing (clickjacking).
 */
export function contentSecurityPolicy(nonce: string, { development }: { development: boolean }): string {
  return [
    "default-src 'self'",
    // React's development build needs eval for its error overlays; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // Style attributes from server-rendered HTML cannot carry a nonce.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
