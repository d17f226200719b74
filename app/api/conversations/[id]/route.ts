import { deleteConversationById, getConversationById, renameConversationById } from "@/db/queries/conversations";
import { getMessagesByConversationId } from "@/db/queries/messages";
import { requireSession } from "@/lib/auth/session";
import { toUIMessage } from "@/lib/chat/ui-messages";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody, parseUuidParam } from "@/lib/http/parse";
import { renameConversationSchema } from "./schema";

interface Params {
  params: Promise<{ id: string }>;
}

export const GET = withErrorHandling(async (_request: Request, { params }: Params) => {
  const id = parseUuidParam((await params).id, "conversation");
  const { userId } = await requireSession();
  const conversation = await getConversationById({ userId, id });
  if (!conversation) throw new AppError("not_found:conversation", "No such conversation.");
  const messages = await getMessagesByConversationId({ userId, conversationId: id });
  return Response.json({ id, title: conversation.title, temporary: conversation.temporary, messages: messages.map(toUIMessage) });
});

export const PATCH = withErrorHandling(async (request: Request, { params }: Params) => {
  const id = parseUuidParam((await params).id, "conversation");
  const { title } = await parseJsonBody(request, renameConversationSchema, { surface: "conversation", maxBytes: 2048 });
  const { userId } = await requireSession();
  const renamed = await renameConversationById({ userId, id, title });
  if (!renamed) throw new AppError("not_found:conversation", "No such conversation.");
  return Response.json(renamed);
});

export const DELETE = withErrorHandling(async (_request: Request, { params }: Params) => {
  const id = parseUuidParam((await params).id, "conversation");
  const { userId } = await requireSession();
  if (!(await deleteConversationById({ userId, id }))) {
    throw new AppError("not_found:conversation", "No such conversation.");
  }
  return new Response(null, { status: 204 });
});
