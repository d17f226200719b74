/**
 * The main port (default 8288), where the SDK talks to the server:
 *   POST /e/:eventKey     event API; the key is ignored locally (dev mode sends NO_EVENT_KEY_SET)
 *   POST /fn/register     out-of-band sync
 *   POST /v0/sync         re-sync now;  GET /v0/runs, /v0/runs/:id, /v0/functions, /v0/events
 *   GET  /health
 */
import http from "node:http";
import { handleApi, type ApiDeps } from "./api";
import { withTransaction } from "./db";
import { ingestEvents, parseEventBody } from "./events";
import { HttpError, readJson, sendJson } from "./http-util";
import { registerApp } from "./sync";

export function createMainServer(deps: ApiDeps & { uiUrl: () => string | null }): http.Server {
  const { ctx } = deps;
  return http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) ctx.log.info(`error handling ${req.method} ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) sendJson(res, status, { status, error: (err as Error).message });
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/\/+$/, "") || "/";

    if (method === "POST" && /^\/e\/[^/]+$/.test(path)) {
      const parsed = parseEventBody(await readJson(req));
      if ("error" in parsed) {
        sendJson(res, 400, { status: 400, error: parsed.error });
        return;
      }
      const seed = req.headers["x-inngest-event-id-seed"];
      const ids = await withTransaction(ctx.pool, (tx) =>
        ingestEvents(ctx, tx, parsed.events, typeof seed === "string" ? seed : undefined),
      );
      sendJson(res, 200, { ids, status: 200 });
      return;
    }

    if (method === "POST" && path === "/fn/register") {
      const body = (await readJson(req)) as { appName?: string; url?: string; functions?: unknown; sdk?: string; framework?: string } | undefined;
      if (!body || typeof body !== "object") {
        sendJson(res, 400, { status: 400, error: "missing body" });
        return;
      }
      try {
        const r = await registerApp(ctx, {
          appId: body.appName ?? "",
          url: body.url ?? "",
          functions: body.functions,
          sdk: body.sdk,
          framework: body.framework,
        });
        // The SDK answers its own PUT with this `status`.
        sendJson(res, 200, { ok: true, status: 200, modified: r.modified });
      } catch (err) {
        sendJson(res, 400, { status: 400, error: (err as Error).message });
      }
      return;
    }

    if (path.startsWith("/v0/")) {
      const out = await handleApi(deps, method, path.slice("/v0/".length), url.searchParams);
      if (out) {
        sendJson(res, out.status, out.body);
        return;
      }
    }

    if (method === "GET" && (path === "/" || path === "/health")) {
      sendJson(res, 200, { ok: true, server: "inngest-local", ui: deps.uiUrl() });
      return;
    }

    // Checkpointing endpoints are never used: the server omits ctx.fn_id (see README).
    sendJson(res, 404, { status: 404, error: `not found: ${method} ${path}` });
  }
}
