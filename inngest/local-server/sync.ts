/**
 * App sync. The JS SDK never registers by itself: the server PUTs the app's
 * serve() URL (at start, every few seconds, and on demand), asking for an
 * in-band sync so the function configs come back in the answer. If the app
 * refuses in-band sync (INNGEST_ALLOW_IN_BAND_SYNC=0) the SDK POSTs them to
 * /fn/register instead, which lands in registerApp() too.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json";
import type { ServerContext } from "./context";
import { json, withTransaction } from "./db";
import { requestHeaders, responseSignatureProblem } from "./protocol";
import { compileFunction, type FunctionConfig, type FunctionDef } from "./registry";
import { syncCrons } from "./schedules";
import { reconsiderThrottles } from "./throttle";

export interface SyncResult {
  url: string;
  ok: boolean;
  appId?: string;
  functions?: number;
  modified?: boolean;
  /** in_band: configs came back in the answer; out_of_band: the SDK posted them to /fn/register. */
  kind?: "in_band" | "out_of_band";
  error?: string;
}

export interface Registration {
  appId: string;
  url: string;
  functions: unknown;
  sdk?: string;
  framework?: string;
}

/** Stores an app's function configs; re-syncs replace the whole set (removed functions go). */
export async function registerApp(ctx: ServerContext, reg: Registration): Promise<{ modified: boolean; functions: number }> {
  if (!reg.appId) throw new Error("app id missing");
  if (!Array.isArray(reg.functions)) throw new Error("functions must be an array");
  const configs = reg.functions.filter(
    (f): f is FunctionConfig => !!f && typeof f === "object" && typeof (f as FunctionConfig).id === "string",
  );
  const hash = createHash("sha1").update(JSON.stringify({ url: reg.url, configs })).digest("hex");
  const defs = configs.map((c) => compileFunction(reg.appId, c));
  const { t } = ctx;
  const diff = await withTransaction(ctx.pool, async (tx) => {
    const app = await tx.query<{ config_hash: string }>(`SELECT config_hash FROM ${t.apps} WHERE app_id = $1 FOR UPDATE`, [reg.appId]);
    if (app.rows[0]?.config_hash === hash) return undefined;
    const before = await tx.query<{ fn_id: string; config: FunctionConfig }>(`SELECT fn_id, config FROM ${t.functions} WHERE app_id = $1`, [reg.appId]);
    await tx.query(
      `INSERT INTO ${t.apps} (app_id, url, sdk, framework, config_hash, synced_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (app_id) DO UPDATE SET url = EXCLUDED.url, sdk = EXCLUDED.sdk, framework = EXCLUDED.framework,
         config_hash = EXCLUDED.config_hash, synced_at = now()`,
      [reg.appId, reg.url, reg.sdk ?? null, reg.framework ?? null, hash],
    );
    for (const d of defs) {
      await tx.query(
        `INSERT INTO ${t.functions} (fn_id, app_id, name, config, config_error, updated_at) VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (fn_id) DO UPDATE SET app_id = EXCLUDED.app_id, name = EXCLUDED.name, config = EXCLUDED.config,
           config_error = EXCLUDED.config_error, updated_at = now()`,
        [d.id, reg.appId, d.name, json(d.config), d.error ?? null],
      );
    }
    const ids = defs.map((d) => d.id);
    const removed = before.rows.map((r) => r.fn_id).filter((id) => !ids.includes(id));
    await tx.query(`DELETE FROM ${t.functions} WHERE fn_id = ANY($1)`, [removed]);
    await tx.query(`DELETE FROM ${t.debounces} WHERE fn_id = ANY($1)`, [removed]);
    await syncCrons(ctx, tx, [...ids, ...removed], defs);
    const old = new Map(before.rows.map((r) => [r.fn_id, JSON.stringify(r.config)]));
    const changed = defs.filter((d) => old.has(d.id) && old.get(d.id) !== JSON.stringify(d.config)).map((d) => d.id);
    await reconsiderThrottles(ctx, tx, [...changed, ...removed]);
    return { first: app.rowCount === 0, added: ids.filter((id) => !old.has(id)), removed, changed };
  });
  if (!diff) return { modified: false, functions: defs.length };
  await loadRegistry(ctx);
  ctx.wake();
  if (diff.first) {
    ctx.log.info(`synced app ${reg.appId} at ${reg.url}: ${defs.length} function(s) ${defs.map((d) => d.id).join(", ")}`);
  } else {
    const parts = [...diff.added.map((id) => `+${id}`), ...diff.removed.map((id) => `-${id}`), ...diff.changed.map((id) => `~${id}`)];
    ctx.log.info(`re-synced app ${reg.appId}: ${defs.length} function(s)${parts.length ? ` (${parts.join(" ")})` : " (url changed)"}`);
  }
  for (const d of defs) {
    if (d.error) ctx.log.info(`function ${d.id} cannot run here: ${d.error}`);
    if (d.ignored.length) ctx.log.info(`function ${d.id}: ${d.ignored.join(", ")} not implemented locally, ignored`);
  }
  return { modified: true, functions: defs.length };
}

/** (Re)loads the in-memory registry from the functions table. */
export async function loadRegistry(ctx: ServerContext): Promise<FunctionDef[]> {
  const res = await ctx.db.query<{ fn_id: string; app_id: string; config: FunctionConfig }>(
    `SELECT fn_id, app_id, config FROM ${ctx.t.functions} ORDER BY fn_id`,
  );
  const defs = res.rows.map((r) => compileFunction(r.app_id, r.config));
  ctx.registry.replaceAll(defs);
  return defs;
}

interface InBandBody {
  app_id?: string;
  url?: string;
  functions?: unknown;
  sdk?: string;
  framework?: string;
}

/**
 * PUTs one app's serve() URL and stores what it reports. Never throws. In
 * production mode the PUT is signed (an SDK in cloud mode refuses an unsigned
 * in-band sync) and the answer must carry a valid signature.
 */
export async function syncApp(ctx: ServerContext, url: string): Promise<SyncResult> {
  try {
    const security = { signingKey: ctx.opts.signingKey };
    const request = canonicalJson({ url });
    const res = await ctx.http.request(url, {
      method: "PUT",
      headers: { ...requestHeaders(security, request), "x-inngest-sync-kind": "in_band" },
      body: request,
      timeoutMs: 15_000,
    });
    const problem = responseSignatureProblem(security, res);
    if (problem) return { url, ok: false, error: `PUT ${url}: ${problem}` };
    if (res.status < 200 || res.status >= 300) {
      return { url, ok: false, error: `PUT ${url} answered ${res.status}: ${res.body.slice(0, 300)}` };
    }
    if (res.headers["x-inngest-sync-kind"] !== "in_band") {
      // Out of band: the SDK has already POSTed its configs to /fn/register.
      return { url, ok: true, kind: "out_of_band" };
    }
    const body = JSON.parse(res.body) as InBandBody;
    const r = await registerApp(ctx, {
      appId: body.app_id ?? "",
      url: body.url ?? url,
      functions: body.functions,
      sdk: body.sdk,
      framework: body.framework,
    });
    return { url, ok: true, kind: "in_band", appId: body.app_id, functions: r.functions, modified: r.modified };
  } catch (err) {
    return { url, ok: false, error: (err as Error).message };
  }
}

/**
 * Syncs the configured apps at start, every `syncIntervalMs`, and on demand.
 * While an app is down it keeps trying and says so once, not on every attempt.
 */
export class SyncLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SyncResult[]> | undefined;
  private stopped = false;
  private lastError = new Map<string, string | undefined>();

  constructor(private readonly ctx: ServerContext) {}

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Syncs now; joins a sync already under way rather than running two at once. */
  syncNow(): Promise<SyncResult[]> {
    this.running ??= this.syncAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    await this.syncNow();
    if (this.stopped) return;
    const everyMs = this.ctx.opts.syncIntervalMs;
    // Until every app has answered once, retry quickly even if periodic sync is off.
    const pending = [...this.lastError.values()].some((e) => e !== undefined);
    const delay = everyMs > 0 ? everyMs : pending ? 1_000 : 0;
    if (delay > 0) this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async syncAll(): Promise<SyncResult[]> {
    const results = await Promise.all(this.ctx.opts.appUrls.map((u) => syncApp(this.ctx, u)));
    for (const r of results) {
      const before = this.lastError.get(r.url);
      if (!r.ok && r.error !== before) {
        if (before === undefined) this.ctx.log.info(`waiting for app at ${r.url} (${r.error}); will keep trying`);
      } else if (r.ok && before !== undefined) {
        this.ctx.log.info(`app at ${r.url} is reachable again`);
      }
      this.lastError.set(r.url, r.ok ? undefined : (before ?? r.error));
    }
    return results;
  }
}
