import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getMessagesByConversationId, saveUserMessage } from "@/db/queries/messages";
import { createGuestUser } from "@/db/queries/users";
import type { ChatUIMessage } from "@/lib/ai/tools";
import { completeTurn } from "@/lib/chat/complete-turn";
import { toUIMessage } from "@/lib/chat/ui-messages";

/** What the chat route does after the response (lib/chat/complete-turn.ts), on real Postgres. */
describe("completeTurn", () => {
  async function said(text: string) {
    const { id: userId } = await createGuestUser();
    const conversationId = randomUUID();
    const saved = await saveUserMessage({
      userId,
      conversationId,
      title: text,
      message: { id: randomUUID(), parts: [{ type: "text", text }] },
    });
    if (saved.status === "not_found") throw new Error("conversation not created");
    const userMessage: ChatUIMessage = { id: saved.messageId, role: "user", parts: [{ type: "text", text }] };
    return { userId, conversationId, userMessage };
  }

  it("keeps a reply cut off mid-way as what had arrived, marked partial, with its turn", async () => {
    const { userId, conversationId, userMessage } = await said("Tell me a long story");
    const reply: ChatUIMessage = { id: randomUUID(), role: "assistant", parts: [{ type: "text", text: "Once upon a" }] };
    const turn = await completeTurn({
      userId,
      conversationId,
      turnId: randomUUID(),
      userMessage,
      reply: Promise.resolve({ message: reply, partial: true, memoryIds: [] }),
    });
    expect(turn.turnId).not.toBeNull();
    const stored = await getMessagesByConversationId({ userId, conversationId });
    expect(stored.map((m) => m.role)).toEqual(["user", "assistant"]);
    const assistant = toUIMessage(stored[1]!);
    expect(assistant.parts).toEqual([{ type: "text", text: "Once upon a" }]);
    expect(assistant.metadata?.partial).toBe(true);
  });

  it("keeps the user's message and makes no turn when no reply came at all", async () => {
    const { userId, conversationId, userMessage } = await said("Hello?");
    const turn = await completeTurn({ userId, conversationId, turnId: randomUUID(), userMessage, reply: Promise.resolve(null) });
    expect(turn.turnId).toBeNull();
    const stored = await getMessagesByConversationId({ userId, conversationId });
    expect(stored.map((m) => m.role)).toEqual(["user"]);
  });
});
