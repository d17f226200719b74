import { z } from "zod";

/**
 * The one place that reads process.env. Parsed lazily (and cached) so that
 * `next build`, which evaluates route modules, never needs runtime secrets.
 */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** An empty value (`KEY=` in a .env file) counts as unset. */
const blankAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalString,
  POSTGRES_URL: optionalString,
  AUTH_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: "AUTH_SECRET must be at least 32 characters",
  }),
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
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Interface the launcher binds Next to; loopback unless you mean to expose it. */
  HOST: z.string().default("127.0.0.1"),
  JARVUS_DB_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  INNGEST_LOCAL_PORT: z.coerce.number().int().min(1).max(65535).default(8288),
  INNGEST_LOCAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8289),
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
