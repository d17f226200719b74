/**
 * The JSON API on the main port under /v0/ (the dashboard's data, and its
 * actions for scripts and the app). Errors are `{ status, error }`.
 *
 *   GET  runs[?q=&status=&function=&event=&cron=0|1&limit=&before=]  newest first
 *   GET  runs/:id                       run, event, steps, pending work, output, reruns
 *   POST runs/:id/rerun                 201 { id, rerunOf }: a new run from the same event
 *   POST runs/:id/cancel                200 { id, status: "cancelled" }; 409 if it had ended
 *   GET  functions                      synced functions
 *   GET  events[?q=&name=&limit=&before=]  newest first, with the runs each started
 *   POST events                         one event or an array, as the event API: { ids, status }
 *   POST sync                           re-sync the apps now
 *   POST purge                          { eventData: { key: value, … } } → { events, runs }
 */
import type { ServerContext } from "./context";
import { cancelRun, rerunRun, sendEvents } from "./actions";
import { parseEventBody } from "./events";
import { purgeByEventData, purgeRequestSchema } from "./purge";
import { getRun, listEvents, listFunctions, listRuns } from "./queries";
import type { SyncResult } from "./sync";

export interface ApiDeps {
  ctx: ServerContext;
  syncNow(): Promise<SyncResult[]>;
}

export interface ApiRequest {
  method: string;
  /** The path after /v0/. */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body (undefined when empty). */
  body(): Promise<unknown>;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

const fail = (status: number, error: string): ApiAnswer => ({ status, body: { status, error } });

function numberParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const text = (query: URLSearchParams, name: string) => query.get(name) || undefined;

/** Answers an API request, or undefined for a path the API does not have. */
export async function handleApi(deps: ApiDeps, req: ApiRequest): Promise<ApiAnswer | undefined> {
  const { ctx } = deps;
  const { method, path, query } = req;
  if (method === "GET" && path === "runs") {
    const runs = await listRuns(ctx, {
      limit: numberParam(query, "limit"),
      status: text(query, "status"),
      functionId: text(query, "function"),
      eventId: text(query, "event"),
      q: text(query, "q"),
      includeCron: query.get("cron") !== "0",
      before: text(query, "before"),
    });
    return { status: 200, body: { runs } };
  }
  const runAction = /^runs\/([^/]+)(?:\/(rerun|cancel))?$/.exec(path);
  if (runAction) {
    const id = decodeURIComponent(runAction[1] ?? "");
    const action = runAction[2];
    if (method === "GET" && !action) {
      const run = await getRun(ctx, id);
      return run ? { status: 200, body: run } : fail(404, "run not found");
    }
    if (method === "POST" && action === "rerun") {
      const r = await rerunRun(ctx, id);
      if (r.ok) return { status: 201, body: { id: r.runId, rerunOf: id } };
      return fail(r.code === "not_found" ? 404 : 409, r.message);
    }
    if (method === "POST" && action === "cancel") {
      const r = await cancelRun(ctx, id, "cancelled through the API");
      if (r.ok) return { status: 200, body: { id, status: "cancelled" } };
      return fail(r.code === "not_found" ? 404 : 409, r.message);
    }
  }
  if (method === "GET" && path === "functions") return { status: 200, body: { functions: await listFunctions(ctx) } };
  if (method === "GET" && path === "events") {
    const events = await listEvents(ctx, { limit: numberParam(query, "limit"), name: text(query, "name"), q: text(query, "q"), before: text(query, "before") });
    return { status: 200, body: { events } };
  }
  if (method === "POST" && path === "events") {
    const parsed = parseEventBody(await req.body());
    if ("error" in parsed) return fail(400, parsed.error);
    return { status: 200, body: { ids: await sendEvents(ctx, parsed.events), status: 200 } };
  }
  if (method === "POST" && path === "sync") {
    const results = await deps.syncNow();
    return { status: results.every((r) => r.ok) ? 200 : 502, body: { results } };
  }
  if (method === "POST" && path === "purge") {
    const parsed = purgeRequestSchema.safeParse(await req.body());
    if (!parsed.success) return fail(400, `purge needs { eventData: { key: string | number | boolean, … } }: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    return { status: 200, body: await purgeByEventData(ctx, parsed.data) };
  }
  return undefined;
}
