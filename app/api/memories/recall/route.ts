import { requireSession } from "@/lib/auth/session";
import { withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/parse";
import { recall } from "@/lib/memory/recall";
import { recallRequestSchema } from "./schema";

/**
 * Exactly the memories the chat would put into the prompt for this message,
 * in prompt order, with the rendered context's token count (same recall()
 * as the chat). A read, but POST: the query is the user's words.
 */
export const POST = withErrorHandling(async (request: Request) => {
  const { query, budget } = await parseJsonBody(request, recallRequestSchema, { surface: "recall", maxBytes: 64 * 1024 });
  const { userId } = await requireSession();
  const { memories, tokens, budget: used } = await recall({ userId, query, budget });
  return Response.json({ memories, tokens, budget: used }, { headers: { "cache-control": "no-store" } });
});
