import { deleteConversationById, getConversationById } from "@/db/queries/conversations";
import { getMessagesByConversationId } from "@/db/queries/messages";
import { requireSession } from "@/lib/auth/session";
import { toUIMessage } from "@/lib/chat/ui-messages";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseUuidParam } from "@/lib/http/parse";

interface Params {
  params: Promise<{ id: string }>;
}

export const GET = withErrorHandling(async (_request: Request, { params }: Params) => {
  const id = parseUuidParam((await params).id, "conversation");
  const { userId } = await requireSession();
  const conversation = await getConversationById({ userId, id });
  if (!conversation) throw new AppError("not_found:conversation", "No such conversation.");
  const messages = await getMessagesByConversationId({ userId, conversationId: id });
  return Response.json({ id, title: conversation.title, messages: messages.map(toUIMessage) });
});

export const DELETE = withErrorHandling(async (_request: Request, { params }: Params) => {
  const id = parseUuidParam((await params).id, "conversation");
  const { userId } = await requireSession();
  if (!(await deleteConversationById({ userId, id }))) {
    throw new AppError("not_found:conversation", "No such conversation.");
  }
  return new Response(null, { status: 204 });
});
