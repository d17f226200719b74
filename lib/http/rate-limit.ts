import "server-only";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getPool } from "@/db/client";
import { env } from "@/lib/env";
import { AppError } from "./errors";

/**
 * Rate limits with rate-limiter-flexible's Postgres store: the counters live in
 * the app's own database (table `rate_limits`, created by a migration), so one
 * limiter serves the embedded default, a Postgres server and every Vercel
 * function instance alike. Windows are fixed (a counter per key per window).
 */
export type RateLimitSurface = "session" | "chat" | "retry" | "import" | "sign-in" | "auth" | "password-reset";

const configKey = {
  session: "RATE_LIMIT_GUESTS",
  chat: "RATE_LIMIT_CHAT",
  retry: "RATE_LIMIT_RETRY",
  import: "RATE_LIMIT_IMPORT",
  "sign-in": "RATE_LIMIT_SIGN_IN",
  auth: "RATE_LIMIT_AUTH",
  "password-reset": "RATE_LIMIT_PASSWORD_RESET",
} as const satisfies Record<RateLimitSurface, string>;

const what: Record<RateLimitSurface, string> = {
  session: "new sessions from your address",
  chat: "messages",
  retry: "retries of this reply's memory",
  import: "imports",
  "sign-in": "sign-in attempts for this email address",
  auth: "sign-in and sign-up attempts from your address",
  "password-reset": "password-reset requests for this email address",
};

const limiters = new Map<RateLimitSurface, RateLimiterPostgres>();

function limiterFor(surface: RateLimitSurface): RateLimiterPostgres {
  let limiter = limiters.get(surface);
  if (!limiter) {
    const { points, windowMs } = env()[configKey[surface]];
    const pool = getPool();
    limiter = new RateLimiterPostgres({
      // Unnamed statements: behind the embedded PGlite socket every connection shares one
      // session, where the library's named prepared statements would collide.
      storeClient: { query: (q: { text: string; values?: unknown[] }) => pool.query(q.text, q.values) },
      storeType: "pool",
      tableName: "rate_limits",
      tableCreated: true,
      keyPrefix: surface,
      points,
      duration: Math.ceil(windowMs / 1000),
    });
    limiters.set(surface, limiter);
  }
  return limiter;
}

/**
 * Counts one action against `key` (a user, turn or client address) and throws
 * 429 `rate_limit:<surface>` with `Retry-After` once the window's points are
 * used up. `RATE_LIMIT=off` turns every limit off.
 */
export async function enforceRateLimit(surface: RateLimitSurface, key: string): Promise<void> {
  if (env().RATE_LIMIT === "off") return;
  try {
    await limiterFor(surface).consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new AppError(`rate_limit:${surface}`, `Too many ${what[surface]}. Try again in ${seconds} s.`, {
      headers: { "retry-after": String(seconds) },
    });
  }
}

/** Forgets the limiters, so tests that change the limits or the database get fresh ones. */
export function resetRateLimiters(): void {
  limiters.clear();
}

/**
 * The client address rate limits count against. Only a proxy we trust (Vercel's
 * edge, or TRUST_PROXY=true) sets X-Forwarded-For truthfully; Next fills it in
 * from the socket only when the client sent none, so otherwise it is the
 * client's to forge and every guest counts against one shared bucket.
 */
export function clientAddress(request: { headers: Headers }): string {
  const e = env();
  const trusted = e.TRUST_PROXY ? e.TRUST_PROXY === "true" : e.VERCEL !== undefined;
  if (!trusted) return "direct";
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}
