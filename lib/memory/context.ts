import "server-only";
import { renderMemoryContext } from "@/lib/ai/memory-context";
import { env } from "@/lib/env";
import { retrieveMemories } from "./retrieval";

/**
 * The seam where retrieved memories enter the chat: the rendered memory
 * context for the system prompt, or undefined when retrieval is off or
 * nothing is remembered. Never throws: a failed retrieval is logged and the
 * reply goes ahead without memories.
 */
export async function getMemoryContext({ userId, query }: { userId: string; query: string }): Promise<string | undefined> {
  if (env().MEMORY_RETRIEVAL === "off") return undefined;
  try {
    const { instructions, facts, episodes } = await retrieveMemories({ userId, query });
    const rendered = renderMemoryContext({ instructions, facts, episodes });
    return rendered === "" ? undefined : rendered;
  } catch (error) {
    console.error("[memory] retrieval failed; replying without memories", error);
    return undefined;
  }
}
