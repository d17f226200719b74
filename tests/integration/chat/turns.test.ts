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
import { getMessagesByConversationId, saveUserMessage } from "@/db/queries/messages";
import { createGuestUser } from "@/db/queries/users";
import {
  claimDelayedTurnResend,
  getTurnById,
  getTurnsToResend,
  MessageIdConflictError,
  markTurnEventFailed,
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

describe("saveUserMessage (committed before the reply streams)", () => {
  it("starts the conversation and stores the message; the same id again is a retry", async () => {
    const { id: userId } = await createGuestUser();
    const conversationId = randomUUID();
    const id = randomUUID();
    const first = await saveUserMessage({ userId, conversationId, title: "t", message: { id, parts: text("hi") } });
    expect(first).toEqual({ status: "saved", messageId: id, retried: false, temporary: false });
    expect((await getConversationById({ userId, id: conversationId }))?.title).toBe("t");
    const again = await saveUserMessage({ userId, conversationId, title: "t", message: { id, parts: text("hi") } });
    expect(again).toEqual({ status: "saved", messageId: id, retried: true, temporary: false });
    expect((await getMessagesByConversationId({ userId, conversationId })).map((m) => m.id)).toEqual([id]);
  });

  it("answers not_found for someone else's conversation, writing nothing", async () => {
    const { userId, conversationId } = await newConversation();
    const { id: other } = await createGuestUser();
    const result = await saveUserMessage({ userId: other, conversationId, title: "x", message: { id: randomUUID(), parts: text("mine?") } });
    expect(result).toEqual({ status: "not_found" });
    expect(await getMessagesByConversationId({ userId, conversationId })).toEqual([]);
  });

  it("stores a message whose id another user took under a fresh id, without saying so", async () => {
    const a = await newConversation();
    const b = await newConversation();
    const shared = randomUUID();
    await saveUserMessage({ ...a, title: "t", message: { id: shared, parts: text("a") } });
    const result = await saveUserMessage({ ...b, title: "t", message: { id: shared, parts: text("b") } });
    expect(result.status).toBe("saved");
    const stored = await getMessagesByConversationId({ userId: b.userId, conversationId: b.conversationId });
    expect(stored.map((m) => m.parts)).toEqual([text("b")]);
    expect(stored[0]?.id).not.toBe(shared);
    expect(result).toMatchObject({ messageId: stored[0]?.id, retried: false });
  });

  it("keeps both messages when two users race the same fresh id", async () => {
    const a = await newConversation();
    const b = await newConversation();
    const shared = randomUUID();
    const results = await Promise.all([
      saveUserMessage({ ...a, title: "t", message: { id: shared, parts: text("a") } }),
      saveUserMessage({ ...b, title: "t", message: { id: shared, parts: text("b") } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["saved", "saved"]);
    expect((await getMessagesByConversationId({ userId: a.userId, conversationId: a.conversationId })).map((m) => m.parts)).toEqual([text("a")]);
    expect((await getMessagesByConversationId({ userId: b.userId, conversationId: b.conversationId })).map((m) => m.parts)).toEqual([text("b")]);
  });
});

describe("outbox", () => {
  async function saveIn(userId: string, conversationId: string) {
    const turnId = randomUUID();
    await saveTurn({
      userId,
      conversationId,
      turnId,
      userMessage: { id: randomUUID(), parts: text("q") },
      assistantMessage: { id: randomUUID(), parts: text("a") },
    });
    return turnId;
  }
  const thresholds = { neverSentMs: 30_000, lostMs: 120_000, stuckMs: 900_000, importedMs: 6 * 3_600_000, limit: 1000 };
  const resendable = async () => (await getTurnsToResend(thresholds)).map((t) => t.id);

  it("lists pending turns whose event was never sent or is long overdue", async () => {
    const { userId, conversationId } = await newConversation();
    const unsent = await saveIn(userId, conversationId);
    const sent = await saveIn(userId, conversationId);
    await markTurnEventSent({ id: sent });
    await getDb()
      .update(turns)
      .set({ completedAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(turns.conversationId, conversationId));
    const stale = await resendable();
    expect(stale).toContain(unsent);
    expect(stale).not.toContain(sent);
  });

  it("lists a failed send at once, and a turn stuck processing past the deadline", async () => {
    const { userId, conversationId } = await newConversation();
    const failed = await saveIn(userId, conversationId);
    const fresh = await saveIn(userId, conversationId);
    const stuck = await saveIn(userId, conversationId);
    const busy = await saveIn(userId, conversationId);
    await markTurnEventFailed({ id: failed, error: "fetch failed" });
    await markTurnsEventSentAndProcessing(stuck, 20 * 60_000);
    await markTurnsEventSentAndProcessing(busy, 60_000);
    const stale = await resendable();
    expect(stale).toContain(failed);
    expect(stale).not.toContain(fresh);
    expect(stale).toContain(stuck);
    expect(stale).not.toContain(busy);
    expect((await getTurnById({ userId, id: failed }))?.eventFailedAt).toBeInstanceOf(Date);
    // A successful send clears the failure.
    await markTurnEventSent({ id: failed });
    expect((await getTurnById({ userId, id: failed }))?.eventFailedAt).toBeNull();
  });

  it("lets one caller at a time claim a delayed turn for another attempt", async () => {
    const { userId, conversationId } = await newConversation();
    const turnId = await saveIn(userId, conversationId);
    expect(await claimDelayedTurnResend({ id: turnId, everyMs: 10_000 })).toBe(false); // not delayed
    await markTurnEventFailed({ id: turnId, error: "fetch failed" });
    expect(await claimDelayedTurnResend({ id: turnId, everyMs: 10_000 })).toBe(false); // failed just now
    await getDb().update(turns).set({ eventFailedAt: new Date(Date.now() - 60_000) }).where(eq(turns.id, turnId));
    const claims = await Promise.all([1, 2, 3].map(() => claimDelayedTurnResend({ id: turnId, everyMs: 10_000 })));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

async function markTurnsEventSentAndProcessing(turnId: string, agoMs: number) {
  await getDb()
    .update(turns)
    .set({ eventSentAt: new Date(), memoryStatus: "processing", memoryUpdatedAt: new Date(Date.now() - agoMs) })
    .where(eq(turns.id, turnId));
}
