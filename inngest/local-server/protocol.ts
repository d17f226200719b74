/**
 * The executor side of the SDK's HTTP protocol (inngest 4.24.0): the request
 * body of a call and what each answer means. See
 * the project's protocol brief (inngest-local-protocol.md, §4–§8) for the verified details.
 */
import { canonicalJson } from "./canonical-json";
import type { HttpClient, HttpResponse } from "./http-client";
import { TransportError } from "./http-client";
import { signatureHeader, verifySignature, type SigningKey } from "./signing";

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
 * Signed bodies are written canonically, so the signature covers the bytes sent.
 */
export function buildCallBody(r: CallRequest, serialize: (value: unknown) => string = JSON.stringify): string {
  const steps: Record<string, Memo> = {};
  for (const m of r.memos) steps[m.hashedId] = m.memo;
  const stack = r.memos.map((m) => m.hashedId);
  return serialize({
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

/**
 * Streaming (INNGEST_STREAMING=true): 201, whitespace heartbeats, then the real
 * answer as JSON `{status, headers, body}`, whose headers carry the signature.
 * Anything else is returned as it came.
 */
export function unwrapStreamed(res: HttpResponse): HttpResponse {
  if (res.status !== 201) return res;
  const inner = parseJson(res.body.trimStart());
  if (!inner || typeof inner !== "object" || !("status" in inner)) return res;
  const i = inner as { status: number; headers?: Record<string, string>; body?: unknown };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.headers ?? {})) headers[k.toLowerCase()] = String(v);
  return { status: i.status, headers, body: typeof i.body === "string" ? i.body : JSON.stringify(i.body ?? null) };
}

/** Interprets one SDK answer. Exported for tests of odd answers. */
export function interpretResponse(raw: HttpResponse): CallOutcome {
  const res = unwrapStreamed(raw);
  if (res.status === 201) {
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

/** How this server talks to apps: dev mode (unsigned, like the Dev Server) or production (signed). */
export interface CallSecurity {
  signingKey: SigningKey | null;
}

export function serverKind(security: CallSecurity): "dev" | "cloud" {
  return security.signingKey ? "cloud" : "dev";
}

/** Headers for a request to an app: the server kind, and the signature of `body` in production mode. */
export function requestHeaders(security: CallSecurity, body: string): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", "x-inngest-server-kind": serverKind(security) };
  if (security.signingKey) headers["x-inngest-signature"] = signatureHeader(security.signingKey, body);
  return headers;
}

/**
 * Why an answer from the app cannot be trusted in production mode, or
 * undefined if it is signed with our key. The SDK signs every answer to a
 * request whose signature it accepted; it answers 401 unsigned when it did not.
 */
export function responseSignatureProblem(security: CallSecurity, res: HttpResponse): string | undefined {
  if (!security.signingKey) return undefined;
  const check = verifySignature(security.signingKey, res.headers["x-inngest-signature"], res.body);
  if (check.ok) return undefined;
  if (check.problem === "missing") {
    return res.status === 401
      ? "the app rejected the request signature (401): the app and this server need the same signing key"
      : "response signature missing: the app did not sign its answer (an app in dev mode never does; production mode needs it in cloud mode with the same signing key)";
  }
  if (check.problem === "expired") return "response signature expired: the app's clock is more than 5 minutes off";
  return "response signature invalid: the answer was not signed with this server's signing key";
}

export async function callApp(http: HttpClient, security: CallSecurity, url: string, body: string, timeoutMs: number): Promise<CallOutcome> {
  let res: HttpResponse;
  try {
    res = await http.request(url, { method: "POST", headers: requestHeaders(security, body), body, timeoutMs });
  } catch (err) {
    if (err instanceof TransportError) return { kind: "transport", message: err.message };
    return { kind: "transport", message: (err as Error).message };
  }
  const answer = unwrapStreamed(res);
  const problem = responseSignatureProblem(security, answer);
  // An untrusted answer is a failed attempt like any error: retried per the normal rules.
  if (problem) return { kind: "error", status: answer.status, error: { name: "SignatureError", message: problem }, noRetry: false };
  return interpretResponse(answer);
}
