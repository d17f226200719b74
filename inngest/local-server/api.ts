/**
 * The JSON API behind the runs page, served on the UI port under /api/… and
 * on the main port under /v0/…:
 *   GET  runs[?status=&function=&event=&limit=]   newest first
 *   GET  runs/:id                                   run, event, steps, pending work, output
 *   GET  functions                                  synced functions
 *   GET  events[?name=&limit=]                      newest first, with the runs each started
 *   POST sync                                       re-sync the apps now
 */
import type { ServerContext } from "./context";
import { getRun, listEvents, listFunctions, listRuns } from "./queries";
import type { SyncResult } from "./sync";

export interface ApiDeps {
  ctx: ServerContext;
  syncNow(): Promise<SyncResult[]>;
}

export async function handleApi(deps: ApiDeps, method: string, path: string, query: URLSearchParams): Promise<{ status: number; body: unknown } | undefined> {
  const { ctx } = deps;
  const limit = query.get("limit") ? Number(query.get("limit")) : undefined;
  if (method === "GET" && path === "runs") {
    const runs = await listRuns(ctx, {
      limit,
      status: query.get("status") ?? undefined,
      functionId: query.get("function") ?? undefined,
      eventId: query.get("event") ?? undefined,
    });
    return { status: 200, body: { runs } };
  }
  const runMatch = /^runs\/([^/]+)$/.exec(path);
  if (method === "GET" && runMatch) {
    const run = await getRun(ctx, decodeURIComponent(runMatch[1] ?? ""));
    return run ? { status: 200, body: run } : { status: 404, body: { error: "run not found" } };
  }
  if (method === "GET" && path === "functions") return { status: 200, body: { functions: await listFunctions(ctx) } };
  if (method === "GET" && path === "events") {
    return { status: 200, body: { events: await listEvents(ctx, { limit, name: query.get("name") ?? undefined }) } };
  }
  if (method === "POST" && path === "sync") {
    const results = await deps.syncNow();
    return { status: results.every((r) => r.ok) ? 200 : 502, body: { results } };
  }
  return undefined;
}
