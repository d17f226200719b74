import { parseArgs } from "node:util";
import { parseDuration } from "./durations";
import { parseSigningKey, type SigningKey } from "./signing";

/** Everything the server can be told; only `databaseUrl` is required. */
export interface LocalInngestServerOptions {
  /** Postgres URL (the app's database); the server keeps to its own schema. */
  databaseUrl: string;
  /** serve() endpoints to sync, e.g. http://127.0.0.1:3000/api/inngest. */
  appUrls?: string[];
  /** SDK endpoints, event API, JSON API and dashboard. 0 picks a free port. Default 8288. */
  port?: number;
  /** The old runs page port, now redirecting to `port`. 0 picks a free port; null disables it. Default 8289. */
  uiPort?: number | null;
  /** Postgres schema for all state. Default inngest_local. */
  schema?: string;
  /** How often to re-sync the apps; 0 syncs only at start and on demand. Default 5 s. */
  syncIntervalMs?: number;
  /** A leased call not renewed for this long is presumed lost and retried. Default 30 s. */
  leaseTimeoutMs?: number;
  /** Multiplies the real server's retry schedule (15 s, 30 s, 1 m, …). Default 0.1. */
  backoffFactor?: number;
  /** Calls to the app in flight at once. Default 32. */
  maxConcurrentCalls?: number;
  /** Longest a single call to the app may take. Default 15 min. */
  callTimeoutMs?: number;
  /** Fallback poll for work written by other processes. Default 1 s. */
  pollIntervalMs?: number;
  /** Postgres connections. Default 5 (PGlite serialises them anyway). */
  poolSize?: number;
  /** Where log lines go. Default console.log; pass () => {} for silence. */
  log?: (line: string) => void;
  /** Drop the per-run transition lines (startup, sync and error lines remain). */
  quiet?: boolean;
  /**
   * Production mode, like `inngest start --signing-key`: requests to apps are
   * signed and answers verified, and the event key, registration, JSON API
   * and dashboard require credentials. Hex, optionally `signkey-<env>-…`.
   */
  signingKey?: string;
  /** The event key apps send events with; required with a signing key. */
  eventKey?: string;
  /** Host names accepted besides loopback ones (localhost, 127.0.0.1, [::1]). */
  allowedHosts?: string[];
}

type Configured = Omit<LocalInngestServerOptions, "uiPort" | "signingKey" | "eventKey" | "allowedHosts">;

export type ResolvedOptions = Required<Configured> & {
  uiPort: number | null;
  mode: "dev" | "production";
  /** Set exactly in production mode. */
  signingKey: SigningKey | null;
  /** Required in production mode; in dev mode any key is accepted, as on the Dev Server. */
  eventKey: string | null;
  /** Lower-case host names allowed in the Host header, loopback names included. */
  allowedHosts: string[];
};

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "::1"];

export const DEFAULTS = {
  port: 8288,
  uiPort: 8289,
  schema: "inngest_local",
  syncIntervalMs: 5_000,
  leaseTimeoutMs: 30_000,
  backoffFactor: 0.1,
  maxConcurrentCalls: 32,
  callTimeoutMs: 15 * 60_000,
  pollIntervalMs: 1_000,
  poolSize: 5,
} as const;

/** Schema names go into SQL unparameterised, so only plain identifiers are accepted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function resolveOptions(o: LocalInngestServerOptions): ResolvedOptions {
  if (!o.databaseUrl) throw new Error("inngest-local: a database URL is required (--database-url)");
  const schema = o.schema ?? DEFAULTS.schema;
  if (!SCHEMA_NAME.test(schema)) throw new Error(`inngest-local: invalid schema name ${JSON.stringify(schema)}`);
  const signingKey = o.signingKey ? parseSigningKey(o.signingKey) : null;
  const eventKey = o.eventKey?.trim() || null;
  if (signingKey && !eventKey) {
    throw new Error("inngest-local: a signing key puts the server in production mode, which needs an event key too (--event-key or INNGEST_EVENT_KEY)");
  }
  return {
    databaseUrl: o.databaseUrl,
    appUrls: (o.appUrls ?? []).map((u) => new URL(u).href),
    port: o.port ?? DEFAULTS.port,
    uiPort: o.uiPort === undefined ? DEFAULTS.uiPort : o.uiPort,
    schema,
    syncIntervalMs: o.syncIntervalMs ?? DEFAULTS.syncIntervalMs,
    leaseTimeoutMs: o.leaseTimeoutMs ?? DEFAULTS.leaseTimeoutMs,
    backoffFactor: o.backoffFactor ?? DEFAULTS.backoffFactor,
    maxConcurrentCalls: o.maxConcurrentCalls ?? DEFAULTS.maxConcurrentCalls,
    callTimeoutMs: o.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
    pollIntervalMs: o.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    poolSize: o.poolSize ?? DEFAULTS.poolSize,
    log: o.log ?? ((line) => console.log(line)),
    quiet: o.quiet ?? false,
    mode: signingKey ? "production" : "dev",
    signingKey,
    eventKey,
    allowedHosts: [...new Set([...LOOPBACK_HOSTS, ...(o.allowedHosts ?? []).map(normalizeHost).filter(Boolean)])],
  };
}

/** A host name as compared with the Host header: lower case, no port, no IPv6 brackets. */
export function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  if (bracketed?.[1]) return bracketed[1];
  // More than one colon without brackets: a bare IPv6 address, no port.
  if (h.indexOf(":") !== h.lastIndexOf(":")) return h;
  return h.replace(/:\d*$/, "");
}

export const USAGE = `Usage: tsx inngest/local-server/main.ts [flags]

  --database-url <url>     Postgres URL            env INNGEST_LOCAL_DATABASE_URL, else DATABASE_URL
  --app-url <url>          serve() URL to sync; repeatable or comma-separated
                                                   env INNGEST_LOCAL_APP_URL
  --port <n>               SDK endpoints, event API, JSON API and dashboard
                                                   env INNGEST_LOCAL_PORT       (default 8288)
  --ui-port <n>            old runs page port: redirects to --port, 0=off
                                                   env INNGEST_LOCAL_UI_PORT    (default 8289)
  --schema <name>          Postgres schema         env INNGEST_LOCAL_SCHEMA     (default inngest_local)
  --sync-interval <dur>    re-sync period, 0=off   env INNGEST_LOCAL_SYNC_INTERVAL (default 5s)
  --lease-timeout <dur>    lost-call timeout       env INNGEST_LOCAL_LEASE_TIMEOUT (default 30s)
  --backoff-factor <x>     retry delay multiplier  env INNGEST_LOCAL_BACKOFF_FACTOR (default 0.1)
  --concurrency <n>        calls in flight         env INNGEST_LOCAL_CONCURRENCY (default 32)
  --quiet                  no per-run log lines    env INNGEST_LOCAL_QUIET=1
  --signing-key <hex>      production mode: sign calls, require credentials
                                                   env INNGEST_SIGNING_KEY
  --event-key <key>        event key (required with --signing-key)
                                                   env INNGEST_EVENT_KEY
  --allowed-hosts <a,b>    Host names accepted besides loopback
                                                   env INNGEST_LOCAL_ALLOWED_HOSTS
  --help
Without a signing key the server runs in dev mode, like the Inngest Dev Server:
unsigned calls, any event key, open JSON API and dashboard (loopback only).
Durations: 500ms, 5s, 1m, 1h30m. Flags win over env vars.`;

export interface CliConfig {
  options: LocalInngestServerOptions;
  help: boolean;
}

function durationOf(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  const ms = parseDuration(v);
  if (ms === undefined) throw new Error(`inngest-local: ${name} must be a duration like 5s, got ${JSON.stringify(v)}`);
  return ms;
}

function intOf(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`inngest-local: ${name} must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * Flags first, then env vars (INNGEST_LOCAL_* as the app's own env module
 * declares them for the ports; the keys under the names Inngest itself uses),
 * then defaults. This module and
 * main.ts are the only places the server reads process.env.
 */
export function parseCli(argv: string[], env: Record<string, string | undefined>): CliConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      "database-url": { type: "string" },
      "app-url": { type: "string", multiple: true },
      port: { type: "string" },
      "ui-port": { type: "string" },
      schema: { type: "string" },
      "sync-interval": { type: "string" },
      "lease-timeout": { type: "string" },
      "backoff-factor": { type: "string" },
      concurrency: { type: "string" },
      quiet: { type: "boolean" },
      "signing-key": { type: "string" },
      "event-key": { type: "string" },
      "allowed-hosts": { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const pick = (flag: string | undefined, envName: string): string | undefined => flag ?? env[envName] ?? undefined;
  const appUrls = (values["app-url"] ?? (env.INNGEST_LOCAL_APP_URL ? [env.INNGEST_LOCAL_APP_URL] : []))
    .flatMap((u) => u.split(","))
    .map((u) => u.trim())
    .filter(Boolean);
  const uiPort = intOf("--ui-port", pick(values["ui-port"], "INNGEST_LOCAL_UI_PORT"));
  const backoff = pick(values["backoff-factor"], "INNGEST_LOCAL_BACKOFF_FACTOR");
  const backoffFactor = backoff === undefined ? undefined : Number(backoff);
  if (backoffFactor !== undefined && !(backoffFactor >= 0)) throw new Error("inngest-local: --backoff-factor must be a number ≥ 0");
  const concurrency = intOf("--concurrency", pick(values.concurrency, "INNGEST_LOCAL_CONCURRENCY"));
  const allowedHosts = (values["allowed-hosts"] ?? (env.INNGEST_LOCAL_ALLOWED_HOSTS ? [env.INNGEST_LOCAL_ALLOWED_HOSTS] : []))
    .flatMap((h) => h.split(","))
    .map((h) => h.trim())
    .filter(Boolean);
  return {
    help: values.help === true,
    options: {
      quiet: values.quiet === true || env.INNGEST_LOCAL_QUIET === "1",
      databaseUrl: pick(values["database-url"], "INNGEST_LOCAL_DATABASE_URL") ?? env.DATABASE_URL ?? "",
      appUrls,
      port: intOf("--port", pick(values.port, "INNGEST_LOCAL_PORT")),
      // On the command line 0 means "no redirect port"; programmatically 0 means "any port".
      uiPort: uiPort === 0 ? null : uiPort,
      schema: pick(values.schema, "INNGEST_LOCAL_SCHEMA"),
      syncIntervalMs: durationOf("--sync-interval", pick(values["sync-interval"], "INNGEST_LOCAL_SYNC_INTERVAL")),
      leaseTimeoutMs: durationOf("--lease-timeout", pick(values["lease-timeout"], "INNGEST_LOCAL_LEASE_TIMEOUT")),
      backoffFactor,
      maxConcurrentCalls: concurrency === 0 ? undefined : concurrency,
      signingKey: pick(values["signing-key"], "INNGEST_SIGNING_KEY") || undefined,
      eventKey: pick(values["event-key"], "INNGEST_EVENT_KEY") || undefined,
      allowedHosts,
    },
  };
}
