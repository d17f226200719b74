/**
 * `throttle: { limit, period, key?, burst? }`: limits how many runs *start*
 * per period, per key value; runs over the limit wait (never dropped) and
 * start first in, first out as capacity frees.
 *
 * Inngest implements it as GCRA, and so does this server: the period is cut
 * into windows of period / limit (the emission interval), one start per
 * window, and a fresh key admits limit + burst starts at once — the documented
 * example `{ limit: 2, period: "6s", burst: 1 }` starts three runs at once,
 * then one every 3 s. The state per key is one number, the theoretical
 * arrival time (TAT), kept in Postgres with the waiting runs, so a restart of
 * the server changes nothing.
 */
import type { ServerContext } from "./context";
import { withTransaction, type Tx } from "./db";
import { keyValue, type CompiledExpression } from "./expressions";
import type { FunctionDef } from "./registry";

export interface ThrottleRule {
  limit: number;
  periodMs: number;
  burst: number;
  key?: CompiledExpression;
}

export type Admission = { admit: true; tat: number } | { admit: false; at: number };

/**
 * One GCRA decision at `nowMs` for a key whose TAT is `tat` (null: never
 * used). A start is admitted while the TAT runs at most capacity − 1
 * intervals ahead of now; each start pushes it one interval on. Otherwise the
 * answer is when the next start will be admitted.
 */
export function gcra(rule: Pick<ThrottleRule, "limit" | "periodMs" | "burst">, tat: number | null, nowMs: number): Admission {
  const interval = rule.periodMs / rule.limit;
  const tolerance = (rule.limit + rule.burst - 1) * interval;
  const base = Math.max(tat ?? nowMs, nowMs);
  const allowedAt = base - tolerance;
  if (nowMs >= allowedAt) return { admit: true, tat: base + interval };
  return { admit: false, at: Math.ceil(allowedAt) };
}

/** The state key: per function, and per key value when the rule has a key. */
export function throttleKeyFor(fn: Pick<FunctionDef, "id">, rule: ThrottleRule, event: unknown): string {
  return rule.key ? `fn:${fn.id}:${keyValue(rule.key, { event })}` : `fn:${fn.id}`;
}

interface ThrottleRow {
  key: string;
  fn_id: string;
  tat: number | null;
  next_at: Date | null;
  now_ms: number;
}

/**
 * At run creation: takes a start for the new run now if none of its key is
 * waiting (first in, first out) and the throttle has room. Otherwise the run
 * is left to wait and the key's next admission time is recorded. Locks the
 * key's row for the rest of the transaction, which serialises decisions.
 */
export async function admitOnCreate(ctx: ServerContext, tx: Tx, fnId: string, rule: ThrottleRule, key: string): Promise<boolean> {
  const { t } = ctx;
  const res = await tx.query<ThrottleRow>(
    `INSERT INTO ${t.throttles} (key, fn_id) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET fn_id = EXCLUDED.fn_id
     RETURNING key, fn_id, tat, next_at, EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS now_ms`,
    [key, fnId],
  );
  const row = res.rows[0];
  if (!row) throw new Error(`throttle state for ${key} could not be read`);
  if (row.next_at !== null) return false;
  const decision = gcra(rule, row.tat === null ? null : Number(row.tat), Number(row.now_ms));
  if (decision.admit) {
    await tx.query(`UPDATE ${t.throttles} SET tat = $2 WHERE key = $1`, [key, decision.tat]);
    return true;
  }
  await tx.query(`UPDATE ${t.throttles} SET next_at = to_timestamp($2::float8 / 1000) WHERE key = $1`, [key, decision.at]);
  tx.afterCommit(ctx.wake);
  return false;
}

/**
 * Worker tick: for every key whose next admission time has come, starts as
 * many of its waiting runs as the throttle admits, oldest first, and records
 * when the next may start. A function whose throttle was removed (or that is
 * no longer registered) releases all its waiting runs.
 */
export async function admitWaiting(ctx: ServerContext): Promise<number> {
  const { t } = ctx;
  return withTransaction(ctx.pool, async (tx) => {
    const due = await tx.query<ThrottleRow>(
      `SELECT key, fn_id, tat, next_at, EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS now_ms
       FROM ${t.throttles} WHERE next_at <= now()
       ORDER BY next_at LIMIT 100 FOR UPDATE SKIP LOCKED`,
    );
    let admitted = 0;
    for (const row of due.rows) {
      const rule = ctx.registry.get(row.fn_id)?.throttle;
      const capacity = rule ? rule.limit + rule.burst : 1000;
      const waiting = await tx.query<{ id: string }>(
        `SELECT id FROM ${t.queue} WHERE throttle_key = $1 ORDER BY id LIMIT $2`,
        [row.key, capacity + 1],
      );
      let tat = row.tat === null ? null : Number(row.tat);
      const now = Number(row.now_ms);
      const ids: string[] = [];
      let nextAt: number | null = null;
      for (const w of waiting.rows) {
        if (!rule) {
          ids.push(w.id);
          continue;
        }
        const decision = gcra(rule, tat, now);
        if (!decision.admit) {
          nextAt = decision.at;
          break;
        }
        tat = decision.tat;
        ids.push(w.id);
      }
      // Without a rule the batch is capped, so more may wait: look again at once.
      if (!rule && waiting.rows.length > capacity) nextAt = now;
      if (ids.length > 0) {
        await tx.query(`UPDATE ${t.queue} SET throttle_key = NULL, run_at = now() WHERE id = ANY($1)`, [ids]);
      }
      await tx.query(
        `UPDATE ${t.throttles} SET tat = $2, next_at = CASE WHEN $3::float8 IS NULL THEN NULL ELSE to_timestamp($3::float8 / 1000) END WHERE key = $1`,
        [row.key, tat, nextAt],
      );
      admitted += ids.length;
    }
    // A TAT in the past means exactly what no row means: drop those rows.
    await tx.query(
      `DELETE FROM ${t.throttles} WHERE key IN (
         SELECT key FROM ${t.throttles}
         WHERE next_at IS NULL AND (tat IS NULL OR tat < EXTRACT(EPOCH FROM now()) * 1000)
         FOR UPDATE SKIP LOCKED)`,
    );
    if (admitted > 0) tx.afterCommit(ctx.wake);
    return admitted;
  });
}

/**
 * After a re-sync changed or removed functions: their waiting runs are
 * re-decided under the new config at the worker's next look (the caller wakes
 * it once the registry holds the new config).
 */
export async function reconsiderThrottles(ctx: ServerContext, tx: Tx, fnIds: string[]): Promise<void> {
  if (fnIds.length === 0) return;
  await tx.query(`UPDATE ${ctx.t.throttles} SET next_at = now() WHERE fn_id = ANY($1) AND next_at IS NOT NULL`, [fnIds]);
}
