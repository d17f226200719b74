import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { migrateDatabase } from "@/db/migrate";
import { databaseUrl, env } from "@/lib/env";
import { loadDotEnv } from "./dotenv";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";
import { inngestKeys } from "./inngest-keys";
import { acquireLock, type Lock } from "./lock";
import { freePort, isPortFree } from "./ports";
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
  if (mode === "start" && e.INNGEST_DEV) {
    fail(
      "INNGEST_DEV is set, but `npm start` is production: INNGEST_DEV turns off the Inngest SDK's signature " +
        "checks, so anyone who can reach the app could run its functions. Unset it (the launcher signs with " +
        "INNGEST_SIGNING_KEY / INNGEST_EVENT_KEY, generated when unset), or use `npm run dev`.",
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
    const inngestMode = chooseInngestMode(mode);
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: dbUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      // Against DNS rebinding: the app answers loopback names, and what ALLOWED_HOSTS adds.
      ALLOWED_HOSTS: e.ALLOWED_HOSTS ?? "localhost,127.0.0.1,[::1]",
    };

    if (inngestMode === "local") {
      const inngestUrl = `http://127.0.0.1:${e.INNGEST_LOCAL_PORT}`;
      childEnv.INNGEST_DASHBOARD_URL ??= inngestUrl;
      // "Delete my account" purges the user's stored runs there (lib/auth/delete-account.ts).
      childEnv.INNGEST_LOCAL_SERVER_URL = inngestUrl;
      const serverEnv: NodeJS.ProcessEnv = { ...childEnv };
      if (mode === "start") {
        // Production: signed like self-hosted Inngest; the app runs in the SDK's cloud mode, which
        // verifies every call's signature, and finds the server through INNGEST_BASE_URL.
        const keys = inngestKeys(e.JARVUS_DATA_DIR, { signingKey: e.INNGEST_SIGNING_KEY, eventKey: e.INNGEST_EVENT_KEY });
        Object.assign(childEnv, {
          INNGEST_SIGNING_KEY: keys.signingKey,
          INNGEST_EVENT_KEY: keys.eventKey,
          INNGEST_BASE_URL: inngestUrl,
          // The URL the SDK registers comes from the sync request's Host unless this pins it.
          INNGEST_SERVE_ORIGIN: appUrl,
        });
        Object.assign(serverEnv, { INNGEST_SIGNING_KEY: keys.signingKey, INNGEST_EVENT_KEY: keys.eventKey });
        delete childEnv.INNGEST_DEV;
      } else {
        // Development: unsigned, like the Inngest Dev Server.
        childEnv.INNGEST_DEV = inngestUrl;
        for (const key of ["INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY", "INNGEST_BASE_URL"]) {
          delete childEnv[key];
          delete serverEnv[key];
        }
      }
      // Under npm start the functions run in a worker process of their own, so the steps of a
      // draining import never queue behind (or ahead of) live chat in Next's event loop.
      let functionsUrl = `${appUrl}/api/inngest`;
      if (mode === "start") {
        const workerPort = await freePort();
        const workerUrl = `http://127.0.0.1:${workerPort}`;
        stops.push(startInngestWorker(workerPort, { ...childEnv, INNGEST_SERVE_ORIGIN: workerUrl }, lock).stop);
        functionsUrl = `${workerUrl}/api/inngest`;
        // Up before the Inngest server syncs and Next takes chats: an event for functions the
        // server has not synced yet would start nothing (the outbox would re-send it minutes later).
        await waitUntilAnswering(functionsUrl, 90_000);
        log(`Inngest functions worker: ${functionsUrl}`);
      }
      stops.push(startLocalInngest(dbUrl, functionsUrl, serverEnv, lock).stop);
      log(
        `local Inngest server: ${inngestUrl} (${mode === "start" ? "signed: production mode" : "development mode"}; ` +
          `dashboard ${inngestUrl})`,
      );
    } else if (inngestMode === "cli") {
      childEnv.INNGEST_DEV = "http://127.0.0.1:8288";
      childEnv.INNGEST_DASHBOARD_URL ??= "http://127.0.0.1:8288";
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
      node: { args: [require.resolve("next/dist/bin/next"), mode, "-p", String(e.PORT), "-H", e.HOST] },
      env: childEnv,
      restart: false,
      onSpawn: (pid) => lock.recordChild("Next", pid),
      onExit: (code) => {
        log(`Next exited (code ${code})`);
        void shutdown(code ?? 1);
      },
    });
    stops.push(next.stop);
    log(`app: ${appUrl} (${mode === "dev" ? "development" : "production"}) — Ctrl-C stops everything`);
    if (!e.SMTP_URL) {
      log(
        mode === "dev"
          ? `mail (password reset): no SMTP_URL, so links are printed here and shown at ${appUrl}/dev/outbox`
          : "mail (password reset): no SMTP_URL, so password reset by email is unavailable",
      );
    }
  } catch (error) {
    console.error("[launcher] failed to start:", error instanceof Error ? error.message : error);
    await shutdown(1);
  }
}

function chooseInngestMode(mode: Mode): InngestMode {
  if (process.argv.includes("--inngest=cli")) return "cli";
  const e = env();
  if (e.INNGEST_LOCAL === "off" || e.INNGEST_BASE_URL || (mode === "dev" && e.INNGEST_DEV)) return "external";
  return "local";
}

/** Resolves once `url` answers HTTP at all (any status), or after `timeoutMs` with a warning. */
async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  log(`${url} did not answer within ${timeoutMs / 1000} s; starting the rest anyway`);
}

function startInngestWorker(port: number, env: NodeJS.ProcessEnv, lock: Lock): Supervised {
  return supervise({
    name: "Inngest functions worker",
    node: {
      args: ["--conditions=react-server", "--import", "tsx", path.join("scripts", "inngest-worker.ts"), "--port", String(port)],
    },
    env,
    // While it is down the Inngest server retries its calls; bring it back.
    restart: true,
    onSpawn: (pid) => lock.recordChild("Inngest functions worker", pid),
  });
}

function startLocalInngest(dbUrl: string, functionsUrl: string, serverEnv: NodeJS.ProcessEnv, lock: Lock): Supervised {
  const e = env();
  return supervise({
    name: "local Inngest server",
    node: {
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
        functionsUrl,
      ],
    },
    env: serverEnv,
    // If it dies the chat keeps working (turns wait in the outbox); bring it back.
    restart: true,
    onSpawn: (pid) => lock.recordChild("local Inngest server", pid),
  });
}

async function startEmbedded(dataDir: string, preferredPort: number): Promise<EmbeddedPostgres> {
  const port = (await isPortFree(preferredPort)) ? preferredPort : 0;
  if (port === 0) log(`port ${preferredPort} is taken; embedded Postgres takes a free one`);
  return startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite"), port });
}

function acquireLockOrFail(dataDir: string): Lock {
  try {
    return acquireLock(dataDir, log);
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
