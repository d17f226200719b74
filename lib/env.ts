import { z } from "zod";

/**
 * The one place that reads process.env. Parsed lazily (and cached) so that
 * `next build`, which evaluates route modules, never needs runtime secrets.
 */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const WINDOW_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "20/10m" → { points: 20, windowMs: 600000 }. */
const rateSchema = z
  .string()
  .trim()
  .regex(/^\d+\s*\/\s*\d+\s*[smhd]$/, "must look like 20/10m (points per window; s, m, h or d)")
  .transform((v) => {
    const [, points, count, unit] = /^(\d+)\s*\/\s*(\d+)\s*([smhd])$/.exec(v)!;
    return { points: Number(points), windowMs: Number(count) * WINDOW_MS[unit as keyof typeof WINDOW_MS] };
  })
  .refine((r) => r.points > 0 && r.windowMs > 0, "points and window must be positive");

/** A rate with a default; unset or empty means the default. */
const rate = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() || fallback)
    .pipe(rateSchema);

/** An empty value (`KEY=` in a .env file) counts as unset. */
const blankAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalString,
  POSTGRES_URL: optionalString,
  AUTH_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: "AUTH_SECRET must be at least 32 characters",
  }),
  /** better-auth's signing key; unset = AUTH_SECRET (one secret signs guest cookies and account sessions). */
  BETTER_AUTH_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: "BETTER_AUTH_SECRET must be at least 32 characters",
  }),
  /**
   * The app's public URL (https://jarvus.example.com): links in password-reset mail and
   * better-auth's origin checks use it. Unset = the request's own host among loopback,
   * ALLOWED_HOSTS and Vercel's deployment URLs.
   */
  BETTER_AUTH_URL: optionalString.pipe(z.url().optional()),
  /** Outgoing mail (password reset): smtp://user:pass@host:587 or smtps://…; unset = dev outbox / unavailable in production. */
  SMTP_URL: optionalString.pipe(z.url().optional()),
  /** The From of outgoing mail. */
  MAIL_FROM: optionalString.transform((v) => v ?? "Jarvus <no-reply@localhost>"),
  /** The local Inngest server's base URL (the launcher sets it): "delete my account" purges its stored runs. */
  INNGEST_LOCAL_SERVER_URL: optionalString.pipe(z.url().optional()),
  VERCEL_URL: optionalString,
  VERCEL_BRANCH_URL: optionalString,
  VERCEL_PROJECT_PRODUCTION_URL: optionalString,
  JARVUS_DATA_DIR: z.string().default(".data"),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
  OPENAI_MODEL: optionalString.transform((v) => v ?? "gpt-4o-mini"),
  OPENAI_EXTRACTION_MODEL: optionalString,
  OPENAI_EMBEDDING_MODEL: optionalString,
  /** Vector size of OPENAI_EMBEDDING_MODEL; needed for models other than OpenAI's own. */
  OPENAI_EMBEDDING_DIMENSIONS: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).max(16_000).optional()),
  /** "off": no embeddings at all, text search only (benchmarks compare). */
  EMBEDDINGS: z.preprocess(blankAsUnset, z.enum(["on", "off"]).default("on")),
  INNGEST_DEV: optionalString,
  INNGEST_EVENT_KEY: optionalString,
  INNGEST_SIGNING_KEY: optionalString,
  INNGEST_BASE_URL: optionalString,
  /** Where a turn's run can be looked at (the launcher sets the local server's dashboard); a reply's memory status links to it. */
  INNGEST_DASHBOARD_URL: optionalString.pipe(z.url().optional()),
  /** "off": the launcher starts no local Inngest server (Inngest Cloud, or a server at INNGEST_BASE_URL). */
  INNGEST_LOCAL: z.enum(["on", "off"]).default("on"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Interface the launcher binds Next to; loopback unless you mean to expose it. */
  HOST: z.string().default("127.0.0.1"),
  /**
   * Host names the app answers (comma-separated; `*` = any). The launcher sets loopback names plus
   * these, against DNS rebinding; unset (Vercel, plain `next start`) means no check.
   */
  ALLOWED_HOSTS: optionalString,
  JARVUS_DB_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  INNGEST_LOCAL_PORT: z.coerce.number().int().min(1).max(65535).default(8288),
  INNGEST_LOCAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8289),
  /** "off" disables every rate limit (benchmarks, evaluations). */
  RATE_LIMIT: z.enum(["on", "off"]).default("on"),
  /** `<points>/<window>`, window in s/m/h/d: guests created per client address, … */
  RATE_LIMIT_GUESTS: rate("20/10m"),
  /** … chat messages per user, … */
  RATE_LIMIT_CHAT: rate("30/1m"),
  /** … memory retries per turn, … */
  RATE_LIMIT_RETRY: rate("5/10m"),
  /** … history imports per user, … */
  RATE_LIMIT_IMPORT: rate("5/1h"),
  /** … sign-in attempts per email address (brute force on one account), … */
  RATE_LIMIT_SIGN_IN: rate("10/15m"),
  /** … sign-ups, sign-ins and reset requests per client address, … */
  RATE_LIMIT_AUTH: rate("60/10m"),
  /** … password-reset mails per email address. */
  RATE_LIMIT_PASSWORD_RESET: rate("3/1h"),
  /**
   * Trust X-Forwarded-For for the client address (rate limits per address). On by default on
   * Vercel, whose edge sets it; elsewhere a client could forge it, so all guests share one bucket.
   */
  TRUST_PROXY: z.enum(["true", "false"]).optional(),
  VERCEL: optionalString,
  /** Imported turns whose memories start extracting per second, across all users (Inngest throttle). */
  IMPORT_TURNS_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(2),
  MEMORY_TOKEN_BUDGET: z.coerce.number().int().positive().default(2000),
  MEMORY_RETRIEVAL: z.enum(["on", "off"]).default("on"),
  /** How long a chat reply waits for its message's embedding before text search answers alone. */
  MEMORY_QUERY_EMBEDDING_TIMEOUT_MS: z.preprocess(blankAsUnset, z.coerce.number().int().positive().default(250)),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** The Postgres URL the app uses: DATABASE_URL, else Vercel's POSTGRES_URL. */
export function databaseUrl(): string | undefined {
  const e = env();
  return e.DATABASE_URL ?? e.POSTGRES_URL;
}

/** Tests change process.env between cases; they call this to re-read it. */
export function resetEnvCache(): void {
  cached = undefined;
}
