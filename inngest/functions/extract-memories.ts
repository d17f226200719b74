import { inngest } from "../client";
import { turnCompleted } from "../events";
import { getMemoryExtractor } from "@/lib/memory/extractors";
import { extractType, finishTurn, loadTurn, markTurnFailed, storeType } from "@/lib/memory/pipeline";
import { embedTurnMemories } from "@/lib/memory/retrieval/embeddings";
import type { MemoryExtractor } from "@/lib/memory/types";

/** Attempts per step = retries + 1. Extraction calls a model, which fails transiently. */
export const EXTRACT_MEMORIES_RETRIES = 3;

/**
 * After every chat turn: extract episodic, semantic and procedural memories
 * (in parallel, each its own retryable step), then consolidate each into the
 * store. One run at a time per user, so consolidation never races itself.
 */
export function createExtractMemories({
  extractor,
  store = storeType,
  embed = embedTurnMemories,
}: {
  extractor: () => MemoryExtractor;
  /** Consolidation; replaceable so tests can fail between store steps. */
  store?: typeof storeType;
  /** Vectors of the turn's memories; replaceable so tests can use a failing embedder. */
  embed?: typeof embedTurnMemories;
}) {
  return inngest.createFunction(
    {
      id: "extract-memories",
      name: "Extract memories from a chat turn",
      triggers: [turnCompleted],
      concurrency: { limit: 1, key: "event.data.userId" },
      retries: EXTRACT_MEMORIES_RETRIES,
      onFailure: async ({ event, error, step }) => {
        const turnId = (event.data.event.data as { turnId: string }).turnId;
        await step.run("mark-turn-failed", () => markTurnFailed(turnId, error));
      },
    },
    async ({ event, step }) => {
      const turn = await step.run("load-turn", () => loadTurn(event.data.turnId));
      if (!turn) return { status: "skipped", reason: "turn no longer exists" };
      const todo = (type: "episodic" | "semantic" | "procedural") => !turn.doneTypes.includes(type);

      const [episodic, semantic, procedural] = await Promise.all([
        todo("episodic") ? step.run("extract-episodic", () => extractType("episodic", turn, extractor())) : null,
        todo("semantic") ? step.run("extract-semantic", () => extractType("semantic", turn, extractor())) : null,
        todo("procedural")
          ? step.run("extract-procedural", () => extractType("procedural", turn, extractor()))
          : null,
      ]);

      const stored = {
        episodic: episodic ? await step.run("store-episodic", () => store("episodic", turn, episodic)) : null,
        semantic: semantic ? await step.run("store-semantic", () => store("semantic", turn, semantic)) : null,
        procedural: procedural
          ? await step.run("store-procedural", () => store("procedural", turn, procedural))
          : null,
      };

      const status = await step.run("finish-turn", () => finishTurn(turn.turnId));
      // After the turn is done, in a step of its own: a failing embedder never fails the
      // turn's memories (embedTurnMemories does not throw; reembed-memories catches up).
      const embedded = await step.run("embed-memories", () => embed({ userId: turn.userId }));
      return { status, stored, embedded };
    },
  );
}

export const extractMemories = createExtractMemories({ extractor: getMemoryExtractor });
