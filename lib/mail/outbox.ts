import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";

/**
 * The development outbox: mail that would have been sent, kept in a file
 * under the data folder (it survives restarts of `npm run dev`) and shown on
 * /dev/outbox. Never used in production.
 */
export interface OutboxEntry {
  to: string;
  subject: string;
  text: string;
  sentAt: string;
}

const KEEP = 50;

function outboxFile(): string {
  return path.join(env().JARVUS_DATA_DIR, "outbox.json");
}

export async function readOutbox(): Promise<OutboxEntry[]> {
  try {
    return JSON.parse(await fs.readFile(outboxFile(), "utf8")) as OutboxEntry[];
  } catch {
    return [];
  }
}

export async function appendToOutbox(message: Omit<OutboxEntry, "sentAt">): Promise<void> {
  const entries = [{ ...message, sentAt: new Date().toISOString() }, ...(await readOutbox())].slice(0, KEEP);
  await writeOutbox(entries);
}

/** "Delete my account" forgets the mail sent to that address too. */
export async function forgetOutboxMailTo(address: string): Promise<void> {
  const entries = await readOutbox();
  const kept = entries.filter((m) => m.to.toLowerCase() !== address.toLowerCase());
  if (kept.length !== entries.length) await writeOutbox(kept);
}

async function writeOutbox(entries: OutboxEntry[]): Promise<void> {
  const file = outboxFile();
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify(entries, null, 2), { mode: 0o600 });
}
