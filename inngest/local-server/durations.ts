/**
 * Inngest time strings ("5s", "1h30m", "2d", "500ms") and ISO dates, as the SDK
 * writes them into `Sleep` ops, debounce periods and timeouts.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;

/** Milliseconds in a time string, or undefined when it is not one. */
export function parseDuration(input: string | number | undefined | null): number | undefined {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? input : undefined;
  if (typeof input !== "string") return undefined;
  const s = input.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s); // a bare number is milliseconds, as `ms()` reads it
  if (!WHOLE.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2] ?? "ms"] ?? 0);
  return total;
}

/**
 * When a `Sleep` op ends: its `name` is a time string for `step.sleep` and an
 * ISO date for `step.sleepUntil`. Returns a delay in ms from now.
 */
export function sleepDelayMs(name: string, now = Date.now()): number | undefined {
  const d = parseDuration(name);
  if (d !== undefined) return d;
  const at = Date.parse(name);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * A `Retry-After` value as the SDK sends it: whole seconds, or an HTTP/ISO date.
 */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const d = parseDuration(v);
  if (d !== undefined) return d;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
