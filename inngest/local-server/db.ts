import { createHash } from "node:crypto";
import pg from "pg";

export type Queryable = pg.Pool | pg.PoolClient;

/** Fully qualified, quoted table names in the server's schema. */
export interface Tables {
  schema: string;
  apps: string;
  functions: string;
  events: string;
  eventIds: string;
  runs: string;
  memos: string;
  steps: string;
  stepAttempts: string;
  queue: string;
  waits: string;
  debounces: string;
  idempotencyKeys: string;
  crons: string;
  throttles: string;
  secrets: string;
  migrations: string;
}

/**
 * Every statement names its tables with the schema instead of relying on
 * search_path: behind the PGlite socket all connections share one session, so
 * a `SET search_path` would leak into the app's own queries.
 */
export function tablesFor(schema: string): Tables {
  const q = (t: string) => `"${schema}"."${t}"`;
  return {
    schema: `"${schema}"`,
    apps: q("apps"),
    functions: q("functions"),
    events: q("events"),
    eventIds: q("event_ids"),
    runs: q("runs"),
    memos: q("memos"),
    steps: q("steps"),
    stepAttempts: q("step_attempts"),
    queue: q("queue"),
    waits: q("waits"),
    debounces: q("debounces"),
    idempotencyKeys: q("idempotency_keys"),
    crons: q("crons"),
    throttles: q("throttles"),
    secrets: q("secrets"),
    migrations: q("migrations"),
  };
}

/**
 * Opens the server's pool. On a real Postgres its own sessions use
 * synchronous_commit=off: each step result is its own small commit, and
 * waiting for a WAL flush on every one of them doubled the latency of a run
 * here. A crash of this server or of the app loses nothing (Postgres has every
 * commit); only a crash of Postgres or the OS may lose the last fraction of a
 * second, after which an event may be missing or a step may run again. That
 * suits a development server. PGlite does not flush per commit anyway, and
 * there the setting would leak into the app's sessions (all connections share
 * one), so it is left alone.
 */
export async function openPool(databaseUrl: string, max: number): Promise<pg.Pool> {
  const probe = new pg.Client({ connectionString: databaseUrl });
  await probe.connect();
  let version: string;
  try {
    version = (await probe.query<{ v: string }>("SELECT version() AS v")).rows[0]?.v ?? "";
  } finally {
    await probe.end();
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    idleTimeoutMillis: 30_000,
    ...(/pglite/i.test(version) ? {} : { options: "-c synchronous_commit=off" }),
  });
  // A dropped idle connection (database restarted) must not crash the process.
  pool.on("error", () => {});
  return pool;
}

/**
 * A value as an SQL literal. Quoted literals are of type `unknown` to the
 * server, exactly like untyped bind parameters, so `$n` and its literal
 * resolve to the same types (casts such as `$1::float8` work the same).
 */
export function toLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (Array.isArray(value)) {
    const items = value.map((v) => (v === null || v === undefined ? "NULL" : `"${String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`));
    return pg.escapeLiteral(`{${items.join(",")}}`);
  }
  if (typeof value === "object") return pg.escapeLiteral(JSON.stringify(value));
  return pg.escapeLiteral(String(value));
}

/** Replaces $1…$n with escaped literals. The SQL texts here never contain `$` otherwise. */
export function inlineParams(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= values.length) throw new Error(`SQL parameter $${n} has no value`);
    return toLiteral(values[i]);
  });
}

/**
 * Runs parameterized SQL. Statements are written with $n parameters and run
 * as server-side prepared statements — PREPARE once per connection, then
 * `EXECUTE name(literals)` — over the simple query protocol. Both choices are
 * for PGlite, where the server spends most of its time: its socket server
 * handles every extended-protocol message (Parse, Bind, Describe, Execute,
 * Sync) as a separate exclusive step, and planning a multi-CTE statement in
 * WebAssembly costs as much as running it. Measured there: 3.1 → 1.4 ms CPU
 * for the hottest statement. Real Postgres runs the same path.
 *
 * Behind the PGlite socket all connections share one session, so a statement
 * prepared by one connection exists for all of them: names are derived from
 * the SQL text (identical text, identical statement), "already exists" means
 * ready, and the per-connection bookkeeping below is only a cache.
 */
export interface Sql {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<pg.QueryResult<R>>;
}

const preparedOn = new WeakMap<pg.ClientBase, Set<string>>();

function statementName(text: string): string {
  return `inngest_local_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
}

function paramCount(text: string): number {
  let max = 0;
  for (const m of text.matchAll(/\$(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

/** Prepares `text` on this connection's session unless it is known to be there. */
async function ensurePrepared(client: pg.ClientBase, name: string, text: string): Promise<void> {
  let known = preparedOn.get(client);
  if (!known) preparedOn.set(client, (known = new Set()));
  if (known.has(name)) return;
  const exists = await client.query(`SELECT 1 FROM pg_prepared_statements WHERE name = '${name}'`);
  if (exists.rowCount === 0) {
    try {
      await client.query(`PREPARE ${name} AS ${text}`);
    } catch (err) {
      // Another connection of a shared session (PGlite) prepared it first.
      if ((err as { code?: string }).code !== "42P05") throw err;
    }
  }
  known.add(name);
}

/** The statement to send: EXECUTE of the prepared form, or the text itself when it has no parameters. */
async function statementFor(client: pg.ClientBase, text: string, values: readonly unknown[]): Promise<string> {
  if (values.length === 0) return text;
  if (paramCount(text) !== values.length) throw new Error(`SQL expects ${paramCount(text)} parameters, got ${values.length}`);
  const name = statementName(text);
  await ensurePrepared(client, name, text);
  return `EXECUTE ${name}(${values.map(toLiteral).join(", ")})`;
}

/** The connection lost a prepared statement (its session was reset): forget what it had. */
function forgetPrepared(client: pg.ClientBase, err: unknown): boolean {
  if ((err as { code?: string }).code !== "26000") return false;
  preparedOn.delete(client);
  return true;
}

export function sqlOf(pool: pg.Pool): Sql {
  return {
    query: async <R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []) => {
      const client = await pool.connect();
      try {
        try {
          return await client.query<R>(await statementFor(client, text, values));
        } catch (err) {
          if (!forgetPrepared(client, err)) throw err;
          return await client.query<R>(await statementFor(client, text, values));
        }
      } finally {
        client.release();
      }
    },
  };
}

/** A transaction: its statements, and work for after commit (log lines, wake-ups) or rollback. */
export interface Tx extends Sql {
  afterCommit(fn: () => void): void;
  onRollback(fn: () => void): void;
}

// Deadlocks and serialization failures are safe to retry: the whole transaction
// rolled back and every write in it is idempotent or fenced. 26000: a prepared
// statement vanished (session reset); it is prepared again on the retry.
const RETRYABLE = new Set(["40P01", "40001", "26000"]);

/** Runs a single statement again if Postgres picked it as a deadlock victim. */
export async function retryOnDeadlock<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= 5) throw err;
    }
  }
}

export async function withTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const client = await pool.connect();
    const callbacks: Array<() => void> = [];
    const undo: Array<() => void> = [];
    let begun = false;
    const tx: Tx = {
      query: async <R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []) => {
        if (!begun) {
          // BEGIN travels with the first statement: one round trip fewer per transaction.
          begun = true;
          if (values.length === 0 || preparedOn.get(client)?.has(statementName(text))) {
            const results = (await client.query(`BEGIN; ${await statementFor(client, text, values)}`)) as unknown as Array<pg.QueryResult<R>>;
            return results[1] as pg.QueryResult<R>;
          }
          await client.query("BEGIN");
        }
        return client.query<R>(await statementFor(client, text, values));
      },
      afterCommit: (cb) => callbacks.push(cb),
      onRollback: (cb) => undo.push(cb),
    };
    let result: T;
    try {
      result = await fn(tx);
      if (begun) await client.query("COMMIT");
    } catch (err) {
      for (const cb of undo) cb();
      forgetPrepared(client, err);
      let broken = false;
      if (begun) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true;
        }
      }
      client.release(broken);
      const code = (err as { code?: string }).code;
      if (code && RETRYABLE.has(code) && attempt < 5) continue;
      throw err;
    }
    client.release();
    for (const cb of callbacks) {
      try {
        cb();
      } catch {
        // A log line or wake-up failing must not turn a committed transaction into an error.
      }
    }
    return result;
  }
}

/** JSON for a jsonb parameter (objects would be inlined as JSON anyway; this keeps intent visible). */
export function json(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}
