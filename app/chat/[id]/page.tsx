import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ChatPage } from "@/components/chat/chat-page";
import { getConversationById } from "@/db/queries/conversations";
import { getMessagesByConversationId } from "@/db/queries/messages";
import { getSession } from "@/lib/auth/session";
import { toUIMessage } from "@/lib/chat/ui-messages";
import { isUuid } from "@/lib/uuid";

export const dynamic = "force-dynamic";

/** The tab says which conversation this is. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  const session = await getSession();
  const conversation = session && isUuid(id) ? await getConversationById({ userId: session.userId, id }) : undefined;
  return { title: conversation ? `${conversation.title} · Jarvus` : "Jarvus" };
}

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getSession();
  if (!session || !isUuid(id)) notFound();
  // Someone else's conversation is indistinguishable from a missing one.
  const conversation = await getConversationById({ userId: session.userId, id });
  if (!conversation) notFound();
  const messages = await getMessagesByConversationId({ userId: session.userId, conversationId: id });
  return (
    <ChatPage
      conversationId={id}
      initialMessages={messages.map(toUIMessage)}
      title={conversation.title}
      temporary={conversation.temporary}
    />
  );
}
