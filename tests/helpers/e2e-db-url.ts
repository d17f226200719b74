import os from "node:os";
import path from "node:path";

/**
 * Where scripts/e2e-server.ts leaves the URL of the database it gave the app,
 * so Playwright tests can seed rows directly (the app has no test endpoints).
 * Keyed by the app's port: two e2e servers on different ports do not clash.
 */
export function e2eDatabaseUrlFile(appPort: string | number = process.env.E2E_PORT ?? 3100): string {
  return path.join(os.tmpdir(), `jarvus-e2e-db-url-${appPort}`);
}
