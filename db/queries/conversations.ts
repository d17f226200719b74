import { and, desc, eq } from "drizzle-orm";
import { getDb } from "../client";
import { conversations } from "../schema";

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: Date;
}

export async function getConversationsByUserId({
  userId,
}: {
  userId: string;
}): Promise<ConversationSummary[]> {
  return getDb()
    .select({ id: conversations.id, title: conversations.title, updatedAt: conversations.updatedAt })
    .from(conversations)
    .where(eq(conversations.userId, userId))
    .orderBy(desc(conversations.updatedAt))
    .limit(200);
}

export async function getConversationById({
  userId,
  id,
}: {
  userId: string;
  id: string;
}): Promise<ConversationSummary | undefined> {
  const [row] = await getDb()
    .select({ id: conversations.id, title: conversations.title, updatedAt: conversations.updatedAt })
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
