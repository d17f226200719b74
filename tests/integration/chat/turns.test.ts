import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import {
  claimConversation,
  deleteConversationById,
  getConversationById,
  getConversationsByUserId,
} from "@/db/queries/conversations";
import { getMessagesByConversationId } from "@/db/queries/messages";
import { createGuestUser } from "@/db/queries/users";
import {
  getStalePendingTurns,
  getTurnById,
  MessageIdConflictError,
  markTurnEventSent,
  saveTurn,
} from "@/db/queries/turns";
import { messages, turns } from "@/db/schema";

const text = (t: string) => [{ type: "text", text: t }];

async function newConversation() {
  const { id: userId } = await createGuestUser();
  const conversationId = randomUUID();
  expect(await claimConversation({ userId, id: conversationId, title: "t" })).toBe(true);
  return { userId, conversationId };
}

describe("conversations", () => {
  it("belong to the user who started them", async () => {
    const { userId, conversationId } = await newConversation();
    const { id: other } = await createGuestUser();
    expect(await claimConversation({ userId: other, id: conversationId, title: "hijack" })).toBe(false);
    expect(await getConversationById({ userId: other, id: conversationId })).toBeUndefined();
    expect(await getConversationsByUserId({ userId: other })).toEqual([]);
    expect(await deleteConversationById({ userId: other, id: conversationId })).toBe(false);
    expect((await getConversationById({ userId, id: conversationId }))?.title).toBe("t");
  });

  it("delete removes messages and turns with them", async () => {
    const { userId, conversationId } = await newConversation();
    const turnId = randomUUID();
    await saveTurn({
      userId,
      conversationId,
      turnId,
      userMessage: { id: randomUUID(), parts: text("hi") },
      assistantMessage: { id: randomUUID(), parts: text("hello") },
    });
    expect(await deleteConversationById({ userId, id: conversationId })).toBe(true);
    expect(await getDb().select().from(messages).where(eq(messages.conversationId, conversationId))).toEqual([]);
    expect(await getDb().select().from(turns).where(eq(turns.id, turnId))).toEqual([]);
  });
});

describe("saveTurn", () => {
  it("stores both messages in order and a pending turn", async () => {
    const { userId, conversationId } = await newConversation();
    const turnId = randomUUID();
    const userMessageId = randomUUID();
    const assistantId = randomUUID();
    const toolPart = { type: "tool-calculate", toolCallId: "c1", state: "output-available", input: { expression: "1+1" }, output: { result: 2 } };
    await saveTurn({
      userId,
      conversationId,
      turnId,
      userMessage: { id: userMessageId, parts: text("1+1?") },
      assistantMessage: { id: assistantId, parts: [toolPart, ...text("2")] },
    });
    const stored = await getMessagesByConversationId({ userId, conversationId });
    expect(stored.map((m) => [m.id, m.role, m.turnId])).toEqual([
      [userMessageId, "user", null],
      [assistantId, "assistant", turnId],
    ]);
    expect(stored[1]?.parts[0]).toEqual(toolPart);
    const turn = await getTurnById({ userId, id: turnId });
    expect(turn).toMatchObject({ memoryStatus: "pending", userMessageId, assistantMessageId: assistantId });
  });

  it("keeps the user's message when the reply failed, and a retry reuses it", async () => {
    const { userId, conversationId } = await newConversation();
    const userMessage = { id: randomUUID(), parts: text("please remember this") };
    await saveTurn({ userId, conversationId, turnId: randomUUID(), userMessage, assistantMessage: null });
    let stored = await getMessagesByConversationId({ userId, conversationId });
    expect(stored.map((m) => m.role)).toEqual(["user"]);

    await saveTurn({
      userId,
      conversationId,
      turnId: randomUUID(),
      userMessage,
      assistantMessage: { id: randomUUID(), parts: text("noted") },
    });
    stored = await getMessagesByConversationId({ userId, conversationId });
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("refuses a message id that belongs to another conversation, writing nothing", async () => {
    const a = await newConversation();
    const b = await newConversation();
    const shared = randomUUID();
    await saveTurn({ ...a, turnId: randomUUID(), userMessage: { id: shared, parts: text("a") }, assistantMessage: null });
    const assistantId = randomUUID();
    await expect(
      saveTurn({
        ...b,
        turnId: randomUUID(),
        userMessage: { id: shared, parts: text("b") },
        assistantMessage: { id: assistantId, parts: text("x") },
      }),
    ).rejects.toBeInstanceOf(MessageIdConflictError);
    expect(await getMessagesByConversationId({ userId: b.userId, conversationId: b.conversationId })).toEqual([]);
  });

  it("is one transaction: a failing assistant insert leaves nothing behind", async () => {
    const { userId, conversationId } = await newConversation();
    const userMessageId = randomUUID();
    await expect(
      saveTurn({
        userId,
        conversationId,
        turnId: randomUUID(),
        userMessage: { id: userMessageId, parts: text("a") },
        // Same id for both messages: the assistant insert violates the primary key.
        assistantMessage: { id: userMessageId, parts: text("b") },
      }),
    ).rejects.toThrow();
    expect(await getMessagesByConversationId({ userId, conversationId })).toEqual([]);
  });
});

describe("outbox", () => {
  it("lists pending turns whose event was never sent or is long overdue", async () => {
    const { userId, conversationId } = await newConversation();
    const save = async () => {
      const turnId = randomUUID();
      await saveTurn({
        userId,
        conversationId,
        turnId,
        userMessage: { id: randomUUID(), parts: text("q") },
        assistantMessage: { id: randomUUID(), parts: text("a") },
      });
      return turnId;
    };
    const unsent = await save();
    const sent = await save();
    await markTurnEventSent({ id: sent });
    await getDb()
      .update(turns)
      .set({ completedAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(turns.conversationId, conversationId));
    const stale = (await getStalePendingTurns({ olderThanMs: 60_000, limit: 1000 })).map((t) => t.id);
    expect(stale).toContain(unsent);
    expect(stale).not.toContain(sent);
  });
});
