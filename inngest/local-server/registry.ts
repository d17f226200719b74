/**
 * Function configs as synced from the SDK, compiled into what the server acts
 * on: triggers, retries, flow-control keys. Kept in memory, reloaded from the
 * database after every sync that changed something.
 */
import { compileExpression, type CompiledExpression } from "./expressions";
import { parseDuration } from "./durations";
import { parseCron } from "./cron";
import type { ThrottleRule } from "./throttle";

/** A function config as the SDK reports it (InngestFunction.getConfig). */
export interface FunctionConfig {
  id: string;
  name?: string;
  triggers?: Array<{ event?: string; expression?: string; cron?: string; jitter?: string }>;
  steps?: Record<string, { id?: string; name?: string; runtime?: { type?: string; url?: string }; retries?: { attempts?: number } }>;
  concurrency?: number | ConcurrencyConfig | ConcurrencyConfig[];
  debounce?: { key?: string; period: string; timeout?: string };
  idempotency?: string;
  rateLimit?: unknown;
  throttle?: { limit?: number; period?: string; key?: string; burst?: number };
  batchEvents?: unknown;
  priority?: unknown;
  cancel?: Array<{ event: string; if?: string; timeout?: string }>;
  timeouts?: unknown;
  singleton?: unknown;
}

interface ConcurrencyConfig {
  limit: number;
  key?: string;
  scope?: "fn" | "env" | "account";
}

export interface Trigger {
  /** Exact event name, or the prefix of a `prefix*` trigger. */
  event?: string;
  prefix?: string;
  cron?: string;
  expression?: CompiledExpression;
}

export interface ConcurrencyRule {
  limit: number;
  scope: "fn" | "env" | "account";
  key?: CompiledExpression;
}

export interface CancelRule {
  event: string;
  if?: CompiledExpression;
  timeoutMs?: number;
}

export interface FunctionDef {
  id: string;
  name: string;
  appId: string;
  /** runtime.url with stepId=step; calls replace stepId. */
  url: string;
  /** Attempts per step: the function's `retries` (default 4, as on the real server) + 1. */
  maxAttempts: number;
  triggers: Trigger[];
  concurrency: ConcurrencyRule[];
  debounce?: { periodMs: number; timeoutMs?: number; key?: CompiledExpression };
  idempotency?: CompiledExpression;
  throttle?: ThrottleRule;
  cancel: CancelRule[];
  /** Configured options this server ignores (listed on the functions page). */
  ignored: string[];
  /** Why the function cannot run here (bad expression); such a function is never triggered. */
  error?: string;
  config: FunctionConfig;
}

/** The real server's default when `retries` is not set (pkg/consts DefaultRetryCount). */
const DEFAULT_RETRIES = 4;

const IGNORED_OPTIONS = ["rateLimit", "batchEvents", "priority", "timeouts", "singleton"] as const;

/** The real server's bounds for a throttle period. */
const THROTTLE_PERIOD_MS = { min: 1_000, max: 7 * 86_400_000 };

function compileThrottle(config: NonNullable<FunctionConfig["throttle"]>): ThrottleRule {
  const { limit, burst = 0 } = config;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) throw new Error(`throttle limit must be a whole number ≥ 1, got ${JSON.stringify(limit)}`);
  if (typeof burst !== "number" || !Number.isInteger(burst) || burst < 0) throw new Error(`throttle burst must be a whole number ≥ 0, got ${JSON.stringify(burst)}`);
  const periodMs = parseDuration(config.period);
  if (periodMs === undefined || periodMs < THROTTLE_PERIOD_MS.min || periodMs > THROTTLE_PERIOD_MS.max) {
    throw new Error(`throttle period must be a duration from 1s to 7d, got ${JSON.stringify(config.period)}`);
  }
  return { limit, burst, periodMs, key: config.key ? compileExpression(config.key, ["event"]) : undefined };
}

export function compileFunction(appId: string, config: FunctionConfig): FunctionDef {
  const step = config.steps?.step ?? Object.values(config.steps ?? {})[0];
  const retries = step?.retries?.attempts;
  const def: FunctionDef = {
    id: config.id,
    name: config.name ?? config.id,
    appId,
    url: step?.runtime?.url ?? "",
    maxAttempts: (typeof retries === "number" && retries >= 0 ? retries : DEFAULT_RETRIES) + 1,
    triggers: [],
    concurrency: [],
    cancel: [],
    ignored: IGNORED_OPTIONS.filter((k) => config[k] !== undefined && config[k] !== null),
    config,
  };
  try {
    if (!def.url) throw new Error("no runtime URL in the function config");
    if (step?.runtime?.type && step.runtime.type !== "http") {
      throw new Error(`runtime "${step.runtime.type}" is not supported (only http)`);
    }
    for (const t of config.triggers ?? []) {
      const expression = t.expression ? compileExpression(t.expression, ["event"]) : undefined;
      if (t.cron) {
        parseCron(t.cron); // throws on a bad expression
        def.triggers.push({ cron: t.cron });
      } else if (t.event?.endsWith("*")) {
        def.triggers.push({ prefix: t.event.slice(0, -1), expression });
      } else if (t.event) {
        def.triggers.push({ event: t.event, expression });
      }
    }
    const conc = config.concurrency;
    const rules = typeof conc === "number" ? [{ limit: conc }] : Array.isArray(conc) ? conc : conc ? [conc] : [];
    for (const r of rules.slice(0, 2)) {
      // limit 0 means "the plan's maximum" on the real server: no local limit.
      if (!r.limit || r.limit <= 0) continue;
      def.concurrency.push({
        limit: r.limit,
        scope: r.scope ?? "fn",
        key: r.key ? compileExpression(r.key, ["event"]) : undefined,
      });
    }
    if (config.debounce) {
      const periodMs = parseDuration(config.debounce.period);
      if (periodMs === undefined) throw new Error(`debounce period ${JSON.stringify(config.debounce.period)} is not a duration`);
      const timeoutMs = config.debounce.timeout ? parseDuration(config.debounce.timeout) : undefined;
      def.debounce = {
        periodMs,
        timeoutMs,
        key: config.debounce.key ? compileExpression(config.debounce.key, ["event"]) : undefined,
      };
    }
    if (config.idempotency) def.idempotency = compileExpression(config.idempotency, ["event"]);
    if (config.throttle) def.throttle = compileThrottle(config.throttle);
    for (const c of config.cancel ?? []) {
      def.cancel.push({
        event: c.event,
        if: c.if ? compileExpression(c.if, ["event", "async"]) : undefined,
        timeoutMs: c.timeout ? parseDuration(c.timeout) : undefined,
      });
    }
  } catch (err) {
    def.error = (err as Error).message;
  }
  return def;
}

/** All known functions, indexed for event routing. */
export class Registry {
  private byId = new Map<string, FunctionDef>();
  private byEvent = new Map<string, FunctionDef[]>();
  private prefixed: FunctionDef[] = [];
  private cancelling = new Map<string, FunctionDef[]>();

  replaceAll(defs: FunctionDef[]): void {
    this.byId = new Map(defs.map((d) => [d.id, d]));
    this.byEvent = new Map();
    this.prefixed = [];
    this.cancelling = new Map();
    for (const d of defs) {
      if (d.error) continue;
      const names = new Set(d.triggers.flatMap((t) => (t.event ? [t.event] : [])));
      for (const n of names) this.byEvent.set(n, [...(this.byEvent.get(n) ?? []), d]);
      if (d.triggers.some((t) => t.prefix !== undefined)) this.prefixed.push(d);
      for (const c of d.cancel) this.cancelling.set(c.event, [...(this.cancelling.get(c.event) ?? []), d]);
    }
  }

  get(id: string): FunctionDef | undefined {
    return this.byId.get(id);
  }

  all(): FunctionDef[] {
    return [...this.byId.values()];
  }

  /** Functions an event triggers: exact name or `prefix*`, and the trigger's `if` holds. */
  triggeredBy(event: { name: string }): FunctionDef[] {
    const out = new Set<FunctionDef>();
    const scope = { event };
    for (const d of this.byEvent.get(event.name) ?? []) {
      if (d.triggers.some((t) => t.event === event.name && (!t.expression || t.expression.evaluate(scope) === true))) out.add(d);
    }
    for (const d of this.prefixed) {
      if (d.triggers.some((t) => t.prefix !== undefined && event.name.startsWith(t.prefix) && (!t.expression || t.expression.evaluate(scope) === true))) {
        out.add(d);
      }
    }
    return [...out];
  }

  /** Whether any function has a trigger for this event name, whatever its `if`. */
  listensTo(name: string): boolean {
    return this.byEvent.has(name) || this.prefixed.some((d) => d.triggers.some((t) => t.prefix !== undefined && name.startsWith(t.prefix)));
  }

  /** Functions with a cancelOn rule for this event name. */
  cancelledBy(eventName: string): FunctionDef[] {
    return this.cancelling.get(eventName) ?? [];
  }
}
