import "server-only";
import { recall } from "./recall";

export interface MemoryContext {
  /** The rendered memory context for the system prompt, or undefined. */
  context: string | undefined;
  /** What entered it, in prompt order (the reply's `metadata.memoryIds`). */
  memoryIds: string[];
}

/**
 * The seam where retrieved memories enter the chat (the same recall() as
 * POST /api/memories/recall). Never throws: a failed retrieval is logged and
 * the reply goes ahead without memories.
 */
export async function getMemoryContext({ userId, query }: { userId: string; query: string }): Promise<MemoryContext> {
  try {
    const recalled = await recall({ userId, query });
    return { context: recalled.context, memoryIds: recalled.memories.map((m) => m.id) };
  } catch (error) {
    console.error("[memory] retrieval failed; replying without memories:", error instanceof Error ? error.message : error);
    return { context: undefined, memoryIds: [] };
  }
}
