/**
 * The database a bench runs against.
 *
 * - BENCH_DATABASE_URL set: a fresh database of the bench's own on that server
 *   (created here, dropped in close(), like tests/helpers/test-database.ts).
 * - Otherwise embedded Postgres (in-memory PGlite over the wire protocol,
 *   scripts/embedded-postgres.ts). By default it runs in a child process, as
 *   under `npm run dev` (the launcher process holds PGlite, the app and the
 *   local Inngest server are other processes); BENCH_PGLITE=inprocess puts it
 *   on the bench's own thread instead.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabaseOnServer } from "@/tests/helpers/test-database";

export interface BenchDatabase {
  url: string;
  /** "server" (BENCH_DATABASE_URL), "pglite-child" or "pglite-inprocess". */
  kind: "server" | "pglite-child" | "pglite-inprocess";
  /** The PGlite child's pid, for CPU accounting. */
  pid?: number;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export async function openBenchDatabase(): Promise<BenchDatabase> {
  const serverUrl = process.env.BENCH_DATABASE_URL?.trim();
  if (serverUrl) return createOnServer(serverUrl);
  const mode = process.env.BENCH_PGLITE?.trim() || "child";
  if (mode === "inprocess") {
    const { startEmbeddedPostgres } = await import("@/scripts/embedded-postgres");
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, kind: "pglite-inprocess", close: () => embedded.stop() };
  }
  if (mode !== "child") throw new Error(`BENCH_PGLITE must be "child" or "inprocess", got ${JSON.stringify(mode)}`);
  return startPgliteChild();
}

/**
 * A migrated bench database that the app's own modules (db/client.ts, via
 * lib/env.ts) use: for benches that run the app's code in-process.
 */
export async function openAppBenchDatabase(): Promise<BenchDatabase> {
  const db = await openBenchDatabase();
  const { migrateDatabase } = await import("@/db/migrate");
  await migrateDatabase(db.url);
  process.env.DATABASE_URL = db.url;
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  return db;
}

async function createOnServer(serverUrl: string): Promise<BenchDatabase> {
  const database = await createDatabaseOnServer(serverUrl, "jarvus_bench");
  return { url: database.url, kind: "server", close: () => database.drop() };
}

/** bench/lib/pglite-child.ts in its own node process; it exits when our stdin pipe closes. */
async function startPgliteChild(): Promise<BenchDatabase> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "pglite-child.ts")],
    { stdio: ["pipe", "pipe", "inherit"], cwd: path.resolve(here, "..", "..") },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("embedded Postgres child did not start within 60 s")), 60_000);
    child.once("exit", (code) => reject(new Error(`embedded Postgres child exited early (code ${code})`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /^READY (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    kind: "pglite-child",
    pid: child.pid,
    async close() {
      child.stdin!.end(); // the child stops PGlite and exits
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
