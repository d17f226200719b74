import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { migrateDatabase } from "@/db/migrate";
import { databaseUrl, env } from "@/lib/env";
import { loadDotEnv } from "./dotenv";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";
import { acquireLock } from "./lock";
import { isPortFree } from "./ports";
import { supervise, type Supervised } from "./supervise";

/**
 * `npm run dev` / `npm start`: one command that brings up everything the app
 * needs on a fresh machine — embedded Postgres when no URL is configured, the
 * migrations, the local Inngest server (unless another Inngest is configured),
 * and Next itself — and takes all of it down on Ctrl-C.
 */
type Mode = "dev" | "start";
type InngestMode = "local" | "cli" | "external";

const require = createRequire(import.meta.url);
const log = (line: string) => console.log(`[launcher] ${line}`);

async function main() {
  const mode = process.argv[2] as Mode;
  if (mode !== "dev" && mode !== "start") {
    console.error("usage: tsx scripts/launcher.ts dev|start [--inngest=cli]");
    process.exit(2);
  }
  loadDotEnv();
  if (mode === "start") Object.assign(process.env, { NODE_ENV: "production" });
  const e = env();
  if (mode === "start" && !e.AUTH_SECRET) {
    fail(
      "AUTH_SECRET is required for `npm start` (production signs session cookies with it). " +
        "Set one of at least 32 characters, e.g. `AUTH_SECRET=$(openssl rand -base64 32) npm start`.",
    );
  }
  if (mode === "start" && !fs.existsSync(path.join(".next", "BUILD_ID"))) {
    fail("No production build found: run `npm run build` first.");
  }

  const lock = acquireLockOrFail(e.JARVUS_DATA_DIR);
  const stops: Array<() => Promise<void>> = [async () => lock.release()];
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log("stopping…");
    for (const stop of stops.reverse()) {
      await stop().catch((error) => console.error("[launcher] stop failed", error));
    }
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  try {
    let dbUrl = databaseUrl();
    if (!dbUrl) {
      const embedded = await startEmbedded(e.JARVUS_DATA_DIR, e.JARVUS_DB_PORT);
      stops.push(() => embedded.stop());
      dbUrl = embedded.url;
      log(`embedded Postgres: ${dbUrl} (data in ${path.join(e.JARVUS_DATA_DIR, "pglite")})`);
    } else {
      log(`Postgres: ${redact(dbUrl)}`);
    }
    await migrateDatabase(dbUrl);
    log("migrations applied");

    const appUrl = `http://${e.HOST === "0.0.0.0" ? "127.0.0.1" : e.HOST}:${e.PORT}`;
    const inngestMode = chooseInngestMode();
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: dbUrl,
      NEXT_TELEMETRY_DISABLED: "1",
    };

    if (inngestMode === "local") {
      const inngestUrl = `http://127.0.0.1:${e.INNGEST_LOCAL_PORT}`;
      childEnv.INNGEST_DEV = inngestUrl;
      stops.push(startLocalInngest(dbUrl, appUrl, childEnv).stop);
      log(`local Inngest server: ${inngestUrl} (runs page http://127.0.0.1:${e.INNGEST_LOCAL_UI_PORT})`);
    } else if (inngestMode === "cli") {
      childEnv.INNGEST_DEV = "http://127.0.0.1:8288";
      const cli = supervise({
        name: "Inngest Dev Server",
        command: "npx",
        args: ["--yes", "inngest-cli@latest", "dev", "-u", `${appUrl}/api/inngest`, "--no-discovery"],
        env: childEnv,
        restart: false,
        onExit: (code) => log(`Inngest Dev Server exited (code ${code}); the chat keeps working`),
      });
      stops.push(cli.stop);
      log("official Inngest Dev Server: http://127.0.0.1:8288 (needs internet to download)");
    } else {
      log("Inngest: using the configured server (INNGEST_DEV / Inngest Cloud keys)");
    }

    const next = supervise({
      name: "Next",
      command: process.execPath,
      args: [require.resolve("next/dist/bin/next"), mode, "-p", String(e.PORT), "-H", e.HOST],
      env: childEnv,
      restart: false,
      onExit: (code) => {
        log(`Next exited (code ${code})`);
        void shutdown(code ?? 1);
      },
    });
    stops.push(next.stop);
    log(`app: ${appUrl} (${mode === "dev" ? "development" : "production"}) — Ctrl-C stops everything`);
  } catch (error) {
    console.error("[launcher] failed to start:", error instanceof Error ? error.message : error);
    await shutdown(1);
  }
}

function chooseInngestMode(): InngestMode {
  if (process.argv.includes("--inngest=cli")) return "cli";
  const e = env();
  if (e.INNGEST_DEV || e.INNGEST_SIGNING_KEY) return "external";
  return "local";
}

function startLocalInngest(dbUrl: string, appUrl: string, childEnv: NodeJS.ProcessEnv): Supervised {
  const e = env();
  return supervise({
    name: "local Inngest server",
    command: process.execPath,
    args: [
      "--import",
      "tsx",
      path.join("inngest", "local-server", "main.ts"),
      "--port",
      String(e.INNGEST_LOCAL_PORT),
      "--ui-port",
      String(e.INNGEST_LOCAL_UI_PORT),
      "--database-url",
      dbUrl,
      "--app-url",
      `${appUrl}/api/inngest`,
    ],
    env: childEnv,
    // If it dies the chat keeps working (turns wait in the outbox); bring it back.
    restart: true,
  });
}

async function startEmbedded(dataDir: string, preferredPort: number): Promise<EmbeddedPostgres> {
  const port = (await isPortFree(preferredPort)) ? preferredPort : 0;
  if (port === 0) log(`port ${preferredPort} is taken; embedded Postgres takes a free one`);
  return startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite"), port });
}

function acquireLockOrFail(dataDir: string) {
  try {
    return acquireLock(dataDir);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}

function fail(message: string): never {
  console.error(`[launcher] ${message}`);
  process.exit(1);
}

await main();
