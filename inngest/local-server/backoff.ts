/**
 * Retry delays. The real server uses a fixed table indexed by the attempt that
 * just failed (pkg/backoff TableBackoff), plus 0–30 s of jitter. Locally the
 * same curve is multiplied by a factor so a failing step retries in seconds
 * (default 0.1) or milliseconds (tests), not minutes.
 */

const TABLE_MS = [
  15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 2_400_000, 3_600_000, 7_200_000,
];

/** Delay before the retry that follows failed attempt `attempt` (zero-based). */
export function retryDelayMs(attempt: number, factor: number, random: () => number = Math.random): number {
  const base = TABLE_MS[Math.min(Math.max(attempt, 0), TABLE_MS.length - 1)] ?? 7_200_000;
  // ±10 % jitter so a burst of failing runs does not retry in lockstep.
  const jitter = 1 + (random() - 0.5) * 0.2;
  return Math.round(base * factor * jitter);
}

/**
 * Delay before re-sending a call the app never answered (connection refused or
 * reset: the app is restarting, or was killed). These do not consume attempts,
 * so they back off gently and are not scaled away.
 */
export function transportRetryDelayMs(failures: number): number {
  return Math.min(200 * 2 ** Math.max(failures, 0), 5_000);
}
