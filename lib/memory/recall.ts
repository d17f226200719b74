import "server-only";
import { renderMemoryContext } from "@/lib/ai/memory-context";
import { env } from "@/lib/env";
import type { MemoryType } from "./types";
import { retrieveMemories, type RetrievedMeta } from "./retrieval";

/** One memory as it entered (or would enter) a reply's context. */
export interface RecalledMemory {
  id: string;
  type: MemoryType;
  content: string;
  validFrom: string;
  source: { conversationId: string | null; turnId: string | null };
  /**
   * How well it answers the message, in [0, 1] (RetrievedFact.relevance); 0 for what is always
   * included (standing instructions, the core profile).
   */
  score: number;
  /** Its place in retrieval's ranking of facts and episodes; null for what is always included. */
  rank: number | null;
}

export interface Recall {
  /** In prompt order: instructions, facts, episodes, as rendered. */
  memories: RecalledMemory[];
  /** Estimated tokens of the rendered context (at most `budget`). */
  tokens: number;
  budget: number;
  /** The rendered memory context for the system prompt; undefined when nothing is remembered. */
  context: string | undefined;
}

/**
 * What the chat puts into the prompt for a message — the one code path for
 * the chat (lib/memory/context.ts) and POST /api/memories/recall, so what the
 * API shows is exactly what a reply used.
 */
export async function recall({ userId, query, budget }: { userId: string; query: string; budget?: number }): Promise<Recall> {
  const budgetTokens = budget ?? env().MEMORY_TOKEN_BUDGET;
  if (env().MEMORY_RETRIEVAL === "off") return { memories: [], tokens: 0, budget: budgetTokens, context: undefined };
  const retrieved = await retrieveMemories({ userId, query, budgetTokens });
  const view = (type: MemoryType, m: RetrievedMeta & { content: string; relevance?: number; rank?: number | null }): RecalledMemory => ({
    id: m.id,
    type,
    content: m.content,
    validFrom: m.validFrom.toISOString(),
    source: { conversationId: m.sourceConversationId, turnId: m.sourceTurnId },
    score: Math.round((m.relevance ?? 0) * 1000) / 1000,
    rank: m.rank ?? null,
  });
  const rendered = renderMemoryContext(retrieved);
  return {
    memories: [
      ...retrieved.instructions.map((m) => view("procedural", m)),
      ...retrieved.facts.map((m) => view("semantic", m)),
      ...retrieved.episodes.map((m) => view("episodic", m)),
    ],
    tokens: retrieved.usedTokens,
    budget: budgetTokens,
    context: rendered === "" ? undefined : rendered,
  };
}
