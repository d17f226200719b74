import { and, asc, desc, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import { getDb } from "../client";
import { conversations, memories, memoryHistory, messages, turns } from "../schema";

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: Date;
}

export type ConversationDetails = ConversationSummary & { temporary: boolean };

export async function getConversationsByUserId({
  userId,
}: {
  userId: string;
}): Promise<ConversationSummary[]> {
  return getDb()
    .select({ id: conversations.id, title: conversations.title, updatedAt: conversations.updatedAt })
    .from(conversations)
    // Temporary chats are never listed.
    .where(and(eq(conversations.userId, userId), eq(conversations.temporary, false)))
    .orderBy(desc(conversations.updatedAt))
    .limit(200);
}

export async function getConversationById({
  userId,
  id,
}: {
  userId: string;
  id: string;
}): Promise<ConversationDetails | undefined> {
  const [row] = await getDb()
    .select({
      id: conversations.id,
      title: conversations.title,
      updatedAt: conversations.updatedAt,
      temporary: conversations.temporary,
    })
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)));
  return row;
}

/**
 * Starts the conversation if the id is new; a known id must belong to the
 * user. Returns false when the id is someone else's, so callers answer 404.
 */
export async function claimConversation({
  userId,
  id,
  title,
}: {
  userId: string;
  id: string;
  title: string;
}): Promise<boolean> {
  const db = getDb();
  await db.insert(conversations).values({ id, userId, title }).onConflictDoNothing();
  const [row] = await db
    .select({ userId: conversations.userId })
    .from(conversations)
    .where(eq(conversations.id, id));
  return row?.userId === userId;
}

/** Deletes the conversation with its messages and turns (cascade). False when not the user's. */
export async function deleteConversationById({
  userId,
  id,
}: {
  userId: string;
  id: string;
}): Promise<boolean> {
  const deleted = await getDb()
    .delete(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning({ id: conversations.id });
  return deleted.length > 0;
}

export async function renameConversationById({
  userId,
  id,
  title,
}: {
  userId: string;
  id: string;
  title: string;
}): Promise<ConversationSummary | undefined> {
  const [row] = await getDb()
    .update(conversations)
    .set({ title, updatedAt: sql`now()` })
    .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
    .returning({ id: conversations.id, title: conversations.title, updatedAt: conversations.updatedAt });
  return row;
}

/**
 * Takes back what was said from this message on ("edit and resend"): the
 * message and every later one of the conversation go, with their turns, and
 * the memories learned from those turns are forgotten (soft-deleted, with
 * history "delete"), in one transaction. False when the message is not in
 * the user's conversation.
 */
export async function deleteMessagesFromById({
  userId,
  conversationId,
  messageId,
}: {
  userId: string;
  conversationId: string;
  messageId: string;
}): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    const [from] = await tx
      .select({ seq: messages.seq })
      .from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId), eq(messages.userId, userId)));
    if (!from) return false;
    const doomed = (
      await tx
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), gte(messages.seq, from.seq)))
        .orderBy(asc(messages.seq))
    ).map((m) => m.id);
    const turnIds = (
      await tx.select({ id: turns.id }).from(turns).where(inArray(turns.userMessageId, doomed))
    ).map((t) => t.id);
    if (turnIds.length > 0) {
      const forgotten = await tx
        .update(memories)
        .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(memories.userId, userId), inArray(memories.sourceTurnId, turnIds), isNull(memories.deletedAt)))
        .returning({ id: memories.id, content: memories.content });
      if (forgotten.length > 0) {
        await tx.insert(memoryHistory).values(
          forgotten.map((m) => ({ memoryId: m.id, userId, action: "delete" as const, previousContent: m.content, content: null })),
        );
      }
    }
    // Turns go with their messages (foreign keys cascade).
    await tx.delete(messages).where(inArray(messages.id, doomed));
    await tx.update(conversations).set({ updatedAt: sql`now()` }).where(eq(conversations.id, conversationId));
    return true;
  });
}
