import { randomUUID } from "node:crypto";
import { claimConversation } from "@/db/queries/conversations";
import { saveTurn } from "@/db/queries/turns";
import { createGuestUser } from "@/db/queries/users";

/** A saved turn (user message, assistant reply with optional tool parts) for a new user. */
export async function seedTurn({
  userText,
  assistantText = "Noted.",
  toolParts = [],
  userId: existingUserId,
  conversationId: existingConversationId,
  model,
}: {
  userText: string;
  /** The reply's `metadata.model`, as the chat route stores it ("offline" for the offline model). */
  model?: string;
  assistantText?: string;
  toolParts?: Record<string, unknown>[];
  userId?: string;
  conversationId?: string;
}) {
  const userId = existingUserId ?? (await createGuestUser()).id;
  const conversationId = existingConversationId ?? randomUUID();
  if (!existingConversationId) await claimConversation({ userId, id: conversationId, title: userText.slice(0, 40) });
  const turnId = randomUUID();
  await saveTurn({
    userId,
    conversationId,
    turnId,
    userMessage: { id: randomUUID(), parts: [{ type: "text", text: userText }] },
    assistantMessage: {
      id: randomUUID(),
      parts: [{ type: "step-start" }, ...toolParts, { type: "text", text: assistantText }],
      ...(model ? { metadata: { model } } : {}),
    },
  });
  return { userId, conversationId, turnId };
}
