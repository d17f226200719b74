/**
 * What retrieval and the memory pipeline need from an embedding model, and
 * nothing more: the offline sentence encoder and OpenAI-compatible servers
 * both sit behind it (getEmbedder() in index.ts chooses).
 */

export interface EmbedOptions {
  signal?: AbortSignal;
  /**
   * "query": a chat reply is waiting (served before background work, never
   * retried). "background": memories being stored or re-embedded. Default
   * "background".
   */
  priority?: "query" | "background";
}

export interface Embedder {
  /**
   * Stored with every vector, e.g. "energetic-ai/use-lite@0.2.0" or
   * "openai:text-embedding-3-small". Vectors are only compared within one id
   * and dimension.
   */
  id: string;
  dimensions: number;
  /**
   * Below this cosine similarity a neighbour is no match: where unrelated
   * texts land depends on the model. Retrieval defaults to 0.25.
   */
  minSimilarity?: number;
  /** One unit-length vector of `dimensions` numbers per text, in order. */
  embed(texts: string[], opts?: EmbedOptions): Promise<number[][]>;
}

export type EmbeddingErrorCode =
  | "embedding:worker-failed"
  | "embedding:closed"
  | "embedding:bad-vector"
  | "embedding:not-configured";

export class EmbeddingError extends Error {
  readonly code: EmbeddingErrorCode;

  constructor(code: EmbeddingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmbeddingError";
    this.code = code;
  }
}

/**
 * Checks a model's output and scales each vector to unit length, so cosine
 * similarity is a dot product wherever vectors are compared (pgvector's `<=>`
 * does not need it; the in-process scan without pgvector does).
 */
export function toUnitVectors(vectors: ArrayLike<ArrayLike<number>>, count: number, dimensions: number): number[][] {
  if (vectors.length !== count) {
    throw new EmbeddingError("embedding:bad-vector", `expected ${count} vectors, got ${vectors.length}`);
  }
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const v = vectors[i]!;
    if (v.length !== dimensions) {
      throw new EmbeddingError("embedding:bad-vector", `expected ${dimensions} dimensions, got ${v.length}`);
    }
    let sum = 0;
    for (let j = 0; j < dimensions; j++) sum += v[j]! * v[j]!;
    const norm = Math.sqrt(sum);
    if (!Number.isFinite(norm) || norm === 0) {
      throw new EmbeddingError("embedding:bad-vector", "a vector is zero or not finite");
    }
    const unit = new Array<number>(dimensions);
    for (let j = 0; j < dimensions; j++) unit[j] = v[j]! / norm;
    out.push(unit);
  }
  return out;
}
