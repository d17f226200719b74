import "server-only";
import { deleteUserAndEverything, type RowCounts } from "@/db/queries/accounts";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { forgetOutboxMailTo } from "@/lib/mail/outbox";

/**
 * "Delete my account": the local Inngest server's stored events and runs of
 * the user (their payloads carry the user id), then every row of theirs in
 * the app's database in one transaction, then the runs once more (a reply
 * that was finishing while this ran may have sent one more event).
 *
 * With Inngest Cloud or another server, the app cannot reach run history:
 * their retention policy applies (README, Accounts).
 */
export async function deleteAccount({ userId, email }: { userId: string; email: string }): Promise<{ deleted: RowCounts; inngest: { events: number; runs: number } | null }> {
  const first = await purgeInngestRuns(userId);
  const { deleted } = await deleteUserAndEverything({ userId });
  const second = await purgeInngestRuns(userId).catch((error: unknown) => {
    console.error("[account] second Inngest purge failed", error);
    return null;
  });
  await forgetOutboxMailTo(email);
  const inngest = first ? { events: first.events + (second?.events ?? 0), runs: first.runs + (second?.runs ?? 0) } : null;
  return { deleted, inngest };
}

/** POST /v0/purge on the local Inngest server (inngest/local-server/purge.ts); null when there is none. */
async function purgeInngestRuns(userId: string): Promise<{ events: number; runs: number } | null> {
  const e = env();
  if (!e.INNGEST_LOCAL_SERVER_URL) return null;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (e.INNGEST_SIGNING_KEY) headers.authorization = `Bearer ${e.INNGEST_SIGNING_KEY}`;
  let response: Response;
  try {
    response = await fetch(new URL("/v0/purge", e.INNGEST_LOCAL_SERVER_URL), {
      method: "POST",
      headers,
      body: JSON.stringify({ eventData: { userId } }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (cause) {
    throw new AppError("unavailable:inngest", "The background-job server cannot be reached, so nothing was deleted. Try again in a minute.", { cause });
  }
  if (!response.ok) {
    throw new AppError("unavailable:inngest", "The background-job server did not purge your runs, so nothing was deleted. Try again in a minute.", {
      cause: new Error(`purge answered ${response.status}: ${await response.text().catch(() => "")}`),
    });
  }
  return (await response.json()) as { events: number; runs: number };
}
