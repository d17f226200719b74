import { getTurnById } from "@/db/queries/turns";
import { getOrCreateSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseUuidParam } from "@/lib/http/parse";
import { getTurnStatusView } from "@/lib/memory/turn-status";

export const GET = withErrorHandling(
  async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
    const id = parseUuidParam((await params).id, "turn");
    const { userId } = await getOrCreateSession();
    const turn = await getTurnById({ userId, id });
    if (!turn) throw new AppError("not_found:turn", "No such turn.");
    return Response.json(await getTurnStatusView(turn), { headers: { "cache-control": "no-store" } });
  },
);
