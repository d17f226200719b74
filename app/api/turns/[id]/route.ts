import { after } from "next/server";
import { getTurnById } from "@/db/queries/turns";
import { resendDelayedTurn } from "@/inngest/send";
import { requireSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseUuidParam } from "@/lib/http/parse";
import { getTurnStatusView } from "@/lib/memory/turn-status";

export const GET = withErrorHandling(
  async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
    const id = parseUuidParam((await params).id, "turn");
    const { userId } = await requireSession();
    const turn = await getTurnById({ userId, id });
    if (!turn) throw new AppError("not_found:turn", "No such turn.");
    const view = await getTurnStatusView(turn);
    // Someone is watching a delayed turn: try the hand-over again now rather than at the next sweep.
    if (view.delivery === "delayed") {
      after(() => resendDelayedTurn({ turnId: id, userId, conversationId: turn.conversationId, source: turn.source }));
    }
    return Response.json(view, { headers: { "cache-control": "no-store" } });
  },
);
