import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { Pool } from "pg";
import { databaseUrl } from "@/lib/env";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema>;

// One pool per process, opened on first use: `next build` evaluates route
// modules and must never open a connection. Kept on globalThis so that hot
// reloads in `next dev` do not leak pools.
const globalForDb = globalThis as unknown as { jarvusPool?: Pool; jarvusDb?: Database };

export function getPool(): Pool {
  if (!globalForDb.jarvusPool) {
    const url = databaseUrl();
    if (!url) {
      throw new Error(
        "No database configured: set DATABASE_URL (or POSTGRES_URL), or start the app with `npm run dev`, which starts embedded Postgres.",
      );
    }
    const pool = new Pool({ connectionString: url, max: 10 });
    // An idle client that loses its connection (a database restart) emits
    // "error" on the pool; unhandled, that would crash the process. The pool
    // drops that client and the next query opens a new one.
    pool.on("error", (error) => console.error("[db] idle connection lost", error.message));
    globalForDb.jarvusPool = pool;
  }
  return globalForDb.jarvusPool;
}

export function getDb(): Database {
  globalForDb.jarvusDb ??= drizzle(getPool(), { schema });
  return globalForDb.jarvusDb;
}

/** Ends the pool (tests, scripts). The next getDb() opens a new one. */
export async function closeDb(): Promise<void> {
  const pool = globalForDb.jarvusPool;
  globalForDb.jarvusPool = undefined;
  globalForDb.jarvusDb = undefined;
  await pool?.end();
}
