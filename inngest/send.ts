import { markTurnEventSent } from "@/db/queries/turns";
import { inngest } from "./client";
import { turnCompleted } from "./events";

/**
 * Hands a saved turn to the memory pipeline. The event id is the turn id, so
 * a duplicate send is harmless; a retry passes a fresh id on purpose. When
 * the send fails the turn stays pending and reconcile-pending-turns re-sends it.
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
    console.warn(`[memory] could not send the event for turn ${turn.turnId}; the outbox will retry`, error);
    return false;
  }
  await markTurnEventSent({ id: turn.turnId });
  return true;
}
