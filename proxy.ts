import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { errorResponse } from "@/lib/http/errors";
import {
  checkHost,
  checkStateChangingRequest,
  contentSecurityPolicy,
  LOOPBACK_HOSTS,
} from "@/lib/http/request-policy";

/**
 * Runs before every route (not static assets): the Host check against DNS
 * rebinding, the origin and JSON rules for state-changing API requests, and
 * a per-response nonce for the pages' Content-Security-Policy. Headers that
 * need no nonce are set in next.config.mjs.
 */
export function proxy(request: NextRequest) {
  const e = env();
  if (e.ALLOWED_HOSTS) {
    const allowed = [...LOOPBACK_HOSTS, ...e.ALLOWED_HOSTS.split(",").map((h) => h.trim()).filter(Boolean)];
    const rejected = checkHost(request.headers.get("host"), allowed);
    if (rejected) return errorResponse(rejected);
  }
  const { pathname } = request.nextUrl;
  const rejected = checkStateChangingRequest({ method: request.method, pathname, headers: request.headers });
  if (rejected) return errorResponse(rejected);
  if (pathname.startsWith("/api/")) return NextResponse.next();

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, { development: e.NODE_ENV === "development" });
  // Next reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
