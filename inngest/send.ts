import type { TurnSource } from "@/db/schema";
import { claimDelayedTurnResend, markTurnEventFailed, markTurnsEventSent } from "@/db/queries/turns";
import { inngest } from "./client";
import { turnCompleted, turnImported } from "./events";

export interface TurnRef {
  turnId: string;
  userId: string;
  conversationId: string;
  /** Imported history goes to its throttled function. Default: a live chat turn. */
  source?: TurnSource;
}

/** The memory event of a turn: event id = turn id unless a retry passes a fresh one. */
export function turnEvent(turn: TurnRef, eventId: string = turn.turnId) {
  const event = turn.source === "import" ? turnImported : turnCompleted;
  return event.create({ userId: turn.userId, conversationId: turn.conversationId, turnId: turn.turnId }, { id: eventId });
}

/** Events per request to the Inngest event API when a batch is handed over (an import). */
const SEND_BATCH = 100;

/**
 * Hands saved turns to the memory pipeline. The event id is the turn id, so
 * a duplicate send is harmless; a retry passes a fresh id on purpose. When
 * a send fails its turns stay pending, are marked delayed (the UI says so),
 * and reconcile-pending-turns re-sends them. True when every event went.
 */
export async function sendTurnEvents(turns: TurnRef[], options: { eventId?: string } = {}): Promise<boolean> {
  let allSent = true;
  for (let start = 0; start < turns.length; start += SEND_BATCH) {
    const batch = turns.slice(start, start + SEND_BATCH);
    try {
      await inngest.send(batch.map((t) => turnEvent(t, options.eventId)));
    } catch (error) {
      // Expected while Inngest is down: one line, no stack trace.
      const reason = error instanceof Error ? error.message : String(error);
      const which = batch.length === 1 ? `turn ${batch[0]!.turnId}` : `${batch.length} turns`;
      console.warn(`[memory] could not send the event for ${which} (${reason}); the outbox will retry`);
      for (const t of batch) await markTurnEventFailed({ id: t.turnId, error: reason });
      allSent = false;
      continue;
    }
    await markTurnsEventSent({ ids: batch.map((t) => t.turnId) });
  }
  return allSent;
}

/** One turn's event; see sendTurnEvents. */
export function sendTurnEvent(turn: TurnRef, options: { eventId?: string } = {}): Promise<boolean> {
  return sendTurnEvents([turn], options);
}

/** How often a delayed turn that someone is watching is tried again, between outbox sweeps. */
export const DELAYED_RESEND_EVERY_MS = 10_000;

/**
 * One more attempt for a delayed turn while its reply is on screen (the UI
 * polls its status), so memory catches up within seconds of Inngest coming
 * back instead of at the next sweep. At most one attempt per turn per
 * DELAYED_RESEND_EVERY_MS, however many tabs poll.
 */
export async function resendDelayedTurn(turn: TurnRef): Promise<void> {
  if (await claimDelayedTurnResend({ id: turn.turnId, everyMs: DELAYED_RESEND_EVERY_MS })) {
    await sendTurnEvent(turn);
  }
}
