import { claimDelayedTurnResend, markTurnEventFailed, markTurnEventSent } from "@/db/queries/turns";
import { inngest } from "./client";
import { turnCompleted } from "./events";

/**
 * Hands a saved turn to the memory pipeline. The event id is the turn id, so
 * a duplicate send is harmless; a retry passes a fresh id on purpose. When
 * the send fails the turn stays pending, is marked delayed (the UI says so),
 * and reconcile-pending-turns re-sends it.
 */
export async function sendTurnCompleted(
  turn: { turnId: string; userId: string; conversationId: string },
  options: { eventId?: string } = {},
): Promise<boolean> {
  try {
    await inngest.send(
      turnCompleted.create(
        { userId: turn.userId, conversationId: turn.conversationId, turnId: turn.turnId },
        { id: options.eventId ?? turn.turnId },
      ),
    );
  } catch (error) {
    // Expected while Inngest is down: one line, no stack trace.
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(`[memory] could not send the event for turn ${turn.turnId} (${reason}); the outbox will retry`);
    await markTurnEventFailed({ id: turn.turnId, error: reason });
    return false;
  }
  await markTurnEventSent({ id: turn.turnId });
  return true;
}

/** How often a delayed turn that someone is watching is tried again, between outbox sweeps. */
export const DELAYED_RESEND_EVERY_MS = 10_000;

/**
 * One more attempt for a delayed turn while its reply is on screen (the UI
 * polls its status), so memory catches up within seconds of Inngest coming
 * back instead of at the next sweep. At most one attempt per turn per
 * DELAYED_RESEND_EVERY_MS, however many tabs poll.
 */
export async function resendDelayedTurn(turn: { turnId: string; userId: string; conversationId: string }): Promise<void> {
  if (await claimDelayedTurnResend({ id: turn.turnId, everyMs: DELAYED_RESEND_EVERY_MS })) {
    await sendTurnCompleted(turn);
  }
}
