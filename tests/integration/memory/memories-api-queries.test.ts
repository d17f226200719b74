import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import {
  countActiveMemoriesByUserId,
  deleteMemoryById,
  getMemoryWithPredecessorsById,
} from "@/db/queries/memories";
import { memories, memoryHistory, type MemoryType } from "@/db/schema";
import { normalizeContent } from "@/lib/memory/normalize";
import { storeSemanticFacts } from "@/lib/memory/consolidate";
import type { SemanticFact } from "@/lib/memory/types";
import { createTurn, createUserWithConversation } from "./fixtures";

async function insertMemory(
  userId: string,
  content: string,
  overrides: Partial<typeof memories.$inferInsert> = {},
): Promise<string> {
  const [row] = await getDb()
    .insert(memories)
    .values({ userId, type: "semantic", content, normalized: normalizeContent(content), ...overrides })
    .returning({ id: memories.id });
  if (!row) throw new Error("no row");
  return row.id;
}

const homeCity = (city: string): SemanticFact => ({
  key: "home_city",
  category: "location",
  content: `User lives in ${city}`,
  value: city,
  date: null,
  importance: 0.8,
});

describe("countActiveMemoriesByUserId", () => {
  it("counts active memories per type, never inactive, deleted or other users' ones", async () => {
    const { userId } = await createUserWithConversation();
    const other = await createUserWithConversation();
    const add = (type: MemoryType, content: string, extra: Partial<typeof memories.$inferInsert> = {}) =>
      insertMemory(userId, content, { type, ...extra });
    await add("semantic", "User likes tea");
    await add("semantic", "User likes coffee");
    await add("semantic", "User lived in Paris", { invalidatedAt: new Date() });
    const gone = await add("semantic", "User is tall");
    await add("procedural", "Answer briefly");
    await insertMemory(other.userId, "Someone else's fact");
    expect(await deleteMemoryById({ userId, id: gone })).toBe(true);

    expect(await countActiveMemoriesByUserId({ userId })).toEqual({ semantic: 2, procedural: 1, episodic: 0 });
    expect(await countActiveMemoriesByUserId({ userId: randomUUID() })).toEqual({
      semantic: 0,
      procedural: 0,
      episodic: 0,
    });
  });
});

describe("getMemoryWithPredecessorsById", () => {
  it("returns the chain of superseded facts, transitively, newest first, with their history", async () => {
    const { userId, conversationId } = await createUserWithConversation();
    const t = () => createTurn({ userId, conversationId });
    await storeSemanticFacts({ ...(await t()), facts: [homeCity("Lisbon")] });
    await storeSemanticFacts({ ...(await t()), facts: [homeCity("Berlin")] });
    await storeSemanticFacts({ ...(await t()), facts: [homeCity("Tokyo")] });
    const rows = await getDb().select().from(memories).where(eq(memories.userId, userId));
    const byContent = (c: string) => rows.find((r) => r.content === c)!;
    const tokyo = byContent("User lives in Tokyo");

    const details = await getMemoryWithPredecessorsById({ userId, id: tokyo.id });
    expect(details?.content).toBe("User lives in Tokyo");
    expect(details?.history.map((h) => h.action)).toEqual(["add"]);
    expect(details?.predecessors.map((p) => p.content)).toEqual(["User lives in Berlin", "User lives in Lisbon"]);
    const [berlin, lisbon] = details!.predecessors;
    expect(berlin?.supersededBy).toBe(tokyo.id);
    expect(lisbon?.supersededBy).toBe(berlin?.id);
    expect(lisbon?.history.map((h) => [h.action, h.previousContent, h.content])).toEqual([
      ["add", null, "User lives in Lisbon"],
      ["supersede", "User lives in Lisbon", "User lives in Berlin"],
    ]);

    // A predecessor has its own (shorter) chain; the newest fact is not part of it.
    const fromBerlin = await getMemoryWithPredecessorsById({ userId, id: berlin!.id });
    expect(fromBerlin?.predecessors.map((p) => p.content)).toEqual(["User lives in Lisbon"]);
  });

  it("leaves deleted predecessors out without breaking the chain", async () => {
    const { userId } = await createUserWithConversation();
    const newest = await insertMemory(userId, "User works at C");
    const middle = await insertMemory(userId, "User works at B", { invalidatedAt: new Date(), supersededBy: newest });
    await insertMemory(userId, "User works at A", { invalidatedAt: new Date(), supersededBy: middle });
    expect(await deleteMemoryById({ userId, id: middle })).toBe(true);

    const details = await getMemoryWithPredecessorsById({ userId, id: newest });
    expect(details?.predecessors.map((p) => p.content)).toEqual(["User works at A"]);
  });

  it("ends on a (corrupt) cycle instead of looping", async () => {
    const { userId } = await createUserWithConversation();
    const a = await insertMemory(userId, "User fact A");
    const b = await insertMemory(userId, "User fact B", { supersededBy: a });
    await getDb().update(memories).set({ supersededBy: b }).where(eq(memories.id, a));
    const details = await getMemoryWithPredecessorsById({ userId, id: a });
    expect(details?.predecessors.map((p) => p.id)).toEqual([b]);
  });

  it("is undefined for another user's memory, an unknown id or a deleted memory", async () => {
    const { userId } = await createUserWithConversation();
    const other = await createUserWithConversation();
    const id = await insertMemory(userId, "User has a cat");
    await getDb().insert(memoryHistory).values({ memoryId: id, userId, action: "add", content: "User has a cat" });

    expect(await getMemoryWithPredecessorsById({ userId: other.userId, id })).toBeUndefined();
    expect(await getMemoryWithPredecessorsById({ userId, id: randomUUID() })).toBeUndefined();
    expect((await getMemoryWithPredecessorsById({ userId, id }))?.history).toHaveLength(1);
    await deleteMemoryById({ userId, id });
    expect(await getMemoryWithPredecessorsById({ userId, id })).toBeUndefined();
  });

  it("never follows a chain into another user's rows", async () => {
    const mine = await createUserWithConversation();
    const theirs = await createUserWithConversation();
    const id = await insertMemory(mine.userId, "User likes jazz");
    // A foreign row pointing at my memory (cannot happen through the app) must stay invisible.
    await insertMemory(theirs.userId, "Someone likes rock", { supersededBy: id, invalidatedAt: new Date() });
    const details = await getMemoryWithPredecessorsById({ userId: mine.userId, id });
    expect(details?.predecessors).toEqual([]);
  });
});
