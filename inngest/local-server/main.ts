/**
 * CLI entry point: `tsx inngest/local-server/main.ts --database-url … --app-url …`
 * (flags and env vars in config.ts USAGE). Exits cleanly on SIGINT/SIGTERM.
 */
import { parseCli, resolveOptions, USAGE } from "./config";
import { startLocalInngestServer } from "./index";

async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (cli.help) {
    console.log(USAGE);
    return;
  }
  if (!cli.options.databaseUrl) {
    console.error(`inngest-local: no database: pass --database-url or set DATABASE_URL\n\n${USAGE}`);
    process.exit(2);
  }
  try {
    resolveOptions(cli.options);
  } catch (err) {
    // Keys and names are checked before anything connects: a bad value is a usage error.
    console.error((err as Error).message);
    process.exit(2);
  }
  const server = await startLocalInngestServer(cli.options);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[inngest-local] ${signal}: stopping`);
    // A second signal, or a stop that hangs, must not leave the process behind.
    setTimeout(() => process.exit(1), 10_000).unref();
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`[inngest-local] error while stopping: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`[inngest-local] failed to start: ${(err as Error).message}`);
  process.exit(1);
});
