import { cron } from "inngest";
import { getTurnsToResend, markTurnsEventSent } from "@/db/queries/turns";
import { inngest } from "../client";
import { turnEvent } from "../send";

/** A turn whose send was never even tried this long after its reply lost it (the process died). */
export const NEVER_SENT_THRESHOLD_MS = 30_000;
/** A sent turn still pending this long after was evidently dropped by the server. */
export const PENDING_TURN_THRESHOLD_MS = 2 * 60_000;
/** A turn processing this long without progress lost its run (far beyond three retries' back-off). */
export const STUCK_TURN_THRESHOLD_MS = 15 * 60_000;
/**
 * An imported turn waits in the import's throttle behind the rest of the file (2,000 turns at
 * ~1.4 turns/s take ~25 minutes): treated as lost or stuck only after this long, or every sweep
 * would start a second run of it.
 */
export const IMPORTED_TURN_THRESHOLD_MS = 6 * 60 * 60_000;
// An import whose hand-over failed can leave thousands pending; they drain through the throttle anyway.
const BATCH = 500;

/**
 * The outbox sweeper: every minute, re-send `chat/turn.completed` for turns
 * whose event did not get through (the send failed, the server dropped it,
 * or the run died), so no turn is ever left without its memories. A failed
 * send is re-sent at the first sweep after Inngest is back (the local server
 * fires a missed tick as soon as it restarts).
 */
export const reconcilePendingTurns = inngest.createFunction(
  {
    id: "reconcile-pending-turns",
    name: "Re-send events of pending turns",
    triggers: [cron("* * * * *")],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const stale = await step.run("find-stale-turns", async () =>
      (
        await getTurnsToResend({
          neverSentMs: NEVER_SENT_THRESHOLD_MS,
          lostMs: PENDING_TURN_THRESHOLD_MS,
          stuckMs: STUCK_TURN_THRESHOLD_MS,
          importedMs: IMPORTED_TURN_THRESHOLD_MS,
          limit: BATCH,
        })
      ).map((t) => ({
        ...t,
        // A never-sent turn keeps its natural id; a re-send of a sent (or stuck) one needs a
        // fresh id, or the 24 h event-id dedupe would swallow it.
        eventId: t.eventSentAt || t.memoryStatus !== "pending" ? `${t.id}:resend:${Date.now()}` : t.id,
      })),
    );
    if (stale.length === 0) return { resent: 0 };
    await step.sendEvent(
      "resend-turn-events",
      stale.map((t) => turnEvent({ turnId: t.id, userId: t.userId, conversationId: t.conversationId, source: t.source }, t.eventId)),
    );
    await step.run("mark-events-sent", () => markTurnsEventSent({ ids: stale.map((t) => t.id) }));
    return { resent: stale.length };
  },
);
