/**
 * Read models behind the dashboard and the JSON API (GET /v0/runs, …).
 * Field names are camelCase; times are ISO strings; durations are ms.
 */
import type { ServerContext } from "./context";

export interface RunSummary {
  id: string;
  functionId: string;
  functionName: string;
  status: string;
  eventId: string;
  eventName: string;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  /** The run this one repeats, when started by "Rerun". */
  rerunOf: string | null;
}

export interface AttemptView {
  /** 1-based. */
  attempt: number;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  status: "failed" | "completed";
  error?: unknown;
}

export interface StepView {
  id: string;
  name: string;
  op: string;
  status: string;
  attempts: number;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  output?: unknown;
  error?: unknown;
  /** Each attempt, oldest first, for a step that was retried or failed; empty for one that succeeded at once. */
  attemptHistory: AttemptView[];
}

export interface PendingView {
  stepId: string;
  kind: string;
  attempt: number;
  runAt: string;
  inFlight: boolean;
  /** Waiting for its throttle to admit the run's start. */
  throttled: boolean;
  lastError: string | null;
}

export interface RunDetail extends RunSummary {
  event: unknown;
  output: unknown;
  error: unknown;
  steps: StepView[];
  pending: PendingView[];
  /** Runs started by "Rerun" of this one, oldest first. */
  reruns: string[];
  throttleKey: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

interface RunRowView {
  id: string;
  fn_id: string;
  fn_name: string;
  status: string;
  event_id: string;
  event: { name?: string };
  retries: number;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  rerun_of: string | null;
  throttle_key?: string | null;
  output?: unknown;
  error?: unknown;
}

function summary(r: RunRowView): RunSummary {
  const start = r.started_at ?? r.created_at;
  return {
    id: r.id,
    functionId: r.fn_id,
    functionName: r.fn_name,
    status: r.status,
    eventId: r.event_id,
    eventName: r.event?.name ?? "",
    attempts: r.retries + 1,
    createdAt: r.created_at.toISOString(),
    startedAt: iso(r.started_at),
    endedAt: iso(r.ended_at),
    durationMs: r.ended_at ? r.ended_at.getTime() - start.getTime() : null,
    rerunOf: r.rerun_of,
  };
}

/** The event cron triggers send; such runs are hidden from the runs list unless asked for. */
export const CRON_EVENT = "inngest/scheduled.timer";

export interface RunFilter {
  limit?: number;
  status?: string;
  functionId?: string;
  eventId?: string;
  /** Free text matched against the triggering event's ids and data, and the run id; or a JSON object the event data must contain. */
  q?: string;
  /** Include runs started by cron triggers. Default true. */
  includeCron?: boolean;
  /** Only runs older than this run id (paging, newest first). */
  before?: string;
}

/** `text` as a LIKE pattern matching itself anywhere. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A search is either a JSON object, matched by containment against the event's
 * data (`{"userId":"u1"}` finds events whose data holds userId "u1", not
 * "u10"), or free text matched as a substring of the ids and the data.
 */
export function readSearch(q: string | undefined): { text: string | null; pattern: string | null; json: string | null } {
  const text = q?.trim() || null;
  if (text?.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return { text: null, pattern: null, json: JSON.stringify(parsed) };
    } catch {
      // Not JSON after all: search it as text.
    }
  }
  return { text, pattern: text === null ? null : containsPattern(text), json: null };
}

export async function listRuns(ctx: ServerContext, filter: RunFilter = {}): Promise<RunSummary[]> {
  const q = readSearch(filter.q);
  const res = await ctx.db.query<RunRowView>(
    `SELECT id, fn_id, fn_name, status, event_id, event, retries, created_at, started_at, ended_at, rerun_of
     FROM ${ctx.t.runs}
     WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR fn_id = $2) AND ($3::text IS NULL OR event_id = $3)
       AND ($5::boolean OR event->>'name' <> $6)
       AND ($7::text IS NULL OR id < $7)
       AND ($8::text IS NULL OR id = $8 OR event_id = $8 OR event->>'id' = $8 OR (event->'data')::text ILIKE $9)
       AND ($10::jsonb IS NULL OR event->'data' @> $10::jsonb)
     ORDER BY id DESC
     LIMIT $4`,
    [
      filter.status ?? null,
      filter.functionId ?? null,
      filter.eventId ?? null,
      Math.min(Math.max(filter.limit ?? 100, 1), 1000),
      filter.includeCron ?? true,
      CRON_EVENT,
      filter.before ?? null,
      q.text,
      q.pattern,
      q.json,
    ],
  );
  return res.rows.map(summary);
}

export async function getRun(ctx: ServerContext, id: string): Promise<RunDetail | undefined> {
  const { t } = ctx;
  const run = await ctx.db.query<RunRowView>(`SELECT * FROM ${t.runs} WHERE id = $1`, [id]);
  const r = run.rows[0];
  if (!r) return undefined;
  const [steps, pending, reruns, attempts] = await Promise.all([
    ctx.db.query<{
      hashed_id: string;
      name: string;
      op: string;
      status: string;
      attempts: number;
      error: unknown;
      started_at: Date;
      ended_at: Date | null;
      memo: { data?: unknown; error?: unknown } | null;
      seq: string | null;
    }>(
      `SELECT s.hashed_id, s.name, s.op, s.status, s.attempts, s.error, s.started_at, s.ended_at, m.memo, m.seq
       FROM ${t.steps} s LEFT JOIN ${t.memos} m ON m.run_id = s.run_id AND m.hashed_id = s.hashed_id
       WHERE s.run_id = $1
       ORDER BY m.seq NULLS LAST, s.started_at`,
      [id],
    ),
    ctx.db.query<{ step_id: string; kind: string; attempt: number; run_at: Date; throttle_key: string | null; last_error: string | null; live: boolean }>(
      `SELECT step_id, kind, attempt, run_at, throttle_key, last_error, COALESCE(leased_until >= now(), false) AS live
       FROM ${t.queue} WHERE run_id = $1 ORDER BY run_at`,
      [id],
    ),
    ctx.db.query<{ id: string }>(`SELECT id FROM ${t.runs} WHERE rerun_of = $1 ORDER BY id`, [id]),
    ctx.db.query<{ hashed_id: string; attempt: number; started_at: Date; ended_at: Date; error: unknown }>(
      `SELECT hashed_id, attempt, started_at, ended_at, error FROM ${t.stepAttempts} WHERE run_id = $1 ORDER BY hashed_id, attempt`,
      [id],
    ),
  ]);
  const historyOf = new Map<string, AttemptView[]>();
  for (const a of attempts.rows) {
    const view: AttemptView = {
      attempt: a.attempt,
      startedAt: a.started_at.toISOString(),
      endedAt: a.ended_at.toISOString(),
      durationMs: a.ended_at.getTime() - a.started_at.getTime(),
      status: a.error === null ? "completed" : "failed",
    };
    if (a.error !== null) view.error = a.error;
    historyOf.set(a.hashed_id, [...(historyOf.get(a.hashed_id) ?? []), view]);
  }
  return {
    ...summary(r),
    event: r.event,
    output: r.output ?? null,
    error: r.error ?? null,
    steps: steps.rows.map((s) => {
      const view: StepView = {
        id: s.hashed_id,
        name: s.name,
        op: s.op,
        status: s.status,
        attempts: s.attempts,
        startedAt: s.started_at.toISOString(),
        endedAt: iso(s.ended_at),
        durationMs: s.ended_at ? s.ended_at.getTime() - s.started_at.getTime() : null,
        attemptHistory: historyOf.get(s.hashed_id) ?? [],
      };
      if (s.memo && "data" in s.memo) view.output = s.memo.data;
      if (s.memo && "error" in s.memo) view.error = s.memo.error;
      else if (s.error !== null) view.error = s.error;
      return view;
    }),
    pending: pending.rows.map((p) => ({
      stepId: p.step_id,
      kind: p.kind,
      attempt: p.attempt,
      runAt: p.run_at.toISOString(),
      inFlight: p.live,
      throttled: p.throttle_key !== null,
      lastError: p.last_error,
    })),
    reruns: reruns.rows.map((r) => r.id),
    throttleKey: r.throttle_key ?? null,
  };
}

export interface FunctionView {
  id: string;
  name: string;
  appId: string;
  appUrl: string;
  syncedAt: string;
  triggers: unknown;
  config: unknown;
  error: string | null;
  ignoredOptions: string[];
  runs: { total: number; active: number; failed: number };
}

export async function listFunctions(ctx: ServerContext): Promise<FunctionView[]> {
  const { t } = ctx;
  const res = await ctx.db.query<{
    fn_id: string;
    name: string;
    app_id: string;
    url: string;
    synced_at: Date;
    config: { triggers?: unknown };
    config_error: string | null;
    total: string;
    active: string;
    failed: string;
  }>(
    `SELECT f.fn_id, f.name, f.app_id, a.url, a.synced_at, f.config, f.config_error,
            (SELECT count(*) FROM ${t.runs} r WHERE r.fn_id = f.fn_id) AS total,
            (SELECT count(*) FROM ${t.runs} r WHERE r.fn_id = f.fn_id AND r.status IN ('queued', 'running')) AS active,
            (SELECT count(*) FROM ${t.runs} r WHERE r.fn_id = f.fn_id AND r.status = 'failed') AS failed
     FROM ${t.functions} f JOIN ${t.apps} a ON a.app_id = f.app_id
     ORDER BY f.app_id, f.fn_id`,
  );
  return res.rows.map((f) => ({
    id: f.fn_id,
    name: f.name,
    appId: f.app_id,
    appUrl: f.url,
    syncedAt: f.synced_at.toISOString(),
    triggers: f.config.triggers ?? [],
    config: f.config,
    error: f.config_error,
    ignoredOptions: ctx.registry.get(f.fn_id)?.ignored ?? [],
    runs: { total: Number(f.total), active: Number(f.active), failed: Number(f.failed) },
  }));
}

export interface EventView {
  id: string;
  name: string;
  userId: string | null;
  duplicateOf: string | null;
  receivedAt: string;
  payload: unknown;
  runIds: string[];
}

export interface EventFilter {
  limit?: number;
  name?: string;
  /** Free text matched against the event's ids and data; or a JSON object its data must contain. */
  q?: string;
  /** Only events older than this id (paging, newest first). */
  before?: string;
}

export async function listEvents(ctx: ServerContext, filter: EventFilter = {}): Promise<EventView[]> {
  const q = readSearch(filter.q);
  const { t } = ctx;
  const res = await ctx.db.query<{
    id: string;
    name: string;
    user_id: string | null;
    duplicate_of: string | null;
    received_at: Date;
    payload: unknown;
    run_ids: string[] | null;
  }>(
    `SELECT e.id, e.name, e.user_id, e.duplicate_of, e.received_at, e.payload,
            (SELECT array_agg(r.id ORDER BY r.id) FROM ${t.runs} r WHERE r.event_id = e.id) AS run_ids
     FROM ${t.events} e
     WHERE ($1::text IS NULL OR e.name = $1)
       AND ($3::text IS NULL OR e.id < $3)
       AND ($4::text IS NULL OR e.id = $4 OR e.user_id = $4 OR (e.payload->'data')::text ILIKE $5)
       AND ($6::jsonb IS NULL OR e.payload->'data' @> $6::jsonb)
     ORDER BY e.id DESC
     LIMIT $2`,
    [filter.name ?? null, Math.min(Math.max(filter.limit ?? 100, 1), 1000), filter.before ?? null, q.text, q.pattern, q.json],
  );
  return res.rows.map((e) => ({
    id: e.id,
    name: e.name,
    userId: e.user_id,
    duplicateOf: e.duplicate_of,
    receivedAt: e.received_at.toISOString(),
    payload: e.payload,
    runIds: e.run_ids ?? [],
  }));
}

/** A stored event as functions received it (`{ name, data, id, ts, … }`), or undefined. */
export async function getEventPayload(ctx: ServerContext, id: string): Promise<{ name?: unknown; data?: unknown } | undefined> {
  const res = await ctx.db.query<{ payload: { name?: unknown; data?: unknown } }>(`SELECT payload FROM ${ctx.t.events} WHERE id = $1`, [id]);
  return res.rows[0]?.payload;
}
