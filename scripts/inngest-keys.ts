import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface InngestKeys {
  signingKey: string;
  eventKey: string;
}

/**
 * The keys a production start (`npm start`) runs the local Inngest server and
 * the app with, like `inngest start --signing-key … --event-key …`: each taken
 * from INNGEST_SIGNING_KEY / INNGEST_EVENT_KEY when set, otherwise generated
 * once and kept under the data folder (mode 0600) so restarts keep them — the
 * way development keeps its AUTH_SECRET.
 */
export function inngestKeys(dataDir: string, given: Partial<InngestKeys>): InngestKeys {
  if (given.signingKey && given.eventKey) return { signingKey: given.signingKey, eventKey: given.eventKey };
  const file = path.join(dataDir, "inngest-keys.json");
  let stored: Partial<InngestKeys> = {};
  try {
    stored = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<InngestKeys>;
  } catch {
    // first production start on this data folder
  }
  const kept: InngestKeys = {
    // The SDK expects the `signkey-<env>-<hex>` shape; the hex part is the HMAC key.
    signingKey: stored.signingKey ?? `signkey-prod-${randomBytes(32).toString("hex")}`,
    eventKey: stored.eventKey ?? randomBytes(32).toString("hex"),
  };
  if (kept.signingKey !== stored.signingKey || kept.eventKey !== stored.eventKey) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(kept), { mode: 0o600 });
  }
  return { signingKey: given.signingKey ?? kept.signingKey, eventKey: given.eventKey ?? kept.eventKey };
}
