import "server-only";
import { saveTurn } from "@/db/queries/turns";
import type { ChatUIMessage } from "@/lib/ai/tools";

/** How long after() waits for the reply before saving the user's message alone. */
const REPLY_DEADLINE_MS = 90_000;

/**
 * Runs after the response has streamed (next/server `after()`): persists the
 * exchange in one transaction. When the model failed, only the user's message
 * is kept, so the client can retry it.
 */
export async function completeTurn({
  userId,
  conversationId,
  turnId,
  userMessage,
  assistantMessage,
}: {
  userId: string;
  conversationId: string;
  turnId: string;
  userMessage: ChatUIMessage;
  assistantMessage: Promise<ChatUIMessage | null>;
}): Promise<{ turnId: string | null }> {
  const reply = await Promise.race([
    assistantMessage,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), REPLY_DEADLINE_MS).unref()),
  ]);
  return saveTurn({
    userId,
    conversationId,
    turnId,
    userMessage: { id: userMessage.id, parts: userMessage.parts },
    assistantMessage: reply ? { id: reply.id, parts: reply.parts } : null,
  });
}
