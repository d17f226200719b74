import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";

export interface Health {
  ok: boolean;
  db: "up" | "down";
  inngest: "up" | "down" | "cloud" | "unconfigured";
}

/**
 * Database reachability, and whether the configured Inngest server answers
 * (INNGEST_DEV, or a self-hosted/local server at INNGEST_BASE_URL) or keys are
 * set for Inngest Cloud.
 */
export async function checkHealth(): Promise<Health> {
  const [db, inngest] = await Promise.all([checkDatabase(), checkInngest()]);
  return { ok: db === "up", db, inngest };
}

async function checkDatabase(): Promise<Health["db"]> {
  try {
    await getDb().execute(sql`select 1`);
    return "up";
  } catch (error) {
    console.error("[health] database check failed", error);
    return "down";
  }
}

async function checkInngest(): Promise<Health["inngest"]> {
  const e = env();
  const devUrl = e.INNGEST_DEV && /^https?:\/\//.test(e.INNGEST_DEV) ? e.INNGEST_DEV : undefined;
  const serverUrl = devUrl ?? e.INNGEST_BASE_URL;
  if (!serverUrl) return e.INNGEST_SIGNING_KEY ? "cloud" : "unconfigured";
  try {
    const res = await fetch(new URL("/health", serverUrl), { signal: AbortSignal.timeout(1000) });
    return res.ok ? "up" : "down";
  } catch {
    return "down";
  }
}
