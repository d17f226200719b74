/**
 * Run lifecycle and run state: creating a run (with debounce, idempotency and
 * concurrency keys), memoizing step results, scheduling the next call, and
 * finishing a run. Every function here runs inside the caller's transaction.
 */
import type { ServerContext } from "./context";
import { json, retryOnDeadlock, type Sql, type Tx } from "./db";
import { keyValue } from "./expressions";
import { newId } from "./ids";
import type { FunctionDef } from "./registry";
import type { Memo, SerializedError } from "./protocol";
import { admitOnCreate, throttleKeyFor } from "./throttle";

/** An event as functions receive it (`ctx.event`). */
export interface EventPayload {
  name: string;
  data: unknown;
  id: string;
  ts: number;
  v?: string;
  [k: string]: unknown;
}

export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

export interface RunRow {
  id: string;
  fn_id: string;
  fn_name: string;
  event_id: string;
  event: EventPayload;
  status: RunStatus;
  max_attempts: number;
  req_version: number;
  disable_immediate: boolean;
  ck1: string | null;
  cl1: number | null;
  ck2: string | null;
  cl2: number | null;
}

export const ACTIVE: readonly RunStatus[] = ["queued", "running"];

/** Concurrency keys as stored on runs and queue items: scope, function (for fn scope) and key value. */
export function concurrencyKeys(fn: FunctionDef, event: EventPayload): Array<{ key: string; limit: number }> {
  return fn.concurrency.map((rule) => {
    const value = rule.key ? keyValue(rule.key, { event }) : "";
    const key = rule.scope === "fn" ? `fn:${fn.id}${rule.key ? `:${value}` : ""}` : `${rule.scope}:${value}`;
    return { key, limit: rule.limit };
  });
}

export interface CreateRunOptions {
  /** The debounce period is over (or does not apply): start now. */
  skipDebounce?: boolean;
  /** A deliberate rerun: the idempotency key must not suppress it. */
  skipIdempotency?: boolean;
  /** The run this one repeats (dashboard "Rerun"). */
  rerunOf?: string;
}

/**
 * Starts a run of `fn` for `event`, or defers it (debounce), or skips it
 * (idempotency key seen in the last 24 h). A throttled run beyond the
 * throttle's capacity is created queued and waits for its turn. Returns the
 * run id if one was made.
 */
export async function createRun(ctx: ServerContext, tx: Tx, fn: FunctionDef, event: EventPayload, eventId: string, opts: CreateRunOptions = {}): Promise<string | undefined> {
  const { t } = ctx;
  if (fn.debounce && !opts.skipDebounce) {
    const key = fn.debounce.key ? keyValue(fn.debounce.key, { event }) : "";
    // The latest event replaces the pending one and pushes the start back by
    // `period`, but never past first event + `timeout`.
    await tx.query(
      `INSERT INTO ${t.debounces} (fn_id, key, event_id, event, first_at, run_at)
       VALUES ($1, $2, $3, $4, now(), now() + $5::float8 * interval '1 millisecond')
       ON CONFLICT (fn_id, key) DO UPDATE SET
         event_id = EXCLUDED.event_id,
         event = EXCLUDED.event,
         run_at = CASE WHEN $6::float8 IS NULL THEN EXCLUDED.run_at
                       ELSE LEAST(EXCLUDED.run_at, ${t.debounces}.first_at + $6::float8 * interval '1 millisecond') END`,
      [fn.id, key, eventId, json(event), fn.debounce.periodMs, fn.debounce.timeoutMs ?? null],
    );
    tx.afterCommit(ctx.wake);
    return undefined;
  }

  const runId = newId();
  if (fn.idempotency && !opts.skipIdempotency) {
    const key = keyValue(fn.idempotency, { event });
    if (key !== "") {
      const claimed = await tx.query(
        `INSERT INTO ${t.idempotencyKeys} (fn_id, key, run_id, expires_at)
         VALUES ($1, $2, $3, now() + interval '24 hours')
         ON CONFLICT (fn_id, key) DO UPDATE SET run_id = EXCLUDED.run_id, expires_at = EXCLUDED.expires_at
           WHERE ${t.idempotencyKeys}.expires_at < now()
         RETURNING run_id`,
        [fn.id, key, runId],
      );
      if (claimed.rowCount === 0) {
        tx.afterCommit(() => ctx.log.run(`${fn.id}: skipped event ${eventId} (idempotency key ${JSON.stringify(key)} already used)`));
        return undefined;
      }
    }
  }

  const [c1, c2] = concurrencyKeys(fn, event);
  const throttleKey = fn.throttle ? throttleKeyFor(fn, fn.throttle, event) : null;
  const waits = fn.throttle && throttleKey !== null ? !(await admitOnCreate(ctx, tx, fn.id, fn.throttle, throttleKey)) : false;
  // Runs without a concurrency key may start at once in this worker; runs
  // with one wait for the dispatcher, which enforces the limits.
  const direct = !waits && !c1 && !c2 && ctx.direct.reserve();
  if (direct) tx.onRollback(() => ctx.direct.release());
  const itemId = newId();
  const leaseId = direct ? newId() : null;
  // Run and its first call (discovery) in one statement. A throttled run's
  // call carries its throttle key until the throttle admits it.
  await tx.query(
    `WITH r AS (
       INSERT INTO ${t.runs} (id, fn_id, fn_name, event_id, event, status, started_at, max_attempts, ck1, cl1, ck2, cl2, throttle_key, rerun_of)
       VALUES ($1, $2, $3, $4, $5, CASE WHEN $12::text IS NULL THEN 'queued' ELSE 'running' END,
               CASE WHEN $12::text IS NULL THEN NULL ELSE now() END, $6, $7, $8, $9, $10, $14, $16)
       RETURNING id, ck1, cl1, ck2, cl2)
     INSERT INTO ${t.queue} (id, run_id, kind, step_id, ck1, cl1, ck2, cl2, lease_id, leased_until, throttle_key)
     SELECT $11, id, 'call', 'step', ck1, cl1, ck2, cl2, $12,
            CASE WHEN $12::text IS NULL THEN NULL ELSE now() + $13::float8 * interval '1 millisecond' END,
            CASE WHEN $15::boolean THEN $14 END
     FROM r`,
    [
      runId, fn.id, fn.name, eventId, json(event), fn.maxAttempts, c1?.key ?? null, c1?.limit ?? null, c2?.key ?? null, c2?.limit ?? null,
      itemId, leaseId, ctx.opts.leaseTimeoutMs, throttleKey, waits, opts.rerunOf ?? null,
    ],
  );
  tx.afterCommit(() => {
    ctx.log.run(`run ${runId} ${fn.id}: queued (event ${event.name}${waits ? `; waits for throttle ${throttleKey}` : ""})`);
    if (!leaseId) {
      ctx.wake();
      return;
    }
    ctx.log.run(`run ${runId} ${fn.id}: queued → running`);
    ctx.direct.start({
      id: itemId,
      run_id: runId,
      kind: "call",
      step_id: "step",
      attempt: 0,
      transport_failures: 0,
      lease_id: leaseId,
      memos: [],
      run: {
        id: runId,
        fn_id: fn.id,
        fn_name: fn.name,
        event_id: eventId,
        event,
        status: "running",
        max_attempts: fn.maxAttempts,
        req_version: -1,
        disable_immediate: false,
        ck1: null,
        cl1: null,
        ck2: null,
        cl2: null,
      },
    });
  });
  return runId;
}

export async function lockRun(tx: Tx, ctx: ServerContext, runId: string): Promise<RunRow | undefined> {
  const res = await tx.query<RunRow>(`SELECT * FROM ${ctx.t.runs} WHERE id = $1 FOR UPDATE`, [runId]);
  return res.rows[0];
}

export interface StepRecord {
  hashedId: string;
  name: string;
  op: string;
  status: "planned" | "retrying" | "sleeping" | "waiting" | "completed" | "failed";
  attempts: number;
  error?: unknown;
  /** When the call that produced this record started (ms since epoch). */
  startedAt?: number;
}

/**
 * Keeps one attempt of a step that needed more than one, or failed, for the
 * run page (`attempt` 1-based; no error: it succeeded). A duplicate delivery
 * of the same answer adds nothing.
 */
export async function recordAttempt(
  ctx: ServerContext,
  db: Tx | Sql,
  runId: string,
  a: { hashedId: string; attempt: number; startedAt: number; error?: unknown; endedWithStep?: boolean },
): Promise<void> {
  // endedWithStep: written after the statement that ended the step, so take its end rather than a later now().
  const ended = a.endedWithStep ? `COALESCE((SELECT ended_at FROM ${ctx.t.steps} WHERE run_id = $1 AND hashed_id = $2), now())` : "now()";
  await db.query(
    `INSERT INTO ${ctx.t.stepAttempts} (run_id, hashed_id, attempt, started_at, ended_at, error)
     SELECT $1, $2, $3, $4, ${ended}, $5 WHERE EXISTS (SELECT 1 FROM ${ctx.t.runs} WHERE id = $1)
     ON CONFLICT (run_id, hashed_id, attempt) DO NOTHING`,
    [runId, a.hashedId, a.attempt, new Date(a.startedAt).toISOString(), a.error === undefined ? null : json(a.error)],
  );
}

/** Upserts a step's history row; with `memo`, also memoizes its result (first write wins). */
export async function recordStep(ctx: ServerContext, tx: Tx, runId: string, s: StepRecord, memo?: Memo): Promise<void> {
  const { t } = ctx;
  const failedOrRetried = s.status === "retrying" || s.status === "failed" || (s.status === "completed" && s.attempts > 1);
  if (failedOrRetried && s.startedAt !== undefined) {
    await recordAttempt(ctx, tx, runId, { hashedId: s.hashedId, attempt: s.attempts, startedAt: s.startedAt, error: s.status === "completed" ? undefined : (s.error ?? { message: "failed" }) });
  }
  const finished = s.status === "completed" || s.status === "failed";
  const params = [
    runId,
    s.hashedId,
    s.name,
    s.op,
    s.status,
    s.attempts,
    s.error === undefined ? null : json(s.error),
    s.startedAt === undefined ? null : new Date(s.startedAt).toISOString(),
    finished,
  ];
  const upsertStep = `
     INSERT INTO ${t.steps} (run_id, hashed_id, name, op, status, attempts, error, started_at, ended_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8::timestamptz, now()), CASE WHEN $9::boolean THEN now() END)
     ON CONFLICT (run_id, hashed_id) DO UPDATE SET
       name = EXCLUDED.name,
       op = CASE WHEN EXCLUDED.op = 'StepPlanned' THEN ${t.steps}.op ELSE EXCLUDED.op END,
       status = EXCLUDED.status,
       attempts = GREATEST(${t.steps}.attempts, EXCLUDED.attempts),
       error = COALESCE(EXCLUDED.error, ${t.steps}.error),
       started_at = CASE WHEN ${t.steps}.status = 'planned' THEN EXCLUDED.started_at ELSE ${t.steps}.started_at END,
       ended_at = EXCLUDED.ended_at`;
  if (memo === undefined) {
    await tx.query(upsertStep, params);
    return;
  }
  // The memo is the durable state: INSERT … ON CONFLICT DO NOTHING makes a
  // duplicate delivery of the same result harmless.
  await tx.query(
    `WITH m AS (
       INSERT INTO ${t.memos} (run_id, hashed_id, memo) VALUES ($1, $2, $10)
       ON CONFLICT (run_id, hashed_id) DO NOTHING)
     ${upsertStep}`,
    [...params, json(memo)],
  );
}

/** Planned step rows are only created, never downgraded (a discovery may re-report a pending step). */
export async function recordPlannedStep(ctx: ServerContext, tx: Tx, runId: string, s: Omit<StepRecord, "attempts" | "status"> & { status: StepRecord["status"] }): Promise<void> {
  await tx.query(
    `INSERT INTO ${ctx.t.steps} (run_id, hashed_id, name, op, status) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (run_id, hashed_id) DO NOTHING`,
    [runId, s.hashedId, s.name, s.op, s.status],
  );
}

export interface EnqueueSpec {
  kind: "call" | "sleep" | "wait";
  stepId: string;
  delayMs?: number;
  /** Lease it to the caller right away (continuation without a trip through the dispatcher). */
  leaseId?: string;
  /** Only if the run has no other queued work (the last of a parallel group finished). */
  onlyIfIdle?: boolean;
  /** Also return the run's memos, read in the same round trip. */
  withMemos?: boolean;
}

export type MemoList = Array<{ hashedId: string; memo: Memo }>;

/**
 * Adds a queue item for the run; a no-op if that step is already queued or
 * already memoized (a plan re-reported after its result). Returns the new
 * item's id, with the run's memos when asked.
 */
export async function enqueue(ctx: ServerContext, tx: Tx, run: RunRow, spec: EnqueueSpec): Promise<{ id: string; memos: MemoList } | undefined> {
  const { t } = ctx;
  const id = newId();
  // Sleeps and waits cost the app nothing: they do not take concurrency slots.
  const counts = spec.kind === "call";
  // The memo list is read by a separate subquery of the same statement, so it
  // holds what earlier statements of this transaction wrote.
  const res = await tx.query<{ id: string | null; memos: MemoList | null }>(
    `WITH ins AS (
       INSERT INTO ${t.queue} (id, run_id, kind, step_id, run_at, leased_until, lease_id, ck1, cl1, ck2, cl2)
       SELECT $1, $2, $3, $4, now() + $5::float8 * interval '1 millisecond',
              CASE WHEN $6::text IS NULL THEN NULL ELSE now() + $7::float8 * interval '1 millisecond' END,
              $6, $8, $9, $10, $11
       WHERE (NOT $12::boolean OR NOT EXISTS (SELECT 1 FROM ${t.queue} WHERE run_id = $2))
         AND NOT EXISTS (SELECT 1 FROM ${t.memos} WHERE run_id = $2 AND hashed_id = $4)
       ON CONFLICT (run_id, step_id) DO NOTHING
       RETURNING id)
     SELECT (SELECT id FROM ins) AS id,
            CASE WHEN $13::boolean THEN
              (SELECT COALESCE(json_agg(json_build_object('hashedId', m.hashed_id, 'memo', m.memo) ORDER BY m.seq), '[]'::json)
               FROM ${t.memos} m WHERE m.run_id = $2) END AS memos`,
    [
      id,
      run.id,
      spec.kind,
      spec.stepId,
      spec.delayMs ?? 0,
      spec.leaseId ?? null,
      ctx.opts.leaseTimeoutMs,
      counts ? run.ck1 : null,
      counts ? run.cl1 : null,
      counts ? run.ck2 : null,
      counts ? run.cl2 : null,
      spec.onlyIfIdle === true,
      spec.withMemos === true,
    ],
  );
  const row = res.rows[0];
  if (!row?.id) return undefined;
  if (!spec.leaseId) tx.afterCommit(ctx.wake);
  return { id: row.id, memos: row.memos ?? [] };
}

export type RunOutcome =
  | { status: "completed"; output: unknown }
  | { status: "failed"; error: SerializedError }
  | { status: "cancelled"; error: SerializedError };

/**
 * The statement that ends a run: record the outcome, drop its queued work and
 * waits, close unfinished step rows. With `consume`, it first takes the
 * finishing call's own queue item, fenced by its lease ($1, $2), and finds
 * the run through it — one statement for the common "function returned" case.
 */
function finishStatement(ctx: ServerContext, consume: boolean): string {
  const { t } = ctx;
  const run = consume ? "(SELECT run_id FROM d)" : "$1";
  const [status, output, error] = consume ? ["$3", "$4", "$5"] : ["$2", "$3", "$4"];
  return `WITH ${consume ? `d AS (DELETE FROM ${t.queue} WHERE id = $1 AND lease_id = $2 RETURNING run_id),` : ""}
          q AS (DELETE FROM ${t.queue} WHERE run_id = ${run}${consume ? " AND id <> $1" : ""}),
          w AS (DELETE FROM ${t.waits} WHERE run_id = ${run}),
          s AS (UPDATE ${t.steps} SET status = 'cancelled', ended_at = now()
                WHERE run_id = ${run} AND status IN ('planned', 'retrying', 'sleeping', 'waiting')),
          prev AS (SELECT status FROM ${t.runs} WHERE id = ${run})
     UPDATE ${t.runs} r SET status = ${status}, output = ${output}, error = ${error}, ended_at = now(),
                            started_at = COALESCE(r.started_at, now())
     FROM prev
     WHERE r.id = ${run} AND r.status IN ('queued', 'running')
     RETURNING r.id, r.fn_id, prev.status AS prev, EXTRACT(EPOCH FROM (now() - r.created_at)) * 1000 AS ms`;
}

function outcomeParams(outcome: RunOutcome): unknown[] {
  return [
    outcome.status,
    outcome.status === "completed" ? json(outcome.output) : null,
    outcome.status === "completed" ? null : json(outcome.error),
  ];
}

function finishedLine(row: { id: string; fn_id: string; prev: RunStatus; ms: string }, outcome: RunOutcome): string {
  const ms = Math.round(Number(row.ms));
  const why = outcome.status === "completed" ? "" : `: ${outcome.error.name ?? "Error"}: ${outcome.error.message ?? ""}`;
  return `run ${row.id} ${row.fn_id}: ${row.prev} → ${outcome.status} (${ms} ms)${why}`;
}

type FinishedRow = { id: string; fn_id: string; prev: RunStatus; ms: string };

/**
 * Ends a run: records the outcome, drops its queued work and waits. Returns
 * false if the run had already ended.
 */
export async function finishRun(ctx: ServerContext, tx: Tx, run: Pick<RunRow, "id" | "fn_id">, outcome: RunOutcome): Promise<boolean> {
  const res = await tx.query<FinishedRow>(finishStatement(ctx, false), [run.id, ...outcomeParams(outcome)]);
  const row = res.rows[0];
  if (!row) return false;
  tx.afterCommit(() => ctx.log.run(finishedLine(row, outcome)));
  return true;
}

/** Completes the run of a leased call that returned, in one statement. False if the lease or run was gone. */
export async function completeConsumed(ctx: ServerContext, item: { id: string; lease_id: string }, output: unknown): Promise<boolean> {
  const outcome: RunOutcome = { status: "completed", output };
  const res = await retryOnDeadlock(() => ctx.db.query<FinishedRow>(finishStatement(ctx, true), [item.id, item.lease_id, ...outcomeParams(outcome)]));
  const row = res.rows[0];
  if (!row) return false;
  ctx.log.run(finishedLine(row, outcome));
  return true;
}
