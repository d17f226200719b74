import { randomUUID } from "node:crypto";
import { getDb } from "@/db/client";
import { conversations, memories, messages, turns, users, type MemoryType } from "@/db/schema";

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

export interface MemorySeed {
  type?: MemoryType;
  key?: string | null;
  content: string;
  data?: Record<string, unknown>;
  importance?: number;
  deletedAt?: Date;
}

/** Inserts memories as stored rows (consolidation is tested elsewhere); returns their ids in order. */
export async function seedMemories(userId: string, rows: MemorySeed[]): Promise<string[]> {
  const values = rows.map((r) => ({
    id: randomUUID(),
    userId,
    type: r.type ?? ("semantic" as const),
    key: r.key ?? null,
    content: r.content,
    normalized: r.content.toLowerCase(),
    data: r.data ?? { category: "other", value: null },
    importance: r.importance ?? 0.5,
    deletedAt: r.deletedAt ?? null,
  }));
  for (let i = 0; i < values.length; i += 500) await getDb().insert(memories).values(values.slice(i, i + 500));
  return values.map((v) => v.id);
}

/** A user of the calling test alone (the database is shared with other test files). */
export async function createUser(): Promise<string> {
  const id = randomUUID();
  await getDb().insert(users).values({ id });
  return id;
}
