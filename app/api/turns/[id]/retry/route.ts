import { randomUUID } from "node:crypto";
import { resetFailedMemoryJobs } from "@/db/queries/memory-jobs";
import { getTurnById, setTurnMemoryStatus } from "@/db/queries/turns";
import { sendTurnEvent } from "@/inngest/send";
import { requireSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseUuidParam } from "@/lib/http/parse";
import { enforceRateLimit } from "@/lib/http/rate-limit";

/**
 * Runs the turn's memory extraction again: failed jobs go back to pending and
 * the event is re-sent under a fresh id (the turn id itself is deduplicated).
 * Jobs already done are skipped by the function, and storing is idempotent.
 * Limited per turn (RATE_LIMIT_RETRY): every retry is a run.
 */
export const POST = withErrorHandling(
  async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
    const id = parseUuidParam((await params).id, "turn");
    const { userId } = await requireSession();
    const turn = await getTurnById({ userId, id });
    if (!turn) throw new AppError("not_found:turn", "No such turn.");
    // A done turn has nothing left to extract, and a skipped one (memory off) must never be: no run.
    if (turn.memoryStatus === "done" || turn.memoryStatus === "skipped") {
      return Response.json({ id, status: turn.memoryStatus }, { status: 202 });
    }
    await enforceRateLimit("retry", id);
    await resetFailedMemoryJobs({ turnId: id });
    await setTurnMemoryStatus({ id, status: "pending" });
    // If the send fails the turn stays pending and the outbox re-sends it.
    await sendTurnEvent(
      { turnId: id, userId, conversationId: turn.conversationId, source: turn.source },
      { eventId: `${id}:retry:${randomUUID()}` },
    );
    return Response.json({ id, status: "pending" }, { status: 202 });
  },
);
