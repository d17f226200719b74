import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres } from "@/scripts/embedded-postgres";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of the test run's own: a fresh database on TEST_DATABASE_URL's
 * server (created here, dropped after, since that server outlives runs), or an
 * in-memory embedded Postgres when TEST_DATABASE_URL is unset.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) return createDatabaseOnServer(serverUrl, "jarvus_test");
  const embedded = await startEmbeddedPostgres();
  return { url: embedded.url, drop: () => embedded.stop() };
}

/** Creates `<prefix>_<time>_<random>` on the server; drop() removes it again. */
export async function createDatabaseOnServer(serverUrl: string, prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString("hex")}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withClient(serverUrl, async (c) => {
        // pg-pool's end() resolves before its sockets have closed: give the
        // sessions a moment to leave, so FORCE only has stragglers to cut.
        for (let i = 0; i < 50; i++) {
          const { rows } = await c.query<{ n: number }>(
            "select count(*)::int as n from pg_stat_activity where datname = $1",
            [name],
          );
          if (rows[0]?.n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
