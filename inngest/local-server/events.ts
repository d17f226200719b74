/**
 * Events in: storing them, user-id de-duplication, and everything an event
 * can cause — new runs (triggers), resumed runs (waitForEvent) and cancelled
 * runs (cancelOn).
 */
import type { ServerContext } from "./context";
import { json, type Tx } from "./db";
import { compileExpression, matches } from "./expressions";
import { newId, seededEventId } from "./ids";
import type { FunctionDef } from "./registry";
import { createRun, enqueue, finishRun, lockRun, recordStep, type EventPayload, type RunRow } from "./runs";

export interface IncomingEvent {
  name: string;
  data?: unknown;
  id?: string;
  ts?: number;
  v?: string;
  user?: unknown;
}

/** Validates a POST /e/:key body: one event or an array of them. */
export function parseEventBody(body: unknown): { events: IncomingEvent[] } | { error: string } {
  const list = Array.isArray(body) ? body : [body];
  const events: IncomingEvent[] = [];
  for (const [i, raw] of list.entries()) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { error: `event ${i} is not an object` };
    const e = raw as Record<string, unknown>;
    if (typeof e.name !== "string" || e.name.trim() === "") return { error: `event ${i} has no name` };
    if (e.data !== undefined && e.data !== null && (typeof e.data !== "object" || Array.isArray(e.data))) {
      return { error: `event ${i} (${e.name}): data must be an object` };
    }
    if (e.id !== undefined && e.id !== null && typeof e.id !== "string") return { error: `event ${i} (${e.name}): id must be a string` };
    if (e.ts !== undefined && e.ts !== null && typeof e.ts !== "number") return { error: `event ${i} (${e.name}): ts must be a number (ms)` };
    events.push({
      name: e.name,
      data: e.data ?? {},
      id: typeof e.id === "string" && e.id !== "" ? e.id : undefined,
      ts: typeof e.ts === "number" ? e.ts : undefined,
      v: typeof e.v === "string" ? e.v : undefined,
      user: e.user ?? undefined,
    });
  }
  return { events };
}

/**
 * Stores and routes events; returns their internal ids in order. `seed` is
 * the SDK's x-inngest-event-id-seed header: an SDK retry of the same send
 * then maps to the same ids and is neither stored nor routed twice.
 */
export async function ingestEvents(ctx: ServerContext, tx: Tx, events: IncomingEvent[], seed?: string): Promise<string[]> {
  const { t } = ctx;
  const ids: string[] = [];
  for (const [i, e] of events.entries()) {
    const id = seededEventId(seed, i) ?? newId();
    ids.push(id);
    const payload: EventPayload = { name: e.name, data: e.data ?? {}, id: e.id ?? id, ts: e.ts ?? Date.now() };
    if (e.v) payload.v = e.v;
    if (e.user !== undefined) payload.user = e.user;
    // Also asks whether any run waits for this event name, to skip that lookup when none does.
    const inserted = await tx.query<{ inserted: boolean; waiting: boolean }>(
      `WITH e AS (
         INSERT INTO ${t.events} (id, name, payload, user_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING RETURNING id)
       SELECT EXISTS (SELECT 1 FROM e) AS inserted, EXISTS (SELECT 1 FROM ${t.waits} WHERE event_name = $2) AS waiting`,
      [id, e.name, json(payload), e.id ?? null],
    );
    const { inserted: isNew, waiting } = inserted.rows[0] ?? { inserted: false, waiting: false };
    if (!isNew) continue;
    if (e.id) {
      // A user-supplied id triggers once per 24 h; later copies are kept but inert.
      const claimed = await tx.query<{ event_id: string }>(
        `INSERT INTO ${t.eventIds} (user_id, event_id, expires_at) VALUES ($1, $2, now() + interval '24 hours')
         ON CONFLICT (user_id) DO UPDATE SET event_id = EXCLUDED.event_id, expires_at = EXCLUDED.expires_at
           WHERE ${t.eventIds}.expires_at < now()
         RETURNING event_id`,
        [e.id, id],
      );
      if (claimed.rowCount === 0) {
        await tx.query(
          `UPDATE ${t.events} SET duplicate_of = (SELECT event_id FROM ${t.eventIds} WHERE user_id = $2) WHERE id = $1`,
          [id, e.id],
        );
        tx.afterCommit(() => ctx.log.run(`event ${id} ${e.name}: duplicate of id ${JSON.stringify(e.id)}, triggers nothing`));
        continue;
      }
    }
    await routeEvent(ctx, tx, id, payload, waiting);
  }
  return ids;
}

/** Emits an event from the server itself (inngest/function.failed, inngest/scheduled.timer). */
export async function emitEvent(ctx: ServerContext, tx: Tx, name: string, data: Record<string, unknown>): Promise<string> {
  const [id] = await ingestEvents(ctx, tx, [{ name, data }]);
  return id as string;
}

/** Creates a stored event for one function only (cron ticks go to their own function). */
export async function emitEventFor(ctx: ServerContext, tx: Tx, fn: FunctionDef, name: string, data: Record<string, unknown>): Promise<void> {
  const id = newId();
  const payload: EventPayload = { name, data, id, ts: Date.now() };
  await tx.query(`INSERT INTO ${ctx.t.events} (id, name, payload) VALUES ($1, $2, $3)`, [id, name, json(payload)]);
  await createRun(ctx, tx, fn, payload, id);
}

async function routeEvent(ctx: ServerContext, tx: Tx, eventId: string, payload: EventPayload, waiting: boolean): Promise<void> {
  for (const fn of ctx.registry.triggeredBy(payload)) await createRun(ctx, tx, fn, payload, eventId);
  if (waiting) await resolveWaits(ctx, tx, payload);
  await applyCancellations(ctx, tx, eventId, payload);
}

interface WaitRow {
  run_id: string;
  hashed_id: string;
  if_expr: string | null;
  run_event: EventPayload;
}

/** Resumes runs whose step.waitForEvent matches: the step returns the event. */
async function resolveWaits(ctx: ServerContext, tx: Tx, payload: EventPayload): Promise<void> {
  const { t } = ctx;
  const waits = await tx.query<WaitRow>(
    `SELECT w.run_id, w.hashed_id, w.if_expr, r.event AS run_event
     FROM ${t.waits} w JOIN ${t.runs} r ON r.id = w.run_id
     WHERE w.event_name = $1 AND w.expires_at > now()
     ORDER BY w.run_id`,
    [payload.name],
  );
  for (const w of waits.rows) {
    if (w.if_expr) {
      let ok = false;
      try {
        ok = matches(compileExpression(w.if_expr, ["event", "async"]), { event: w.run_event, async: payload });
      } catch {
        ok = false; // rejected when the wait was registered; a stored bad one never matches
      }
      if (!ok) continue;
    }
    const run = await lockRun(tx, ctx, w.run_id);
    if (!run || (run.status !== "running" && run.status !== "queued")) continue;
    const taken = await tx.query(
      `WITH q AS (DELETE FROM ${t.queue} WHERE run_id = $1 AND step_id = $2)
       DELETE FROM ${t.waits} WHERE run_id = $1 AND hashed_id = $2 RETURNING run_id`,
      [w.run_id, w.hashed_id],
    );
    if (taken.rowCount === 0) continue; // timed out or matched by another event meanwhile
    await recordStep(ctx, tx, run.id, { hashedId: w.hashed_id, name: payload.name, op: "WaitForEvent", status: "completed", attempts: 1 }, { data: payload });
    await enqueue(ctx, tx, run, { kind: "call", stepId: "step", onlyIfIdle: true });
  }
}

/** cancelOn: `if` sees `event` = the run's trigger and `async` = the new event. */
async function applyCancellations(ctx: ServerContext, tx: Tx, eventId: string, payload: EventPayload): Promise<void> {
  for (const fn of ctx.registry.cancelledBy(payload.name)) {
    for (const rule of fn.cancel) {
      if (rule.event !== payload.name) continue;
      const runs = await tx.query<{ id: string; event: EventPayload }>(
        `SELECT id, event FROM ${ctx.t.runs}
         WHERE fn_id = $1 AND status IN ('queued', 'running') AND event_id <> $2
           AND ($3::float8 IS NULL OR created_at > now() - $3::float8 * interval '1 millisecond')`,
        [fn.id, eventId, rule.timeoutMs ?? null],
      );
      for (const r of runs.rows) {
        if (!matches(rule.if, { event: r.event, async: payload })) continue;
        const run = await lockRun(tx, ctx, r.id);
        if (!run) continue;
        await cancelActiveRun(ctx, tx, run, `cancelled by event ${payload.name} (${eventId})`);
      }
    }
  }
}

const CANCELLED_EVENT = "inngest/function.cancelled";

/**
 * Cancels a run that is still queued or running: its queued work and waits
 * go (an answer still in flight is fenced off by its lease), and
 * inngest/function.cancelled is emitted if some function listens for it.
 * Returns false if the run had already ended.
 */
export async function cancelActiveRun(ctx: ServerContext, tx: Tx, run: Pick<RunRow, "id" | "fn_id" | "event">, reason: string): Promise<boolean> {
  const error = { name: "Cancelled", message: reason };
  if (!(await finishRun(ctx, tx, run, { status: "cancelled", error }))) return false;
  if (ctx.registry.listensTo(CANCELLED_EVENT)) {
    await emitEvent(ctx, tx, CANCELLED_EVENT, { function_id: run.fn_id, run_id: run.id, error, event: run.event });
  }
  return true;
}
