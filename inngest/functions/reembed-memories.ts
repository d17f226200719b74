import { cron } from "inngest";
import { embedStaleMemories } from "@/lib/memory/retrieval/embeddings";
import { inngest } from "../client";

/** Memories per step: one embedder call's worth, a few seconds offline. */
export const REEMBED_BATCH = 128;
/** Steps per run: at most 1,024 memories a minute, so one run never holds the embedder for long. */
export const REEMBED_MAX_BATCHES = 8;

/**
 * The embeddings' catch-up: every minute, embed active memories that have no
 * vector of the current embedder — all of them after a model change, else
 * those whose turn's own embed step failed — in bounded batches across
 * users. Retrieval compares only vectors of the current model, so until a
 * memory is re-embedded it is found by text alone. A run with nothing to do
 * is one query over all memories (~0.1 s on PostgreSQL 15, ~0.2 s in PGlite
 * at 100k memories).
 */
export function createReembedMemories({
  embedBatch = () => embedStaleMemories({ limit: REEMBED_BATCH }),
}: {
  /** One batch of the backlog; replaceable so tests can scope it to their own user. */
  embedBatch?: () => ReturnType<typeof embedStaleMemories>;
} = {}) {
  return inngest.createFunction(
    {
      id: "reembed-memories",
      name: "Embed memories that lack a vector of the current model",
      triggers: [cron("* * * * *")],
      concurrency: { limit: 1 },
    },
    async ({ step }) => {
      let embedded = 0;
      for (let batch = 1; batch <= REEMBED_MAX_BATCHES; batch++) {
        const result = await step.run(`embed-batch-${batch}`, embedBatch);
        if (result.skipped) return { embedded, skipped: result.skipped };
        embedded += result.embedded;
        if (!result.remaining) break;
      }
      return { embedded };
    },
  );
}

export const reembedMemories = createReembedMemories();
