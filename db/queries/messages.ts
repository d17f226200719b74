import { randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { conversations, messages, turns, type MessageRole } from "../schema";

export interface StoredMessage {
  id: string;
  role: MessageRole;
  parts: unknown[];
  metadata: Record<string, unknown>;
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
      metadata: messages.metadata,
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

export type SaveUserMessageResult =
  /** `temporary`: the conversation's own flag (set when it was started). */
  | { status: "saved"; messageId: string; retried: boolean; temporary: boolean }
  /** The conversation id is someone else's. */
  | { status: "not_found" };

/**
 * Commits what the user said before any reply streams (DESIGN §4.3): starts
 * the conversation if the id is new, then stores the message, in one
 * transaction. A message id this user already sent in this conversation is
 * a retry (kept as it is). An id that is taken anywhere else — another user's
 * message, another conversation, an assistant message — gets a fresh id
 * instead: the message is stored all the same, and the answer never tells
 * whether someone else used the id.
 */
export async function saveUserMessage({
  userId,
  conversationId,
  title,
  message,
  temporary = false,
}: {
  userId: string;
  conversationId: string;
  title: string;
  message: { id: string; parts: unknown[] };
  /** Starts a temporary chat when the conversation is new; an existing one keeps its flag. */
  temporary?: boolean;
}): Promise<SaveUserMessageResult> {
  return getDb().transaction(async (tx) => {
    await tx.insert(conversations).values({ id: conversationId, userId, title, temporary }).onConflictDoNothing();
    const [conversation] = await tx
      .select({ userId: conversations.userId, temporary: conversations.temporary })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .for("update");
    if (conversation?.userId !== userId) return { status: "not_found" };

    const insert = (id: string) =>
      tx
        .insert(messages)
        .values({ id, conversationId, userId, role: "user", parts: message.parts })
        .onConflictDoNothing()
        .returning({ id: messages.id });
    let saved = (await insert(message.id))[0]?.id;
    let retried = false;
    if (!saved) {
      const [known] = await tx
        .select({ userId: messages.userId, conversationId: messages.conversationId, role: messages.role })
        .from(messages)
        .where(eq(messages.id, message.id));
      if (known?.userId === userId && known.conversationId === conversationId && known.role === "user") {
        saved = message.id;
        retried = true;
      } else {
        saved = (await insert(randomUUID()))[0]?.id;
      }
    }
    if (!saved) throw new Error("insert into messages returned no row");
    await tx.update(conversations).set({ updatedAt: sql`now()` }).where(eq(conversations.id, conversationId));
    return { status: "saved", messageId: saved, retried, temporary: conversation.temporary };
  });
}
