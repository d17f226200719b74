import { embedMany, type EmbeddingModel } from "ai";
import { EmbeddingError, toUnitVectors, type EmbedOptions, type Embedder } from "./types";

/**
 * Embeddings from OpenAI or any OpenAI-compatible server (Ollama, vLLM, …)
 * through the AI SDK's embedMany.
 */

/** Vector sizes of OpenAI's own models; any other model needs OPENAI_EMBEDDING_DIMENSIONS. */
export const KNOWN_DIMENSIONS: Readonly<Record<string, number>> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};

/** Models that return shortened vectors when asked (the `dimensions` request field). */
function acceptsDimensions(modelName: string): boolean {
  return modelName.startsWith("text-embedding-3-");
}

/**
 * text-embedding-3-* put unrelated sentences around 0.0–0.2 and related ones
 * above 0.3.
 */
export const OPENAI_MIN_SIMILARITY = 0.25;

export interface OpenAIEmbedderOptions {
  /** The model name as the server knows it, e.g. "text-embedding-3-small". */
  modelName: string;
  /** Defaults to KNOWN_DIMENSIONS[modelName]. */
  dimensions?: number;
  /** The AI SDK model; loaded on first use (the model layer is server-only). */
  loadModel: () => Promise<EmbeddingModel | null>;
}

export function createOpenAIEmbedder({ modelName, dimensions, loadModel }: OpenAIEmbedderOptions): Embedder {
  const size = dimensions ?? KNOWN_DIMENSIONS[modelName];
  if (!size) {
    throw new EmbeddingError(
      "embedding:not-configured",
      `the vector size of "${modelName}" is unknown: set OPENAI_EMBEDDING_DIMENSIONS`,
    );
  }
  // Only a shortened vector needs asking for; the full size is what the model returns anyway.
  const providerOptions =
    dimensions !== undefined && acceptsDimensions(modelName) ? { openai: { dimensions } } : undefined;
  let model: Promise<EmbeddingModel> | null = null;
  const getModel = () => {
    model ??= loadModel().then((m) => {
      if (!m) throw new EmbeddingError("embedding:not-configured", "no OpenAI-compatible provider is configured");
      return m;
    });
    // A failed load is not cached: the next call tries again.
    model.catch(() => (model = null));
    return model;
  };

  return {
    id: `openai:${modelName}`,
    dimensions: size,
    minSimilarity: OPENAI_MIN_SIMILARITY,
    async embed(texts: string[], { signal, priority = "background" }: EmbedOptions = {}) {
      if (texts.length === 0) return [];
      const { embeddings } = await embedMany({
        model: await getModel(),
        values: texts,
        abortSignal: signal,
        // A waiting reply gets no retries: text search answers without the vector.
        maxRetries: priority === "query" ? 0 : 2,
        ...(providerOptions ? { providerOptions } : {}),
      });
      return toUnitVectors(embeddings, texts.length, size);
    },
  };
}
