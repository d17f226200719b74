import type { EventType } from "inngest";
import { inngest } from "../client";
import { turnCompleted, turnImported } from "../events";
import { env } from "@/lib/env";
import { getMemoryExtractor } from "@/lib/memory/extractors";
import { extractType, finishTurn, loadTurn, markTurnFailed, storeType } from "@/lib/memory/pipeline";
import { embedTurnMemories } from "@/lib/memory/retrieval/embeddings";
import type { MemoryExtractor } from "@/lib/memory/types";

/** Attempts per step = retries + 1. Extraction calls a model, which fails transiently. */
export const EXTRACT_MEMORIES_RETRIES = 3;

/**
 * A user's live turns are worked one at a time, in order. Imported history
 * of one user may run a few turns at once: every store is serialised by the
 * user's advisory lock anyway, and consolidation orders facts by when they
 * were said, not by when they are processed (lib/memory/consolidate.ts) —
 * one at a time, a single user's large import would drain at ~2 turns/s.
 */
const CONCURRENCY = {
  chat: { limit: 1, key: "event.data.userId" },
  import: { limit: 4, key: "event.data.userId" },
} as const;

/**
 * After every chat turn: extract episodic, semantic and procedural memories
 * (in parallel, each its own retryable step), then consolidate each into the
 * store. The same steps serve imported history (`source: "import"`), under a
 * throttle.
 */
export function createExtractMemories({
  extractor,
  store = storeType,
  embed = embedTurnMemories,
  source = "chat",
}: {
  extractor: () => MemoryExtractor;
  /** Consolidation; replaceable so tests can fail between store steps. */
  store?: typeof storeType;
  /** Vectors of the turn's memories; replaceable so tests can use a failing embedder. */
  embed?: typeof embedTurnMemories;
  source?: "chat" | "import";
}) {
  const trigger: EventType<typeof turnCompleted.name | typeof turnImported.name, typeof turnCompleted.schema> =
    source === "chat" ? turnCompleted : turnImported;
  return inngest.createFunction(
    {
      id: source === "chat" ? "extract-memories" : "extract-imported-memories",
      name: source === "chat" ? "Extract memories from a chat turn" : "Extract memories from an imported turn",
      triggers: [trigger],
      concurrency: CONCURRENCY[source],
      // Imported history drains at a bounded rate, however much arrives at once; runs wait, never drop.
      ...(source === "import" ? { throttle: { limit: env().IMPORT_TURNS_PER_SECOND, period: "1s" } } : {}),
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
export const extractImportedMemories = createExtractMemories({ extractor: getMemoryExtractor, source: "import" });
