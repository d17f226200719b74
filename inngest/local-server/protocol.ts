/**
 * The executor side of the SDK's HTTP protocol (inngest 4.24.0): the request
 * body of a call and what each answer means. See
 * the project's protocol brief (inngest-local-protocol.md, §4–§8) for the verified details.
 */
import type { HttpClient, HttpResponse } from "./http-client";
import { TransportError } from "./http-client";

/** One entry of a 206 body. Unknown fields are ignored (the SDK leaks internals into some). */
export interface Op {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown> | null;
  data?: unknown;
  error?: unknown;
}

export type Memo = { data: unknown } | { error: unknown };

export interface SerializedError {
  name?: string;
  message?: string;
  stack?: string;
  [k: string]: unknown;
}

export type CallOutcome =
  /** No HTTP answer at all (connection refused/reset, timeout). */
  | { kind: "transport"; message: string }
  /** 200: the function returned. */
  | { kind: "completed"; data: unknown; version?: number }
  /** 206: ops; `noRetry`/`retryAfter` qualify a StepError. */
  | { kind: "ops"; ops: Op[]; noRetry: boolean; retryAfter?: string; version?: number }
  /** 4xx/5xx: a function-level error; `noRetry` makes it final. */
  | { kind: "error"; status: number; error: SerializedError; noRetry: boolean; retryAfter?: string; version?: number };

export interface CallRequest {
  runId: string;
  event: unknown;
  memos: Array<{ hashedId: string; memo: Memo }>;
  attempt: number;
  maxAttempts: number;
  disableImmediateExecution: boolean;
  reqVersion: number;
}

/**
 * The body of a call. `ctx.fn_id` (and `qi_id`) are deliberately absent: their
 * presence switches the SDK to checkpointing, which this server does not
 * implement (brief §9). `events` is always `[event]`: the SDK does not derive it.
 */
export function buildCallBody(r: CallRequest): string {
  const steps: Record<string, Memo> = {};
  for (const m of r.memos) steps[m.hashedId] = m.memo;
  const stack = r.memos.map((m) => m.hashedId);
  return JSON.stringify({
    event: r.event,
    events: [r.event],
    steps,
    version: r.reqVersion,
    ctx: {
      run_id: r.runId,
      attempt: r.attempt,
      max_attempts: r.maxAttempts,
      disable_immediate_execution: r.disableImmediateExecution,
      use_api: false,
      stack: { stack, current: stack.length },
    },
  });
}

/** The function's call URL with `stepId` set ("step" = discover/continue). */
export function stepUrl(runtimeUrl: string, stepId: string): string {
  const u = new URL(runtimeUrl);
  u.searchParams.set("stepId", stepId);
  return u.href;
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function toSerializedError(value: unknown, fallback: string): SerializedError {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const message =
      typeof v.message === "string" ? v.message : typeof v.error === "string" ? v.error : fallback;
    return { ...v, name: typeof v.name === "string" ? v.name : "Error", message };
  }
  if (typeof value === "string" && value) return { name: "Error", message: value };
  return { name: "Error", message: fallback };
}

/** Interprets one SDK answer. Exported for tests of odd answers. */
export function interpretResponse(res: HttpResponse): CallOutcome {
  // Streaming (INNGEST_STREAMING=true): 201, whitespace heartbeats, then the real answer as JSON.
  if (res.status === 201) {
    const inner = parseJson(res.body.trimStart());
    if (inner && typeof inner === "object" && "status" in inner) {
      const i = inner as { status: number; headers?: Record<string, string>; body?: string };
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(i.headers ?? {})) headers[k.toLowerCase()] = v;
      return interpretResponse({ status: i.status, headers, body: typeof i.body === "string" ? i.body : JSON.stringify(i.body ?? null) });
    }
    return { kind: "error", status: 201, error: { name: "Error", message: "unreadable streamed answer" }, noRetry: false };
  }
  const versionHeader = Number(res.headers["x-inngest-req-version"]);
  const version = Number.isInteger(versionHeader) && res.headers["x-inngest-req-version"] ? versionHeader : undefined;
  const noRetry = res.headers["x-inngest-no-retry"] === "true";
  const retryAfter = res.headers["retry-after"] || undefined;
  const body = parseJson(res.body);
  if (res.status === 200) return { kind: "completed", data: body, version };
  if (res.status === 206) {
    const list = Array.isArray(body) ? body : body && typeof body === "object" ? [body] : [];
    const ops = list.filter((o): o is Op => !!o && typeof o === "object" && typeof (o as Op).op === "string");
    if (ops.length === 0) {
      return { kind: "error", status: 206, error: { name: "Error", message: "206 without any op" }, noRetry: false, version };
    }
    return { kind: "ops", ops, noRetry, retryAfter, version };
  }
  const sdkAnswered = res.headers["x-inngest-sdk"] !== undefined || res.headers["x-inngest-no-retry"] !== undefined;
  const fallback = sdkAnswered
    ? `app answered ${res.status}`
    : `app answered ${res.status} without the Inngest SDK (is the URL a serve() endpoint?)`;
  return { kind: "error", status: res.status, error: toSerializedError(body, fallback), noRetry, retryAfter, version };
}

export async function callApp(http: HttpClient, url: string, body: string, timeoutMs: number): Promise<CallOutcome> {
  try {
    const res = await http.request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-inngest-server-kind": "dev" },
      body,
      timeoutMs,
    });
    return interpretResponse(res);
  } catch (err) {
    if (err instanceof TransportError) return { kind: "transport", message: err.message };
    return { kind: "transport", message: (err as Error).message };
  }
}
