import { after } from "next/server";
import { sendTurnEvents } from "@/inngest/send";
import { requireSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/parse";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { importHistory, ImportValidationError, parseImport } from "@/lib/import";
import { z } from "zod";
import { MAX_IMPORT_BYTES } from "./schema";

/**
 * POST /api/import: conversation history from elsewhere (the Jarvus format or
 * ChatGPT's conversations.json), validated whole before anything is written,
 * stored with its original times, and handed to the memory pipeline turn by
 * turn (throttled). 202 `{ importId, conversations, turns }`: what was new.
 */
export const POST = withErrorHandling(async (request: Request) => {
  const body = await parseJsonBody(request, z.unknown(), { surface: "import", maxBytes: MAX_IMPORT_BYTES });
  let parsed;
  try {
    parsed = parseImport(body);
  } catch (error) {
    if (error instanceof ImportValidationError) {
      throw new AppError("bad_request:import", `Invalid import at ${error.path}: ${error.reason}`, {
        cause: error,
      });
    }
    throw error;
  }
  const { userId } = await requireSession();
  await enforceRateLimit("import", userId);
  const saved = await importHistory({ userId, parsed });
  after(() =>
    sendTurnEvents(saved.turns.map((t) => ({ turnId: t.id, userId, conversationId: t.conversationId, source: "import" }))),
  );
  return Response.json(
    { importId: saved.importId, conversations: saved.conversations, turns: saved.turns.length },
    { status: 202 },
  );
});
