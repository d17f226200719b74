import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { e2eDatabaseUrlFile } from "@/tests/helpers/e2e-db-url";
import { createTestDatabase } from "@/tests/helpers/test-database";
import { buildStatus } from "./build-freshness";
import { freePort } from "./ports";

/**
 * The server Playwright tests run against: a production build served by the
 * real launcher (`npm start` path), on ports of its own, with a database of
 * its own — a fresh one on TEST_DATABASE_URL's server, else embedded Postgres
 * in a temporary data folder. Builds first when the build is missing or older
 * than the sources, so `npm test` works on a fresh checkout.
 */
function ensureBuild() {
  const build = buildStatus();
  if (build && !build.stale) return;
  console.log("[e2e-server] building the app (next build)…");
  const result = spawnSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

ensureBuild();
const appPort = process.env.E2E_PORT ?? "3100";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "jarvus-e2e-"));
const database = process.env.TEST_DATABASE_URL ? await createTestDatabase() : undefined;
// The embedded database gets a port chosen here, so its URL is known to the tests
// (they seed rows through it: tests/e2e/helpers/db.ts); the app has no test endpoints.
const dbPort = database ? undefined : await freePort();
const urlFile = e2eDatabaseUrlFile(appPort);
fs.writeFileSync(urlFile, database?.url ?? `postgres://postgres@127.0.0.1:${dbPort}/postgres?sslmode=disable`, {
  mode: 0o600,
});

const child = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "launcher.ts"), "start"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PORT: appPort,
    HOST: "127.0.0.1",
    JARVUS_DATA_DIR: dataDir,
    ...(dbPort ? { JARVUS_DB_PORT: String(dbPort) } : {}),
    INNGEST_LOCAL_PORT: process.env.E2E_INNGEST_PORT ?? "8388",
    INNGEST_LOCAL_UI_PORT: process.env.E2E_INNGEST_UI_PORT ?? "8389",
    AUTH_SECRET: "e2e-only-secret-that-is-at-least-32-characters",
    // Every test is a new guest from 127.0.0.1; the limits themselves are tested on a server of their own.
    RATE_LIMIT_GUESTS: "100000/10m",
    // Likewise every sign-up and sign-in; the per-email sign-in limit (brute force) stays as shipped.
    RATE_LIMIT_AUTH: "100000/10m",
    ...(database ? { DATABASE_URL: database.url } : { DATABASE_URL: "" }),
  },
});

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  child.kill("SIGTERM");
  await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(null)));
  await database?.drop().catch((error) => console.error("[e2e-server] drop failed", error));
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(urlFile, { force: true });
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
child.on("exit", (code) => void stop(code ?? 1));
