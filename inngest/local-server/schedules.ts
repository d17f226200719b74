/**
 * Time-driven run starts: cron triggers and debounced runs whose quiet period
 * has passed. The worker calls these when their next due time arrives.
 */
import type { ServerContext } from "./context";
import { withTransaction, type Tx } from "./db";
import { emitEventFor } from "./events";
import { nextCronTime } from "./cron";
import type { FunctionDef } from "./registry";
import { createRun, type EventPayload } from "./runs";

const CRON_EVENT = "inngest/scheduled.timer";

/** Starts the runs of every cron tick that is due, and schedules the next tick. */
export async function fireDueCrons(ctx: ServerContext): Promise<void> {
  await withTransaction(ctx.pool, async (tx) => {
    const due = await tx.query<{ fn_id: string; cron: string; next_at: Date }>(
      `SELECT fn_id, cron, next_at FROM ${ctx.t.crons} WHERE next_at <= now() ORDER BY next_at FOR UPDATE SKIP LOCKED`,
    );
    for (const c of due.rows) {
      // Ticks missed while the server was down are not replayed: one run, then
      // the next tick after now.
      const next = nextCronTime(c.cron, new Date(Math.max(Date.now(), c.next_at.getTime())));
      await tx.query(`UPDATE ${ctx.t.crons} SET next_at = $3 WHERE fn_id = $1 AND cron = $2`, [c.fn_id, c.cron, next]);
      const fn = ctx.registry.get(c.fn_id);
      if (fn && !fn.error) await emitEventFor(ctx, tx, fn, CRON_EVENT, { cron: c.cron });
    }
  });
}

/** Starts each debounced run whose period (or timeout) has passed, with the latest event. */
export async function flushDueDebounces(ctx: ServerContext): Promise<void> {
  await withTransaction(ctx.pool, async (tx) => {
    const due = await tx.query<{ fn_id: string; event_id: string; event: EventPayload }>(
      `DELETE FROM ${ctx.t.debounces}
       WHERE (fn_id, key) IN (SELECT fn_id, key FROM ${ctx.t.debounces} WHERE run_at <= now() FOR UPDATE SKIP LOCKED)
       RETURNING fn_id, event_id, event`,
    );
    for (const d of due.rows) {
      const fn = ctx.registry.get(d.fn_id);
      if (fn && !fn.error) await createRun(ctx, tx, fn, d.event, d.event_id, { skipDebounce: true });
    }
  });
}

/**
 * Brings the crons table in line with the synced functions: new schedules
 * start from now, unchanged ones keep their next tick, removed ones go.
 */
export async function syncCrons(ctx: ServerContext, tx: Tx, affectedFnIds: string[], defs: FunctionDef[]): Promise<void> {
  const { t } = ctx;
  const wanted: Array<{ fnId: string; cron: string }> = [];
  for (const d of defs) {
    if (d.error) continue;
    for (const tr of d.triggers) if (tr.cron) wanted.push({ fnId: d.id, cron: tr.cron });
  }
  await tx.query(
    `DELETE FROM ${t.crons} WHERE fn_id = ANY($1) AND NOT ((fn_id || ' ' || cron) = ANY($2))`,
    [affectedFnIds, wanted.map((w) => `${w.fnId} ${w.cron}`)],
  );
  for (const w of wanted) {
    await tx.query(
      `INSERT INTO ${t.crons} (fn_id, cron, next_at) VALUES ($1, $2, $3) ON CONFLICT (fn_id, cron) DO NOTHING`,
      [w.fnId, w.cron, nextCronTime(w.cron, new Date())],
    );
  }
  if (wanted.length > 0) tx.afterCommit(ctx.wake);
}
