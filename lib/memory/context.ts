import "server-only";

/**
 * The seam where retrieved memories enter the chat: returns the rendered
 * memory context for the system prompt, or undefined when there is none.
 * Retrieval itself arrives with the memory-in-use issue.
 */
export async function getMemoryContext(_: { userId: string; query: string }): Promise<string | undefined> {
  return undefined;
}
