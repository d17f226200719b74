/**
 * The main port (default 8288), as on the Inngest Dev Server: the SDK's
 * endpoints, the JSON API and the dashboard on one port.
 *
 *   POST /e/:eventKey     event API (production mode: the configured event key, else 401)
 *   POST /fn/register     out-of-band sync (production mode: the SDK's hashed signing key, else 401)
 *   GET  /health          liveness, always open
 *   GET  /dev             dev-mode probe of older SDKs (dev mode only)
 *   /v0/…                 JSON API (production mode: Bearer signing key); see api.ts
 *   everything else       the dashboard; see dashboard/index.ts
 *
 * Every request's Host must be a loopback name or an allowed host (403
 * otherwise). Errors are JSON `{ status, error }` (HTML on dashboard pages),
 * never a stack trace: unexpected failures are logged and answered
 * "internal error".
 */
import http from "node:http";
import { handleApi, type ApiDeps } from "./api";
import { errorPage, handleDashboard, withFormTokens } from "./dashboard/index";
import { withTransaction } from "./db";
import { ingestEvents, parseEventBody } from "./events";
import type { FormTokens } from "./form-tokens";
import { apiAuthorized, crossSite, eventKeyAccepted, hostAllowed, registrationAuthorized } from "./guards";
import { HttpError, readJson, sendHtml, sendJson } from "./http-util";
import { serverKind } from "./protocol";
import { registerApp } from "./sync";

export interface MainServerDeps extends ApiDeps {
  /** The port this server listens on (known once it is bound). */
  port(): number;
  /** Tokens for the dashboard's forms (CSRF). */
  forms: FormTokens;
}

const JSON_PATHS = /^\/(?:e\/|fn\/|v0\/|health$|dev$)/;

function fail(res: http.ServerResponse, status: number, error: string): void {
  sendJson(res, status, { status, error });
}

export function createMainServer(deps: MainServerDeps): http.Server {
  const { ctx } = deps;
  const kind = serverKind({ signingKey: ctx.opts.signingKey });
  return http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof HttpError ? err.message : "internal error";
      if (status === 500) ctx.log.info(`error handling ${req.method} ${req.url}: ${(err as Error).message}`);
      if (res.headersSent) {
        res.end();
        return;
      }
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      if (JSON_PATHS.test(path)) fail(res, status, message);
      else sendHtml(res, status, withFormTokens(deps, req, errorPage(deps, status === 500 ? "Something went wrong" : "Error", message)));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(ctx.opts, req)) return fail(res, 403, "host not allowed");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "") || "/";

    // The SDK and scripts send no Origin; a browser on another site always
    // does. (Dashboard forms are held to more: dashboard/index.ts.)
    if (method !== "GET" && method !== "HEAD" && JSON_PATHS.test(path) && crossSite(req)) return fail(res, 403, "cross-site requests are not accepted");

    const eventPath = /^\/e\/([^/]+)$/.exec(path);
    if (method === "POST" && eventPath) {
      if (!eventKeyAccepted(ctx.opts, decodeURIComponent(eventPath[1] ?? ""))) return fail(res, 401, "event key not recognised");
      const parsed = parseEventBody(await readJson(req));
      if ("error" in parsed) return fail(res, 400, parsed.error);
      const seed = req.headers["x-inngest-event-id-seed"];
      const ids = await withTransaction(ctx.pool, (tx) => ingestEvents(ctx, tx, parsed.events, typeof seed === "string" ? seed : undefined));
      return sendJson(res, 200, { ids, status: 200 });
    }

    if (method === "POST" && path === "/fn/register") {
      if (!registrationAuthorized(ctx.opts, req)) return fail(res, 401, "registration needs this server's signing key (Authorization: Bearer <hashed signing key>)");
      // The SDK echoes the kind of server that asked it to sync; a dev-mode
      // request reaching a production server (or the reverse) is refused, as
      // the real servers refuse it.
      const expected = req.headers["x-inngest-expected-server-kind"];
      if (typeof expected === "string" && expected !== "" && expected !== kind) {
        return fail(res, 400, `this server is ${kind === "cloud" ? "in production mode" : "a dev server"}, but the sync was requested by a ${expected} server`);
      }
      const body = (await readJson(req)) as { appName?: string; url?: string; functions?: unknown; sdk?: string; framework?: string } | undefined;
      if (!body || typeof body !== "object") return fail(res, 400, "missing body");
      try {
        const r = await registerApp(ctx, { appId: body.appName ?? "", url: body.url ?? "", functions: body.functions, sdk: body.sdk, framework: body.framework });
        // The SDK answers its own PUT with this `status`.
        return sendJson(res, 200, { ok: true, status: 200, modified: r.modified });
      } catch (err) {
        return fail(res, 400, (err as Error).message);
      }
    }

    if (path.startsWith("/v0/")) {
      if (!apiAuthorized(ctx.opts, req)) return fail(res, 401, "the JSON API needs this server's signing key (Authorization: Bearer <signing key>)");
      // Every state-changing call, with a body or not, must say JSON: a page on
      // another site cannot send that content type without a CORS preflight,
      // which this server never grants (so not even a browser that omits
      // Origin can post a form here).
      if (method !== "GET" && method !== "HEAD" && !/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
        return fail(res, 415, "send JSON (content-type: application/json)");
      }
      const out = await handleApi(deps, {
        method,
        path: path.slice("/v0/".length),
        query: url.searchParams,
        body: () => readJson(req),
      });
      return out ? sendJson(res, out.status, out.body) : fail(res, 404, `not found: ${method} ${path}`);
    }

    if (method === "GET" && path === "/health") return sendJson(res, 200, { ok: true, server: "inngest-local", mode: ctx.opts.mode });
    if (method === "GET" && path === "/dev" && kind === "dev") return sendJson(res, 200, { ok: true, server: "inngest-local", mode: "dev" });
    // The SDK's checkpointing endpoints are never used: the server omits ctx.fn_id (see README).
    if (JSON_PATHS.test(path) || path.startsWith("/v1/")) return fail(res, 404, `not found: ${method} ${path}`);

    await handleDashboard(deps, req, res, url);
  }
}
