import { randomUUID } from "node:crypto";
import { getDb } from "@/db/client";
import { conversations, messages, turns, users } from "@/db/schema";

/** A fresh user with one conversation; tests share the database, so every test makes its own. */
export async function createUserWithConversation(): Promise<{ userId: string; conversationId: string }> {
  const db = getDb();
  const userId = randomUUID();
  const conversationId = randomUUID();
  await db.insert(users).values({ id: userId });
  await db.insert(conversations).values({ id: conversationId, userId, title: "test" });
  return { userId, conversationId };
}

/** A turn (with its two messages) said at `createdAt` (default now). */
export async function createTurn({
  userId,
  conversationId,
  createdAt,
}: {
  userId: string;
  conversationId: string;
  createdAt?: Date;
}): Promise<{ userId: string; conversationId: string; turnId: string }> {
  const db = getDb();
  const userMessageId = randomUUID();
  const assistantMessageId = randomUUID();
  const turnId = randomUUID();
  await db.insert(messages).values([
    { id: userMessageId, conversationId, userId, role: "user", parts: [] },
    { id: assistantMessageId, conversationId, userId, role: "assistant", parts: [] },
  ]);
  await db.insert(turns).values({
    id: turnId,
    userId,
    conversationId,
    userMessageId,
    assistantMessageId,
    ...(createdAt ? { createdAt, completedAt: createdAt } : {}),
  });
  return { userId, conversationId, turnId };
}
