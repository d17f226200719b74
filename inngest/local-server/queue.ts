/**
 * Leasing queue items. An item is due when run_at has passed and it is not
 * leased (or its lease expired: the worker that held it died) and not
 * waiting for its throttle. A lease is granted only while the number of live
 * leases sharing one of the item's concurrency keys is below that key's limit.
 */
import type { ServerContext } from "./context";
import { withTransaction, type Tables } from "./db";
import { newId } from "./ids";
import type { Memo } from "./protocol";
import type { RunRow } from "./runs";

export interface QueueItem {
  id: string;
  run_id: string;
  kind: "call" | "sleep" | "wait";
  step_id: string;
  attempt: number;
  transport_failures: number;
  lease_id: string;
}

/** A leased item with what a call needs, so the worker needs no further reads. */
export interface LeasedItem extends QueueItem {
  run: RunRow;
  memos: Array<{ hashedId: string; memo: Memo }>;
}

interface Candidate {
  id: string;
  ck1: string | null;
  cl1: number | null;
  ck2: string | null;
  cl2: number | null;
  n1: string;
  n2: string;
}

/**
 * What a leased item's call needs, read in the statement that leases it: the
 * run row and its memos in completion order.
 */
export function runStateColumns(t: Tables, queueAlias: string): string {
  return `(SELECT row_to_json(r) FROM ${t.runs} r WHERE r.id = ${queueAlias}.run_id) AS run,
          (SELECT COALESCE(json_agg(json_build_object('hashedId', m.hashed_id, 'memo', m.memo) ORDER BY m.seq), '[]'::json)
             FROM ${t.memos} m WHERE m.run_id = ${queueAlias}.run_id) AS memos`;
}

/** Leases up to `max` due items, oldest first, honouring concurrency limits. */
export async function leaseDue(ctx: ServerContext, max: number): Promise<LeasedItem[]> {
  if (max <= 0) return [];
  const { t } = ctx;
  const leaseId = newId();
  return withTransaction(ctx.pool, async (tx) => {
    // The advisory lock serialises lease decisions between servers sharing a
    // schema, so two of them cannot both take the last slot of a key. Items
    // whose key is already at its limit are filtered out here, so a backlog
    // on one key never hides due work on another.
    // The keys' live leases are counted once per lease, not once per candidate: with a backlog
    // on one key (an import of thousands of turns of one user) a count per candidate scanned the
    // whole queue for every waiting item, on every lease.
    const cands = await tx.query<Candidate>(
      `WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext($2))),
       live AS MATERIALIZED (
         SELECT k, count(DISTINCT id) AS n FROM (
           SELECT id, ck1 AS k FROM ${t.queue} WHERE leased_until >= now() AND ck1 IS NOT NULL
           UNION ALL
           SELECT id, ck2 FROM ${t.queue} WHERE leased_until >= now() AND ck2 IS NOT NULL
         ) leased, l GROUP BY k)
       SELECT q.id, q.ck1, q.cl1, q.ck2, q.cl2, coalesce(c1.n, 0) AS n1, coalesce(c2.n, 0) AS n2
       FROM l, ${t.queue} q
       LEFT JOIN live c1 ON c1.k = q.ck1
       LEFT JOIN live c2 ON c2.k = q.ck2
       WHERE q.run_at <= now() AND (q.leased_until IS NULL OR q.leased_until < now())
         AND q.throttle_key IS NULL
         AND (q.ck1 IS NULL OR coalesce(c1.n, 0) < q.cl1)
         AND (q.ck2 IS NULL OR coalesce(c2.n, 0) < q.cl2)
       ORDER BY q.run_at, q.id
       LIMIT $1
       FOR UPDATE OF q SKIP LOCKED`,
      [max * 4, `inngest_local_lease:${t.schema}`],
    );
    // Admit in order, counting what this batch itself takes.
    const taken = new Map<string, number>();
    const inUse = (key: string, live: string) => Number(live) + (taken.get(key) ?? 0);
    const ids: string[] = [];
    for (const c of cands.rows) {
      if (ids.length >= max) break;
      if (c.ck1 !== null && inUse(c.ck1, c.n1) >= (c.cl1 ?? Infinity)) continue;
      if (c.ck2 !== null && inUse(c.ck2, c.n2) >= (c.cl2 ?? Infinity)) continue;
      if (c.ck1 !== null) taken.set(c.ck1, (taken.get(c.ck1) ?? 0) + 1);
      if (c.ck2 !== null) taken.set(c.ck2, (taken.get(c.ck2) ?? 0) + 1);
      ids.push(c.id);
    }
    if (ids.length === 0) return [];
    const items = await tx.query<QueueItem & { run: RunRow; memos: LeasedItem["memos"]; started: boolean }>(
      `WITH u AS (
         UPDATE ${t.queue} SET leased_until = now() + $2::float8 * interval '1 millisecond', lease_id = $3
         WHERE id = ANY($1)
         RETURNING id, run_id, kind, step_id, attempt, transport_failures, lease_id),
       s AS (
         UPDATE ${t.runs} SET status = 'running', started_at = now()
         WHERE id IN (SELECT run_id FROM u) AND status = 'queued' RETURNING id)
       SELECT u.*, u.run_id IN (SELECT id FROM s) AS started, ${runStateColumns(t, "u")}
       FROM u ORDER BY u.id`,
      [ids, ctx.opts.leaseTimeoutMs, leaseId],
    );
    const out: LeasedItem[] = [];
    const logged = new Set<string>();
    for (const row of items.rows) {
      const { started, ...item } = row;
      if (started && !logged.has(item.run_id)) {
        logged.add(item.run_id);
        tx.afterCommit(() => ctx.log.run(`run ${item.run_id} ${item.run.fn_id}: queued → running`));
      }
      // The snapshot above predates the status update.
      out.push({ ...item, run: { ...item.run, status: "running" } });
    }
    return out;
  });
}

/** Keeps the leases of calls still in flight alive. */
export async function renewLeases(ctx: ServerContext, leaseIds: string[]): Promise<void> {
  if (leaseIds.length === 0) return;
  const { t } = ctx;
  // SKIP LOCKED: an item being applied right now needs no renewal, and waiting
  // for its row could deadlock with the transaction applying it.
  await ctx.db.query(
    `UPDATE ${t.queue} SET leased_until = now() + $2::float8 * interval '1 millisecond'
     WHERE id IN (SELECT id FROM ${t.queue} WHERE lease_id = ANY($1) FOR UPDATE SKIP LOCKED)`,
    [leaseIds, ctx.opts.leaseTimeoutMs],
  );
}

/** Gives leases back (shutdown): the next server takes the items at once instead of after the timeout. */
export async function releaseLeases(ctx: ServerContext, leaseIds: string[]): Promise<void> {
  if (leaseIds.length === 0) return;
  await ctx.db.query(`UPDATE ${ctx.t.queue} SET leased_until = NULL, lease_id = NULL WHERE lease_id = ANY($1)`, [leaseIds]);
}

export interface NextDue {
  /** ms until the next unleased item is due (≤ 0: due now, perhaps blocked by concurrency). */
  queueMs: number | null;
  /** ms until a lease held by someone else expires. */
  foreignLeaseMs: number | null;
  debounceMs: number | null;
  cronMs: number | null;
  /** ms until a throttle admits its next waiting run. */
  throttleMs: number | null;
}

export async function nextDue(ctx: ServerContext, ownLeaseIds: string[]): Promise<NextDue> {
  const { t } = ctx;
  const ms = (col: string) => `EXTRACT(EPOCH FROM (${col} - now())) * 1000`;
  const res = await ctx.db.query<Record<keyof NextDue, string | null>>(
    `SELECT
       (SELECT ${ms("min(run_at)")} FROM ${t.queue} WHERE leased_until IS NULL AND throttle_key IS NULL) AS "queueMs",
       (SELECT ${ms("min(leased_until)")} FROM ${t.queue}
          WHERE leased_until IS NOT NULL AND NOT (lease_id = ANY($1))) AS "foreignLeaseMs",
       (SELECT ${ms("min(run_at)")} FROM ${t.debounces}) AS "debounceMs",
       (SELECT ${ms("min(next_at)")} FROM ${t.crons}) AS "cronMs",
       (SELECT ${ms("min(next_at)")} FROM ${t.throttles}) AS "throttleMs"`,
    [ownLeaseIds],
  );
  const row = res.rows[0];
  const num = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return {
    queueMs: num(row?.queueMs),
    foreignLeaseMs: num(row?.foreignLeaseMs),
    debounceMs: num(row?.debounceMs),
    cronMs: num(row?.cronMs),
    throttleMs: num(row?.throttleMs),
  };
}
