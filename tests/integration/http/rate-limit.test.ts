import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { clientAddress, enforceRateLimit, resetRateLimiters } from "@/lib/http/rate-limit";
import { resetEnvCache } from "@/lib/env";

/** rate-limiter-flexible's Postgres store against the run's real database (embedded or server). */
function configure(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
  resetRateLimiters();
}

afterEach(() => configure({ RATE_LIMIT: undefined, RATE_LIMIT_CHAT: undefined, TRUST_PROXY: undefined, VERCEL: undefined }));

describe("enforceRateLimit", () => {
  it("allows the window's points per key, then answers 429 rate_limit:<surface> with Retry-After", async () => {
    configure({ RATE_LIMIT_CHAT: "3/1m" });
    const user = randomUUID();
    for (let i = 0; i < 3; i++) await enforceRateLimit("chat", user);
    const error = await enforceRateLimit("chat", user).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("rate_limit:chat");
    expect((error as AppError).status).toBe(429);
    const retryAfter = Number((error as AppError).headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another key has its own budget.
    await expect(enforceRateLimit("chat", randomUUID())).resolves.toBeUndefined();
  });

  it("counts concurrent requests exactly (one atomic upsert each)", async () => {
    configure({ RATE_LIMIT_CHAT: "5/1m" });
    const user = randomUUID();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => enforceRateLimit("chat", user)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
  });

  it("is off with RATE_LIMIT=off", async () => {
    configure({ RATE_LIMIT_CHAT: "1/1m", RATE_LIMIT: "off" });
    const user = randomUUID();
    for (let i = 0; i < 5; i++) await enforceRateLimit("chat", user);
  });
});

describe("clientAddress", () => {
  const req = new Request("http://x/", { headers: { "x-forwarded-for": "203.0.113.7, 10.0.0.1" } });

  it("trusts X-Forwarded-For only behind a trusted proxy (Vercel, or TRUST_PROXY=true)", () => {
    configure({});
    expect(clientAddress(req)).toBe("direct");
    configure({ VERCEL: "1" });
    expect(clientAddress(req)).toBe("203.0.113.7");
    configure({ TRUST_PROXY: "true" });
    expect(clientAddress(req)).toBe("203.0.113.7");
    configure({ VERCEL: "1", TRUST_PROXY: "false" });
    expect(clientAddress(req)).toBe("direct");
  });
});
