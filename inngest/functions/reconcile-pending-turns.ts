import { cron } from "inngest";
import { getStalePendingTurns, markTurnsEventSent } from "@/db/queries/turns";
import { inngest } from "../client";
import { turnCompleted } from "../events";

/** A turn still pending this long after its reply was evidently never delivered to Inngest. */
export const PENDING_TURN_THRESHOLD_MS = 2 * 60_000;
const BATCH = 100;

/**
 * The outbox sweeper: every minute, re-send `chat/turn.completed` for turns
 * whose event was lost (the send failed, or the server dropped it), so no
 * turn is ever left without its memories.
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
      (await getStalePendingTurns({ olderThanMs: PENDING_TURN_THRESHOLD_MS, limit: BATCH })).map((t) => ({
        ...t,
        // A never-sent turn keeps its natural id; a re-send of a sent one needs a fresh id,
        // or the 24 h event-id dedupe would swallow it.
        eventId: t.eventSentAt ? `${t.id}:resend:${Date.now()}` : t.id,
      })),
    );
    if (stale.length === 0) return { resent: 0 };
    await step.sendEvent(
      "resend-turn-events",
      stale.map((t) =>
        turnCompleted.create({ userId: t.userId, conversationId: t.conversationId, turnId: t.id }, { id: t.eventId }),
      ),
    );
    await step.run("mark-events-sent", () => markTurnsEventSent({ ids: stale.map((t) => t.id) }));
    return { resent: stale.length };
  },
);
