import { and, asc, eq } from "drizzle-orm";
import { getDb } from "../client";
import { messages, turns, type MessageRole } from "../schema";

export interface StoredMessage {
  id: string;
  role: MessageRole;
  parts: unknown[];
  createdAt: Date;
  /** The turn an assistant message completed (null for user messages). */
  turnId: string | null;
}

export async function getMessagesByConversationId({
  userId,
  conversationId,
}: {
  userId: string;
  conversationId: string;
}): Promise<StoredMessage[]> {
  return getDb()
    .select({
      id: messages.id,
      role: messages.role,
      parts: messages.parts,
      createdAt: messages.createdAt,
      turnId: turns.id,
    })
    .from(messages)
    .leftJoin(turns, eq(turns.assistantMessageId, messages.id))
    .where(and(eq(messages.conversationId, conversationId), eq(messages.userId, userId)))
    .orderBy(asc(messages.seq));
}

export async function getMessageById({
  id,
}: {
  id: string;
}): Promise<{ conversationId: string; userId: string; role: MessageRole } | undefined> {
  const [row] = await getDb()
    .select({ conversationId: messages.conversationId, userId: messages.userId, role: messages.role })
    .from(messages)
    .where(eq(messages.id, id));
  return row;
}
