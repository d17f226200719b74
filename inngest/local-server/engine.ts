/**
 * The run engine: one leased queue item in, one call to the app (or a timer
 * firing), and its result applied in one transaction. What to do with each
 * answer follows the protocol brief §5–§10.
 */
import { retryDelayMs, transportRetryDelayMs } from "./backoff";
import { canonicalJson } from "./canonical-json";
import type { ServerContext } from "./context";
import { json, retryOnDeadlock, withTransaction, type Tx } from "./db";
import { retryAfterMs, sleepDelayMs } from "./durations";
import { emitEvent } from "./events";
import { compileExpression } from "./expressions";
import { newId } from "./ids";
import type { LeasedItem } from "./queue";
import { buildCallBody, callApp, stepUrl, toSerializedError, type CallOutcome, type Op, type SerializedError } from "./protocol";
import { completeConsumed, enqueue, finishRun, lockRun, recordAttempt, recordPlannedStep, recordStep, type MemoList, type RunRow } from "./runs";

const FAILED_EVENT = "inngest/function.failed";
const FINISHED_EVENT = "inngest/function.finished";

/** Ops this server turns into work; anything else fails the run with a clear message. */
const UNSUPPORTED_OPS: Record<string, string> = {
  InvokeFunction: "step.invoke()",
  WaitForSignal: "step.waitForSignal()",
  AIGateway: "step.ai.infer()",
  Gateway: "step.fetch()",
  DeferAdd: "defer()",
  DeferAbort: "defer()",
};
const HANDLED_OPS = new Set(["StepRun", "StepError", "StepFailed", "StepPlanned", "Sleep", "WaitForEvent", "RunComplete", "DiscoveryRequest"]);

/**
 * Processes one leased item. Returns the run's next item when it could be
 * leased to this worker straight away (a continuation: the next step of a
 * sequential run skips the trip through the dispatcher).
 */
export async function processItem(ctx: ServerContext, item: LeasedItem): Promise<LeasedItem | undefined> {
  if (item.kind === "sleep" || item.kind === "wait") {
    return withTransaction(ctx.pool, (tx) => fireTimer(ctx, tx, item));
  }
  const fn = ctx.registry.get(item.run.fn_id);
  if (!fn || fn.error) {
    const message = fn
      ? `function ${item.run.fn_id} cannot run on the local server: ${fn.error}`
      : `function ${item.run.fn_id} is no longer registered by any synced app`;
    return withTransaction(ctx.pool, async (tx) => {
      const run = await consumeAndLock(ctx, tx, item);
      if (run) await failRun(ctx, tx, run, { name: "Error", message });
      return undefined;
    });
  }
  const startedAt = Date.now();
  const security = { signingKey: ctx.opts.signingKey };
  const body = buildCallBody(
    {
      runId: item.run.id,
      event: item.run.event,
      memos: item.memos,
      attempt: item.attempt,
      maxAttempts: item.run.max_attempts,
      disableImmediateExecution: item.run.disable_immediate,
      reqVersion: item.run.req_version,
    },
    security.signingKey ? canonicalJson : JSON.stringify,
  );
  const outcome = await callApp(ctx.http, security, stepUrl(fn.url, item.step_id), body, ctx.opts.callTimeoutMs);
  const single = outcome.kind === "ops" && outcome.ops.length === 1 ? outcome.ops[0] : undefined;
  if (single?.op === "StepRun" && item.step_id === "step" && !item.run.disable_immediate) {
    return applySequentialStep(ctx, item, single, outcome.kind === "ops" ? outcome.version : undefined, startedAt);
  }
  // The function returned: one statement, unless someone listens for inngest/function.finished.
  if (outcome.kind === "completed" && !ctx.registry.listensTo(FINISHED_EVENT)) {
    await completeConsumed(ctx, item, outcome.data);
    return undefined;
  }
  return withTransaction(ctx.pool, (tx) => applyOutcome(ctx, tx, item, outcome, startedAt));
}

/**
 * The common case in one statement: a discovery call ran the next step of a
 * run that never went parallel. Memoizes the result and turns the same queue
 * item into the next discovery call — fenced by the old lease, under the run
 * lock, committed atomically — and returns it leased to this worker (unless
 * the run has a concurrency key: then the dispatcher takes it, fairly).
 * Equivalent to applyOutcome's general path, with one round trip instead of four.
 */
async function applySequentialStep(ctx: ServerContext, item: LeasedItem, op: Op, version: number | undefined, startedAt: number): Promise<LeasedItem | undefined> {
  const { t } = ctx;
  const run = item.run;
  const leaseId = run.ck1 === null && run.ck2 === null ? newId() : null;
  const memo = { data: op.data ?? null };
  const echo = version !== undefined && version !== run.req_version;
  const res = await retryOnDeadlock(() =>
    ctx.db.query<{ id: string }>(
      `WITH q AS (
         UPDATE ${t.queue}
         SET attempt = 0, transport_failures = 0, last_error = NULL, run_at = now(), lease_id = $3,
             leased_until = CASE WHEN $3::text IS NULL THEN NULL ELSE now() + $4::float8 * interval '1 millisecond' END
         WHERE id = $1 AND lease_id = $2
         RETURNING run_id),
       r AS (
         SELECT id FROM ${t.runs} WHERE id = (SELECT run_id FROM q) AND status IN ('queued', 'running') FOR UPDATE),
       m AS (
         INSERT INTO ${t.memos} (run_id, hashed_id, memo) SELECT id, $5, $6 FROM r
         ON CONFLICT (run_id, hashed_id) DO NOTHING),
       s AS (
         INSERT INTO ${t.steps} (run_id, hashed_id, name, op, status, attempts, started_at, ended_at)
         SELECT id, $5, $7, 'StepRun', 'completed', $8, $9::timestamptz, now() FROM r
         ON CONFLICT (run_id, hashed_id) DO UPDATE SET status = 'completed', ended_at = now(),
           attempts = GREATEST(${t.steps}.attempts, EXCLUDED.attempts))
       ${echo ? `, v AS (UPDATE ${t.runs} SET req_version = $10 WHERE id = (SELECT id FROM r))` : ""}
       SELECT id FROM r`,
      [item.id, item.lease_id, leaseId, ctx.opts.leaseTimeoutMs, op.id, json(memo), opName(op), item.attempt + 1, new Date(startedAt), ...(echo ? [version] : [])],
    ),
  );
  if (res.rowCount === 0) return undefined; // lease superseded, or the run ended meanwhile
  // A step that succeeded on a retry: its last attempt joins the ones that failed (rare, so a statement of its own).
  if (item.attempt > 0) await recordAttempt(ctx, ctx.db, run.id, { hashedId: op.id, attempt: item.attempt + 1, startedAt, endedWithStep: true });
  if (!leaseId) {
    ctx.wake();
    return undefined;
  }
  const known = item.memos.some((m) => m.hashedId === op.id);
  return {
    ...item,
    attempt: 0,
    transport_failures: 0,
    lease_id: leaseId,
    run: { ...run, req_version: echo && version !== undefined ? version : run.req_version },
    memos: known ? item.memos : [...item.memos, { hashedId: op.id, memo }],
  };
}

/**
 * Consumes the item if it is still ours (a superseded lease is fenced off) and
 * locks its run, in one statement. Returns the run, or undefined if the item
 * was taken over or the run has ended. The run lock serialises everything
 * applied to one run, e.g. the last two siblings of a parallel group
 * finishing at once: exactly one of them sees the group done.
 */
async function consumeAndLock(ctx: ServerContext, tx: Tx, item: LeasedItem, outcome?: CallOutcome): Promise<RunRow | undefined> {
  const { t } = ctx;
  const res = await tx.query<RunRow>(
    `WITH d AS (DELETE FROM ${t.queue} WHERE id = $1 AND lease_id = $2 RETURNING run_id)
     SELECT r.* FROM ${t.runs} r
     WHERE r.id = (SELECT run_id FROM d) AND r.status IN ('queued', 'running')
     FOR UPDATE OF r`,
    [item.id, item.lease_id],
  );
  const run = res.rows[0];
  if (run) await echoVersion(ctx, tx, run, outcome);
  return run;
}

/** Locks the run of an item that stays queued (retries). */
async function lockActive(ctx: ServerContext, tx: Tx, item: LeasedItem, outcome: CallOutcome): Promise<RunRow | undefined> {
  const run = await lockRun(tx, ctx, item.run_id);
  if (!run || (run.status !== "running" && run.status !== "queued")) return undefined;
  await echoVersion(ctx, tx, run, outcome);
  return run;
}

/** The first call sends version -1 (SDK decides); later calls echo what it chose. */
async function echoVersion(ctx: ServerContext, tx: Tx, run: RunRow, outcome: CallOutcome | undefined): Promise<void> {
  if (!outcome || !("version" in outcome) || outcome.version === undefined || outcome.version === run.req_version) return;
  await tx.query(`UPDATE ${ctx.t.runs} SET req_version = $2 WHERE id = $1`, [run.id, outcome.version]);
  run.req_version = outcome.version;
}

/** Puts the item back for a later try. Returns false if the lease was superseded. */
async function reschedule(ctx: ServerContext, tx: Tx, item: LeasedItem, change: { attempt: number; transportFailures: number; delayMs: number; error: string }): Promise<boolean> {
  const res = await tx.query(
    `UPDATE ${ctx.t.queue}
     SET attempt = $3, transport_failures = $4, last_error = $5,
         run_at = now() + $6::float8 * interval '1 millisecond', leased_until = NULL, lease_id = NULL
     WHERE id = $1 AND lease_id = $2`,
    [item.id, item.lease_id, change.attempt, change.transportFailures, change.error, change.delayMs],
  );
  return res.rowCount === 1;
}

async function applyOutcome(ctx: ServerContext, tx: Tx, item: LeasedItem, outcome: CallOutcome, startedAt: number): Promise<LeasedItem | undefined> {
  const maxAttempts = item.run.max_attempts;
  switch (outcome.kind) {
    case "transport": {
      // The app never answered: it is down or restarting. This does not use up
      // an attempt; the call is simply sent again once the app is back.
      const run = await lockActive(ctx, tx, item, outcome);
      if (!run) return undefined;
      const ok = await reschedule(ctx, tx, item, {
        attempt: item.attempt,
        transportFailures: item.transport_failures + 1,
        delayMs: transportRetryDelayMs(item.transport_failures),
        error: `app unreachable: ${outcome.message}`,
      });
      if (ok && item.transport_failures === 0) {
        tx.afterCommit(() => ctx.log.run(`run ${run.id} ${run.fn_id}: app unreachable (${outcome.message}); will retry`));
      }
      return undefined;
    }
    case "completed": {
      const run = await consumeAndLock(ctx, tx, item, outcome);
      if (run) await completeRun(ctx, tx, run, outcome.data);
      return undefined;
    }
    case "error": {
      if (outcome.noRetry || item.attempt + 1 >= maxAttempts) {
        const run = await consumeAndLock(ctx, tx, item, outcome);
        if (run) await failRun(ctx, tx, run, outcome.error);
        return undefined;
      }
      const run = await lockActive(ctx, tx, item, outcome);
      if (run) await retryLater(ctx, tx, run, item, outcome.error, outcome.retryAfter);
      return undefined;
    }
    case "ops": {
      // A retriable step error re-sends the very same request with attempt+1.
      const stepError = outcome.ops.find((o) => o.op === "StepError");
      if (stepError && !outcome.noRetry && item.attempt + 1 < maxAttempts && outcome.ops.every((o) => HANDLED_OPS.has(o.op))) {
        const run = await lockActive(ctx, tx, item, outcome);
        if (!run) return undefined;
        const error = toSerializedError(stepError.error, "step failed");
        if (!(await retryLater(ctx, tx, run, item, error, outcome.retryAfter))) return undefined;
        await recordStep(ctx, tx, run.id, { hashedId: stepError.id, name: opName(stepError), op: "StepRun", status: "retrying", attempts: item.attempt + 1, error, startedAt });
        return undefined;
      }
      const run = await consumeAndLock(ctx, tx, item, outcome);
      if (!run) return undefined;
      return applyOps(ctx, tx, run, item, outcome.ops, startedAt);
    }
  }
}

async function retryLater(ctx: ServerContext, tx: Tx, run: RunRow, item: LeasedItem, error: SerializedError, retryAfter?: string): Promise<boolean> {
  // RetryAfterError's Retry-After is the user's explicit wish and is honoured
  // as given; otherwise the real server's schedule, scaled for local use.
  const delayMs = retryAfterMs(retryAfter) ?? retryDelayMs(item.attempt, ctx.opts.backoffFactor);
  const ok = await reschedule(ctx, tx, item, {
    attempt: item.attempt + 1,
    transportFailures: 0,
    delayMs,
    error: `${error.name ?? "Error"}: ${error.message ?? ""}`,
  });
  if (ok) await tx.query(`UPDATE ${ctx.t.runs} SET retries = retries + 1 WHERE id = $1`, [run.id]);
  return ok;
}

/** Applies a 206 (the item is already consumed). */
async function applyOps(ctx: ServerContext, tx: Tx, run: RunRow, item: LeasedItem, ops: Op[], startedAt: number): Promise<LeasedItem | undefined> {
  const unsupported = ops.find((o) => !HANDLED_OPS.has(o.op));
  if (unsupported) {
    const what = UNSUPPORTED_OPS[unsupported.op];
    await failRun(ctx, tx, run, {
      name: "UnsupportedOperation",
      message: `${what ?? `op ${unsupported.op}`} is not supported by the local Inngest server (op ${unsupported.op}, step ${JSON.stringify(unsupported.displayName ?? unsupported.name ?? unsupported.id)}); use the Inngest Dev Server or Inngest Cloud for it`,
    });
    return undefined;
  }

  let memoized = false;
  const newMemos: MemoList = [];
  let discover = false;
  let raceFinished = false;
  const newWork: Op[] = [];
  for (const op of ops) {
    switch (op.op) {
      case "StepRun":
        await recordStep(ctx, tx, run.id, { hashedId: op.id, name: opName(op), op: op.op, status: "completed", attempts: item.attempt + 1, startedAt }, { data: op.data ?? null });
        newMemos.push({ hashedId: op.id, memo: { data: op.data ?? null } });
        memoized = true;
        raceFinished ||= op.opts?.parallelMode === "race";
        break;
      case "StepError": // retries exhausted (or no-retry): final, like StepFailed
      case "StepFailed": {
        const error = toSerializedError(op.error, "step failed");
        await recordStep(ctx, tx, run.id, { hashedId: op.id, name: opName(op), op: "StepRun", status: "failed", attempts: item.attempt + 1, error, startedAt }, { error: op.error ?? error });
        newMemos.push({ hashedId: op.id, memo: { error: op.error ?? error } });
        memoized = true;
        raceFinished ||= op.opts?.parallelMode === "race";
        break;
      }
      case "RunComplete":
        await completeRun(ctx, tx, run, op.data ?? null);
        return undefined;
      case "DiscoveryRequest":
        discover = true;
        break;
      default: // StepPlanned, Sleep, WaitForEvent
        newWork.push(op);
    }
  }

  // Two or more new steps at once is a parallel plan: until the group is over the
  // SDK must never run a step inline during discovery, or a pending sibling could run twice.
  if (!run.disable_immediate && (newWork.length > 1 || newWork.some((o) => o.opts?.parallelMode))) {
    run.disable_immediate = true;
    await tx.query(`UPDATE ${ctx.t.runs} SET disable_immediate = true WHERE id = $1`, [run.id]);
  }

  const calls: string[] = [];
  for (const op of newWork) {
    const res = await scheduleOp(ctx, tx, run, op);
    if ("error" in res) {
      await failRun(ctx, tx, run, res.error);
      return undefined;
    }
    if (res.call) calls.push(res.call);
  }

  // What runs next: after a step result, discovery — unless siblings of a
  // parallel group are still pending; the last one to finish triggers it.
  let next: { stepId: string; onlyIfIdle: boolean } | undefined;
  if (memoized || discover) {
    const isStepCall = item.step_id !== "step";
    next = { stepId: "step", onlyIfIdle: isStepCall && !raceFinished && !discover };
  }
  // Planned steps: this worker may carry on with one, the dispatcher takes the rest.
  for (const stepId of calls) {
    if (!next) next = { stepId, onlyIfIdle: false };
    else await enqueue(ctx, tx, run, { kind: "call", stepId });
  }
  if (!next) return undefined;
  // A run that never went parallel has no other work in flight, so its memos
  // are the ones this call was sent plus the ones it just produced.
  const sequential = item.step_id === "step" && !run.disable_immediate;
  const known = new Set(item.memos.map((m) => m.hashedId));
  const memos = sequential ? [...item.memos, ...newMemos.filter((m) => !known.has(m.hashedId))] : undefined;
  return continueWith(ctx, tx, run, next, memos);
}

function opName(op: Op): string {
  return op.displayName ?? op.name ?? op.id;
}

/**
 * Turns a Sleep / WaitForEvent op into queued work; a StepPlanned op is only
 * recorded and handed back as a call for the caller to queue.
 */
async function scheduleOp(ctx: ServerContext, tx: Tx, run: RunRow, op: Op): Promise<{ error: SerializedError } | { call?: string }> {
  if (op.op === "StepPlanned") {
    const type = typeof op.opts?.type === "string" ? op.opts.type : undefined;
    await recordPlannedStep(ctx, tx, run.id, { hashedId: op.id, name: opName(op), op: type ?? "StepRun", status: "planned" });
    return { call: op.id };
  }
  if (op.op === "Sleep") {
    const delayMs = sleepDelayMs(op.name ?? "");
    if (delayMs === undefined) return { error: { name: "Error", message: `step.sleep ${JSON.stringify(opName(op))}: cannot read duration ${JSON.stringify(op.name)}` } };
    await recordPlannedStep(ctx, tx, run.id, { hashedId: op.id, name: opName(op), op: "Sleep", status: "sleeping" });
    await enqueue(ctx, tx, run, { kind: "sleep", stepId: op.id, delayMs });
    return {};
  }
  // WaitForEvent: name = event name, opts.timeout, opts.if (sees event and async).
  const timeout = typeof op.opts?.timeout === "string" ? op.opts.timeout : undefined;
  const timeoutMs = timeout ? sleepDelayMs(timeout) : undefined;
  if (timeoutMs === undefined) return { error: { name: "Error", message: `step.waitForEvent ${JSON.stringify(opName(op))}: cannot read timeout ${JSON.stringify(timeout)}` } };
  const ifExpr = typeof op.opts?.if === "string" ? op.opts.if : null;
  if (ifExpr) {
    try {
      compileExpression(ifExpr, ["event", "async"]);
    } catch (err) {
      return { error: { name: "Error", message: `step.waitForEvent ${JSON.stringify(opName(op))}: ${(err as Error).message}` } };
    }
  }
  await tx.query(
    `INSERT INTO ${ctx.t.waits} (run_id, hashed_id, event_name, if_expr, expires_at)
     VALUES ($1, $2, $3, $4, now() + $5::float8 * interval '1 millisecond')
     ON CONFLICT (run_id, hashed_id) DO NOTHING`,
    [run.id, op.id, op.name ?? "", ifExpr, timeoutMs],
  );
  await recordPlannedStep(ctx, tx, run.id, { hashedId: op.id, name: opName(op), op: "WaitForEvent", status: "waiting" });
  await enqueue(ctx, tx, run, { kind: "wait", stepId: op.id, delayMs: timeoutMs });
  return {};
}

/**
 * Queues the run's next call. If the run has no concurrency key, the item is
 * leased to this worker at once and returned with fresh memos, so sequential
 * steps follow each other without waiting for the dispatcher. Runs with keys
 * always go through the dispatcher, which enforces the limits fairly.
 */
async function continueWith(
  ctx: ServerContext,
  tx: Tx,
  run: RunRow,
  next: { stepId: string; onlyIfIdle: boolean },
  knownMemos?: MemoList,
): Promise<LeasedItem | undefined> {
  const free = run.ck1 === null && run.ck2 === null;
  const leaseId = free ? newId() : undefined;
  const queued = await enqueue(ctx, tx, run, { kind: "call", stepId: next.stepId, onlyIfIdle: next.onlyIfIdle, leaseId, withMemos: !!leaseId && !knownMemos });
  if (queued && next.onlyIfIdle && next.stepId === "step" && run.disable_immediate) {
    // The parallel group is over and nothing else of the run is queued or in
    // flight, so no planned sibling can run twice: let the SDK run the next
    // single step inline again (one call per step instead of two). A new
    // parallel plan switches it off again.
    run.disable_immediate = false;
    await tx.query(`UPDATE ${ctx.t.runs} SET disable_immediate = false WHERE id = $1`, [run.id]);
  }
  if (!queued || !leaseId) return undefined;
  return {
    id: queued.id,
    run_id: run.id,
    kind: "call",
    step_id: next.stepId,
    attempt: 0,
    transport_failures: 0,
    lease_id: leaseId,
    run: { ...run },
    memos: knownMemos ?? queued.memos,
  };
}

/** A sleep ended or a waitForEvent timed out: the step returns null. */
async function fireTimer(ctx: ServerContext, tx: Tx, item: LeasedItem): Promise<LeasedItem | undefined> {
  const run = await consumeAndLock(ctx, tx, item);
  if (!run) return undefined;
  if (item.kind === "wait") {
    const wait = await tx.query(`DELETE FROM ${ctx.t.waits} WHERE run_id = $1 AND hashed_id = $2 RETURNING event_name`, [run.id, item.step_id]);
    if (wait.rowCount === 0) return undefined; // an event matched it first
  }
  const step = await tx.query<{ name: string }>(`SELECT name FROM ${ctx.t.steps} WHERE run_id = $1 AND hashed_id = $2`, [run.id, item.step_id]);
  await recordStep(
    ctx,
    tx,
    run.id,
    { hashedId: item.step_id, name: step.rows[0]?.name ?? item.step_id, op: item.kind === "sleep" ? "Sleep" : "WaitForEvent", status: "completed", attempts: 1 },
    { data: null },
  );
  return continueWith(ctx, tx, run, { stepId: "step", onlyIfIdle: true });
}

async function completeRun(ctx: ServerContext, tx: Tx, run: RunRow, output: unknown): Promise<void> {
  if (!(await finishRun(ctx, tx, run, { status: "completed", output }))) return;
  // inngest/function.finished is only stored when some function listens for it,
  // so ordinary runs do not double the event log.
  if (ctx.registry.listensTo(FINISHED_EVENT)) {
    await emitEvent(ctx, tx, FINISHED_EVENT, { function_id: run.fn_id, run_id: run.id, event: run.event, result: output });
  }
}

/**
 * Fails a run and emits inngest/function.failed, which starts the function's
 * onFailure handler ("{fn}-failure"). A failing failure handler emits nothing,
 * so handlers cannot trigger each other in a loop.
 */
export async function failRun(ctx: ServerContext, tx: Tx, run: RunRow, error: SerializedError): Promise<void> {
  if (!(await finishRun(ctx, tx, run, { status: "failed", error }))) return;
  if (run.event.name === FAILED_EVENT) return;
  await emitEvent(ctx, tx, FAILED_EVENT, { function_id: run.fn_id, run_id: run.id, error, event: run.event });
}
