import "server-only";
import { saveTurn } from "@/db/queries/turns";
import type { ChatUIMessage } from "@/lib/ai/tools";

/** How long after() waits for the reply; a reply still streaming then is not saved. */
const REPLY_DEADLINE_MS = 90_000;

export interface FinishedReply {
  message: ChatUIMessage;
  /** The stream ended early (model error, abort): the parts are what had arrived. */
  partial: boolean;
  /** The memories that entered the reply's context. */
  memoryIds: string[];
}

/**
 * Runs after the response has streamed (next/server `after()`). The user's
 * message was committed before the reply began; this saves the reply and the
 * turn in one transaction. Without a reply (the model produced nothing) there
 * is no turn, and the client can retry the saved message.
 */
export async function completeTurn({
  userId,
  conversationId,
  turnId,
  userMessage,
  reply,
  memoryOn = true,
}: {
  userId: string;
  conversationId: string;
  turnId: string;
  userMessage: ChatUIMessage;
  reply: Promise<FinishedReply | null>;
  /** Off: the turn is saved as `skipped` and never extracted. */
  memoryOn?: boolean;
}): Promise<{ turnId: string | null; replaced: boolean }> {
  const finished = await Promise.race([
    reply,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), REPLY_DEADLINE_MS).unref()),
  ]);
  if (!finished) return { turnId: null, replaced: false };
  return saveTurn({
    userId,
    conversationId,
    turnId,
    userMessage: { id: userMessage.id, parts: userMessage.parts },
    memoryStatus: memoryOn ? "pending" : "skipped",
    assistantMessage: {
      id: finished.message.id,
      parts: finished.message.parts,
      // The model matters to memory: the offline model's words are never kept (lib/memory/extractors/offline/episodic.ts).
      metadata: {
        memoryIds: finished.memoryIds,
        ...(finished.message.metadata?.model ? { model: finished.message.metadata.model } : {}),
        ...(finished.partial ? { partial: true } : {}),
      },
    },
  });
}
