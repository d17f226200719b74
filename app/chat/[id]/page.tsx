import { notFound } from "next/navigation";
import { ChatPage } from "@/components/chat/chat-page";
import { getConversationById } from "@/db/queries/conversations";
import { getMessagesByConversationId } from "@/db/queries/messages";
import { getSession } from "@/lib/auth/session";
import { toUIMessage } from "@/lib/chat/ui-messages";

export const dynamic = "force-dynamic";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getSession();
  if (!session || !uuidPattern.test(id)) notFound();
  // Someone else's conversation is indistinguishable from a missing one.
  const conversation = await getConversationById({ userId: session.userId, id });
  if (!conversation) notFound();
  const messages = await getMessagesByConversationId({ userId: session.userId, conversationId: id });
  return <ChatPage conversationId={id} initialMessages={messages.map(toUIMessage)} />;
}
