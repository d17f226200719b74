/**
 * The old runs-page port (default 8289). The dashboard now lives on the main
 * port, as the Inngest Dev Server's does; this listener only sends browsers
 * and scripts there: 307 to the same path on the main port (the old JSON
 * under /api/… goes to /v0/…). The Host check applies here too.
 */
import http from "node:http";
import { normalizeHost, type ResolvedOptions } from "./config";
import { hostAllowed } from "./guards";
import { sendJson } from "./http-util";

export function createRedirectServer(opts: ResolvedOptions, mainPort: () => number): http.Server {
  return http.createServer((req, res) => {
    if (!hostAllowed(opts, req)) {
      sendJson(res, 403, { status: 403, error: "host not allowed" });
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const name = normalizeHost(req.headers.host ?? "127.0.0.1");
    const host = name.includes(":") ? `[${name}]` : name;
    const path = url.pathname.startsWith("/api/") ? `/v0/${url.pathname.slice("/api/".length)}` : url.pathname;
    req.resume();
    res.writeHead(307, { location: `http://${host}:${mainPort()}${path}${url.search}`, "cache-control": "no-store" });
    res.end();
  });
}
