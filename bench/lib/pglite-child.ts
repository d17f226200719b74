/**
 * Embedded Postgres (scripts/embedded-postgres.ts, in memory) in a process of
 * its own, for the benches (see database.ts). Prints "READY <url>" and runs
 * until its stdin closes (the bench ended or died) or SIGTERM/SIGINT.
 */
import { startEmbeddedPostgres } from "@/scripts/embedded-postgres";

const db = await startEmbeddedPostgres();
process.stdout.write(`READY ${db.url}\n`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await db.stop().catch(() => {});
  process.exit(0);
};
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
