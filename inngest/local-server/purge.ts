/**
 * Purge ("delete my account"): every stored event whose `data` has all the
 * given top-level key/values, the system events that embed such an event or
 * report on a purged run (inngest/function.failed, .finished, .cancelled),
 * every run those events started (with reruns and failure handlers), and
 * everything of those runs: memos, steps, queued work, waits, debounced
 * events, idempotency keys, user-supplied event ids, and throttle state no
 * remaining run uses (per-key throttles keyed by the user's data). One
 * transaction; calls still in flight for a purged run are fenced off by their
 * lease, so nothing of it is written back.
 */
import { z } from "zod";
import type { ServerContext } from "./context";
import { json, withTransaction } from "./db";

export const purgeRequestSchema = z.object({
  eventData: z
    .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]))
    .refine((data) => Object.keys(data).length > 0, { message: "eventData needs at least one key: an empty match would purge everything" }),
});

export type PurgeRequest = z.infer<typeof purgeRequestSchema>;

const SYSTEM_EVENTS = ["inngest/function.failed", "inngest/function.finished", "inngest/function.cancelled"];

export async function purgeByEventData(ctx: ServerContext, request: PurgeRequest): Promise<{ events: number; runs: number }> {
  const { t } = ctx;
  const match = json(request.eventData);
  return withTransaction(ctx.pool, async (tx) => {
    // Containment of scalars is equality, so this is "every key has this value".
    const events = await tx.query<{ id: string }>(
      `SELECT id FROM ${t.events}
       WHERE payload->'data' @> $1::jsonb
          OR (name = ANY($2) AND payload->'data'->'event'->'data' @> $1::jsonb)`,
      [match, SYSTEM_EVENTS],
    );
    const eventIds = events.rows.map((r) => r.id);
    const runIds: string[] = [];
    // Runs of those events, then the system events about those runs and the
    // runs those started (failure handlers), until nothing new turns up.
    let newEvents = eventIds;
    while (newEvents.length > 0) {
      const runs = await tx.query<{ id: string }>(
        `SELECT id FROM ${t.runs} WHERE (event_id = ANY($1) OR rerun_of = ANY($2)) AND NOT (id = ANY($2))`,
        [newEvents, runIds],
      );
      const found = runs.rows.map((r) => r.id);
      runIds.push(...found);
      const reports = await tx.query<{ id: string }>(
        `SELECT id FROM ${t.events} WHERE name = ANY($1) AND payload->'data'->>'run_id' = ANY($2) AND NOT (id = ANY($3))`,
        [SYSTEM_EVENTS, found, eventIds],
      );
      newEvents = reports.rows.map((r) => r.id);
      eventIds.push(...newEvents);
    }
    const throttleKeys = await tx.query<{ key: string }>(
      `SELECT DISTINCT throttle_key AS key FROM ${t.runs} WHERE id = ANY($1) AND throttle_key IS NOT NULL`,
      [runIds],
    );
    await tx.query(`DELETE FROM ${t.idempotencyKeys} WHERE run_id = ANY($1)`, [runIds]);
    await tx.query(`DELETE FROM ${t.eventIds} WHERE event_id = ANY($1)`, [eventIds]);
    await tx.query(`DELETE FROM ${t.debounces} WHERE event_id = ANY($1) OR event->'data' @> $2::jsonb`, [eventIds, match]);
    // memos, steps, queue items and waits go with their run (ON DELETE CASCADE).
    const deletedRuns = await tx.query(`DELETE FROM ${t.runs} WHERE id = ANY($1)`, [runIds]);
    await tx.query(
      `DELETE FROM ${t.throttles} th WHERE th.key = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM ${t.runs} r WHERE r.throttle_key = th.key)`,
      [throttleKeys.rows.map((r) => r.key)],
    );
    await tx.query(`UPDATE ${t.events} SET duplicate_of = NULL WHERE duplicate_of = ANY($1)`, [eventIds]);
    const deletedEvents = await tx.query(`DELETE FROM ${t.events} WHERE id = ANY($1)`, [eventIds]);
    const counts = { events: deletedEvents.rowCount ?? 0, runs: deletedRuns.rowCount ?? 0 };
    tx.afterCommit(() => ctx.log.info(`purged ${counts.events} event(s) and ${counts.runs} run(s) matching ${Object.keys(request.eventData).join(", ")}`));
    return counts;
  });
}
