import { env } from "@/lib/env";
import { createOpenAIEmbedder } from "./openai";
import type { Embedder } from "./types";
import { createUseLiteEmbedder } from "./use-lite";

export type { EmbedOptions, Embedder } from "./types";
export { EmbeddingError } from "./types";

/**
 * The one place that chooses the embedding model:
 *  - EMBEDDINGS=off: none (text search only);
 *  - OPENAI_EMBEDDING_MODEL with a key or base URL: that model, through the
 *    AI SDK (OPENAI_BASE_URL for compatible servers);
 *  - otherwise the offline sentence encoder (use-lite.ts).
 *
 * One instance per configuration and process, kept on globalThis: Next may
 * evaluate this module once per route bundle, and the chat route and the
 * Inngest handler must share one worker (one copy of the model in memory).
 */

const globalForEmbedders = globalThis as unknown as { jarvusEmbedders?: Map<string, Embedder> };

function shared(key: string, create: () => Embedder): Embedder {
  const embedders = (globalForEmbedders.jarvusEmbedders ??= new Map());
  let embedder = embedders.get(key);
  if (!embedder) {
    embedder = create();
    embedders.set(key, embedder);
  }
  return embedder;
}

export function getEmbedder(): Embedder | null {
  const { EMBEDDINGS, OPENAI_EMBEDDING_MODEL, OPENAI_EMBEDDING_DIMENSIONS, OPENAI_API_KEY, OPENAI_BASE_URL } = env();
  if (EMBEDDINGS === "off") return null;
  if (OPENAI_EMBEDDING_MODEL && (OPENAI_API_KEY || OPENAI_BASE_URL)) {
    const key = ["openai", OPENAI_BASE_URL ?? "", OPENAI_EMBEDDING_MODEL, OPENAI_EMBEDDING_DIMENSIONS ?? ""].join("|");
    return shared(key, () =>
      createOpenAIEmbedder({
        modelName: OPENAI_EMBEDDING_MODEL,
        dimensions: OPENAI_EMBEDDING_DIMENSIONS,
        // Loaded on first use: the model layer is server-only, and plain Node
        // scripts (bench/, eval) that never embed with it must not import it.
        loadModel: async () => (await import("@/lib/ai/models")).getEmbeddingModel(),
      }),
    );
  }
  return shared("use-lite", createUseLiteEmbedder);
}
