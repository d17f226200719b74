/**
 * What the dashboard and the JSON API can do to runs and events, each a real
 * server operation: rerun a run from its event, cancel a run, send events.
 */
import type { ServerContext } from "./context";
import { withTransaction } from "./db";
import { cancelActiveRun, ingestEvents, type IncomingEvent } from "./events";
import { createRun, lockRun, type RunRow } from "./runs";

export type RerunResult = { ok: true; runId: string } | { ok: false; code: "not_found" | "not_runnable"; message: string };

/**
 * A new run of the same function with the same event payload, linked to the
 * old one — what the Inngest dashboard's "Rerun" does. Concurrency and
 * throttle apply as to any run; debounce and the idempotency key do not,
 * since a rerun is asked for on purpose.
 */
export async function rerunRun(ctx: ServerContext, runId: string): Promise<RerunResult> {
  return withTransaction(ctx.pool, async (tx) => {
    const res = await tx.query<RunRow>(`SELECT * FROM ${ctx.t.runs} WHERE id = $1`, [runId]);
    const run = res.rows[0];
    if (!run) return { ok: false, code: "not_found", message: "run not found" };
    const fn = ctx.registry.get(run.fn_id);
    if (!fn || fn.error) {
      return { ok: false, code: "not_runnable", message: fn ? `function ${run.fn_id} cannot run here: ${fn.error}` : `function ${run.fn_id} is no longer registered` };
    }
    const newId = await createRun(ctx, tx, fn, run.event, run.event_id, { skipDebounce: true, skipIdempotency: true, rerunOf: run.id });
    if (!newId) return { ok: false, code: "not_runnable", message: "the run could not be started" };
    tx.afterCommit(() => ctx.log.run(`run ${newId} ${fn.id}: rerun of ${run.id}`));
    return { ok: true, runId: newId };
  });
}

export type CancelResult = { ok: true } | { ok: false; code: "not_found" | "ended"; message: string };

export async function cancelRun(ctx: ServerContext, runId: string, reason: string): Promise<CancelResult> {
  return withTransaction(ctx.pool, async (tx) => {
    const run = await lockRun(tx, ctx, runId);
    if (!run) return { ok: false, code: "not_found", message: "run not found" };
    if (!(await cancelActiveRun(ctx, tx, run, reason))) return { ok: false, code: "ended", message: `run already ${run.status}` };
    return { ok: true };
  });
}

/** Stores and routes events exactly as the event API does; returns their ids. */
export function sendEvents(ctx: ServerContext, events: IncomingEvent[]): Promise<string[]> {
  return withTransaction(ctx.pool, (tx) => ingestEvents(ctx, tx, events));
}
