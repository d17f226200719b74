/**
 * The project's local Inngest server: plays the server side of the Inngest
 * SDK's HTTP protocol (sync, event API, durable step execution) with its
 * state in Postgres. It imports nothing from the app: it only talks HTTP to
 * the app's serve() endpoint. See README.md beside this file.
 */
import type http from "node:http";
import { resolveOptions, type LocalInngestServerOptions } from "./config";
import { createLogger, type ServerContext } from "./context";
import { openPool, sqlOf, tablesFor } from "./db";
import { createFormTokens, loadFormSecret } from "./form-tokens";
import { createHttpClient } from "./http-client";
import { close, listen } from "./http-util";
import { createMainServer } from "./http-server";
import { migrate } from "./migrate";
import { createRedirectServer } from "./redirect-server";
import { Registry } from "./registry";
import { loadRegistry, SyncLoop, type SyncResult } from "./sync";
import { Worker } from "./worker";

export type { LocalInngestServerOptions } from "./config";
export type { SyncResult } from "./sync";

export interface LocalInngestServer {
  /** Base URL for the SDK (INNGEST_DEV / INNGEST_BASE_URL / baseUrl), the JSON API (/v0) and the dashboard. */
  url: string;
  /** The old runs-page port, which now redirects to `url`; null when disabled. */
  uiUrl: string | null;
  mode: "dev" | "production";
  /** Re-syncs every configured app now. */
  syncNow(): Promise<SyncResult[]>;
  /** Stops taking work, hands back leases of unfinished calls, closes ports and connections. */
  stop(): Promise<void>;
}

export async function startLocalInngestServer(options: LocalInngestServerOptions): Promise<LocalInngestServer> {
  const opts = resolveOptions(options);
  const log = createLogger(opts.log, opts.quiet);
  const pool = await openPool(opts.databaseUrl, opts.poolSize);
  const t = tablesFor(opts.schema);
  let worker: Worker | undefined;
  const ctx: ServerContext = {
    pool,
    db: sqlOf(pool),
    t,
    registry: new Registry(),
    opts,
    log,
    http: createHttpClient(),
    wake: () => worker?.wake(),
    direct: {
      reserve: () => worker?.direct.reserve() ?? false,
      release: () => worker?.direct.release(),
      start: (item) => worker?.direct.start(item),
    },
  };
  const servers: http.Server[] = [];
  try {
    const applied = await migrate(pool, opts.schema, t);
    if (applied.length) log.info(`schema ${opts.schema}: applied ${applied.join(", ")}`);
    await loadRegistry(ctx);
    worker = new Worker(ctx);
    const sync = new SyncLoop(ctx);
    let uiUrl: string | null = null;
    let port = 0;
    const forms = createFormTokens(await loadFormSecret(ctx.db, t));
    const main = createMainServer({ ctx, syncNow: () => sync.syncNow(), port: () => port, forms });
    servers.push(main);
    port = await listen(main, opts.port);
    const url = `http://127.0.0.1:${port}`;
    if (opts.uiPort !== null) {
      const redirects = createRedirectServer(opts, () => port);
      servers.push(redirects);
      uiUrl = `http://127.0.0.1:${await listen(redirects, opts.uiPort)}`;
    }
    worker.start();
    sync.start();
    log.info(
      opts.mode === "production"
        ? `event API and SDK endpoint on ${url} (schema ${opts.schema}); production mode: calls to apps are signed, events need the event key, the API and dashboard the signing key`
        : `event API and SDK endpoint on ${url} (schema ${opts.schema}); point the app at it with INNGEST_DEV=${url}`,
    );
    log.info(`dashboard on ${url}${uiUrl ? ` (${uiUrl} redirects there)` : ""}`);
    log.info(
      opts.appUrls.length
        ? `syncing ${opts.appUrls.join(", ")} ${opts.syncIntervalMs > 0 ? `every ${opts.syncIntervalMs / 1000}s` : "at start and on demand"}`
        : "no --app-url given: apps must register themselves (PUT their serve() URL)",
    );
    let stopping: Promise<void> | undefined;
    const w = worker;
    return {
      url,
      uiUrl,
      mode: opts.mode,
      syncNow: () => sync.syncNow(),
      stop: () => {
        stopping ??= (async () => {
          sync.stop();
          await w.stop();
          await Promise.all(servers.map(close));
          ctx.http.close();
          await pool.end();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await worker?.stop(0).catch(() => {});
    await Promise.all(servers.map(close));
    ctx.http.close();
    await pool.end().catch(() => {});
    throw err;
  }
}
