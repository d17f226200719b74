import { deleteMessagesFromById } from "@/db/queries/conversations";
import { requireSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseUuidParam, toStorableText } from "@/lib/http/parse";

interface Params {
  params: Promise<{ id: string; messageId: string }>;
}

/**
 * Takes back a message and everything after it ("edit and resend"): the
 * messages and their turns go, and what was learned from them is forgotten.
 * 204; someone else's (or an unknown) message is 404.
 */
export const DELETE = withErrorHandling(async (_request: Request, { params }: Params) => {
  const { id, messageId } = await params;
  const conversationId = parseUuidParam(id, "message");
  const message = toStorableText(decodeURIComponent(messageId), "message");
  if (message.length === 0 || message.length > 100) throw new AppError("not_found:message", "No such message.");
  const { userId } = await requireSession();
  if (!(await deleteMessagesFromById({ userId, conversationId, messageId: message }))) {
    throw new AppError("not_found:message", "No such message.");
  }
  return new Response(null, { status: 204 });
});
