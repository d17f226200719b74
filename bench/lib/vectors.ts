/**
 * Vectors for a seeded store (bench/lib/memories.ts) without embedding every
 * memory: 100k memories through the offline model would take most of an hour.
 *
 * The real model embeds each vocabulary word once (THINGS and PLACES, the
 * words the seeded memories are made of); a memory's vector is the sum of the
 * vectors of the vocabulary words it contains plus Gaussian noise, scaled to
 * unit length. So memories about jazz lie near each other and near a query
 * about jazz, as with real embeddings — the clustered shape HNSW sees in
 * practice — and no two memories share a vector. Rows are written straight
 * into memory_embeddings under the real model's id, so retrieval reads them
 * as it reads the pipeline's.
 */
import type { Embedder } from "@/lib/memory/embedding";
import { PLACES, THINGS, type SqlExec } from "./memories";
import { rng } from "./stats";

/** Noise length relative to one word's vector: enough that no two memories coincide. */
const NOISE = 0.35;
const BATCH = 1_000;

export interface VocabularyVectors {
  dimensions: number;
  byWord: Map<string, Float32Array>;
}

export async function embedVocabulary(embedder: Embedder): Promise<VocabularyVectors> {
  const words = [...new Set([...THINGS, ...PLACES])];
  const vectors = await embedder.embed(words);
  return {
    dimensions: embedder.dimensions,
    byWord: new Map(words.map((w, i) => [w.toLowerCase(), Float32Array.from(vectors[i]!)])),
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function memoryVector(content: string, vocabulary: VocabularyVectors, random: () => number): Float32Array {
  const d = vocabulary.dimensions;
  const v = new Float32Array(d);
  for (const word of content.toLowerCase().match(/[\p{L}]+/gu) ?? []) {
    const w = vocabulary.byWord.get(word);
    if (w) for (let j = 0; j < d; j++) v[j]! += w[j]!;
  }
  const scale = NOISE / Math.sqrt(d);
  for (let j = 0; j < d; j++) v[j]! += gaussian(random) * scale;
  let norm = 0;
  for (let j = 0; j < d; j++) norm += v[j]! * v[j]!;
  norm = Math.sqrt(norm);
  for (let j = 0; j < d; j++) v[j]! /= norm;
  return v;
}

/**
 * Writes a vector for every active semantic and episodic memory of the user
 * that has none yet. Returns how many.
 */
export async function seedVectors(
  query: <R>(text: string, params?: unknown[]) => Promise<{ rows: R[] }>,
  exec: SqlExec,
  { userId, embedder, vocabulary, seed = 1 }: { userId: string; embedder: Embedder; vocabulary: VocabularyVectors; seed?: number },
): Promise<number> {
  const random = rng(seed);
  let written = 0;
  for (;;) {
    const { rows } = await query<{ id: string; content: string }>(
      `select m.id, m.content from memories m
       where m.user_id = $1 and m.type in ('semantic', 'episodic')
         and m.invalidated_at is null and m.deleted_at is null and m.superseded_by is null
         and not exists (select 1 from memory_embeddings e where e.memory_id = m.id)
       limit ${BATCH}`,
      [userId],
    );
    if (rows.length === 0) return written;
    const literals = rows.map((r) => {
      const v = memoryVector(r.content, vocabulary, random);
      return `{${Array.from(v, (x) => x.toFixed(6)).join(",")}}`;
    });
    await exec(
      `insert into memory_embeddings (memory_id, user_id, model, dimensions, embedding)
       select v.id, $1, $2, $3, v.embedding::real[]
       from unnest($4::uuid[], $5::text[]) as v(id, embedding)`,
      [userId, embedder.id, embedder.dimensions, rows.map((r) => r.id), literals],
    );
    written += rows.length;
  }
}
