import { getDb } from "@/db/client";
import {
  renderMemoryContext,
  type MemoryEpisode,
  type MemoryFact,
  type MemoryInstruction,
} from "@/lib/ai/memory-context";
import { env } from "@/lib/env";
import { getEmbedder, type Embedder } from "@/lib/memory/embedding";
import { singleValuedSemanticKeys } from "@/lib/memory/types";
import { estimateTokens, packByPriority } from "./budget";
import {
  getActiveProceduralMemories,
  getCoreProfileFacts,
  getFullTextCandidates,
  getRecentEpisodes,
  getTrigramCandidates,
  setFuzzyThreshold,
  type CandidateRow,
} from "./queries";
import { fuseRankedLists, HALF_LIFE_DAYS, type RetrieverName } from "./scoring";
import { analyzeQuery } from "./text";
import { getVectorCandidates, type VectorQuery } from "./vector";

/**
 * Memory retrieval for one chat message (DESIGN §4 step 2):
 *  - procedural: every active instruction and workflow;
 *  - semantic: the core profile (single-valued facts and allergies) plus the
 *    best matches for the message — full text, trigram and, unless
 *    embeddings are off, vector similarity, fused by scoring.ts;
 *  - episodic: the best matches plus the few most recent;
 * packed into the token budget in that priority (budget.ts). Only active
 * memories (not superseded, invalidated or deleted) of this user are read.
 */

/** Guards against a runaway store; procedural memories supersede each other by key. */
export const MAX_INSTRUCTIONS = 50;
export const MAX_CORE_FACTS = 30;
/** Candidates each retriever returns per type (semantic, episodic). */
export const CANDIDATES_PER_LIST = 30;
/** Fused facts and matched episodes offered to the packer. */
export const MAX_RANKED_FACTS = 40;
export const MAX_MATCHED_EPISODES = 8;
export const RECENT_EPISODES = 3;
/** Fuzzy (trigram) matching for at most this many words, each one a GIN trigram lookup. */
export const MAX_FUZZY_WORDS = 4;

/** The core profile: facts that hold one value (DESIGN §1), in the order they are shown. */
export const CORE_PROFILE_KEYS: readonly string[] = singleValuedSemanticKeys;

/** Where a retrieved memory came from, for the recall API and "Used N memories". */
export interface RetrievedMeta {
  id: string;
  validFrom: Date;
  sourceConversationId: string | null;
  sourceTurnId: string | null;
}

export interface RetrievedInstruction extends MemoryInstruction, RetrievedMeta {}
export interface RetrievedFact extends MemoryFact, RetrievedMeta {
  /** Part of the core profile (always offered), or a match for the message. */
  core: boolean;
  /** Fused score (scoring.ts); 0 for core facts. */
  score: number;
}
export interface RetrievedEpisode extends MemoryEpisode, RetrievedMeta {
  /** Fused score; 0 for an episode offered because it is recent. */
  score: number;
}

/**
 * Whether vector similarity took part, and if not, why: embeddings off, an
 * empty message, the query embedding took longer than
 * MEMORY_QUERY_EMBEDDING_TIMEOUT_MS, or the embedder failed.
 */
export type VectorStatus = "used" | "off" | "empty-query" | "timeout" | "failed";

export interface RetrievedMemories {
  instructions: RetrievedInstruction[];
  facts: RetrievedFact[];
  /** Newest first. */
  episodes: RetrievedEpisode[];
  /** Estimated tokens of renderMemoryContext({ instructions, facts, episodes }); at most the budget. */
  usedTokens: number;
  vector: VectorStatus;
}

export interface RetrieveOptions {
  userId: string;
  /** The new user message. */
  query: string;
  /** Defaults to MEMORY_TOKEN_BUDGET. */
  budgetTokens?: number;
  /** Defaults to getEmbedder(); null turns vector search off. */
  embedder?: Embedder | null;
  now?: Date;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function metaOf(row: CandidateRow): RetrievedMeta {
  return {
    id: row.id,
    validFrom: row.validFrom,
    sourceConversationId: row.sourceConversationId,
    sourceTurnId: row.sourceTurnId,
  };
}

function toInstruction(row: CandidateRow): RetrievedInstruction {
  return { ...metaOf(row), key: row.key ?? "", content: row.content, value: stringOrNull(row.data.value) };
}

function toFact(row: CandidateRow, core: boolean, score: number): RetrievedFact {
  return {
    ...metaOf(row),
    key: row.key,
    category: stringOrNull(row.data.category) ?? "other",
    content: row.content,
    value: stringOrNull(row.data.value),
    core,
    score,
  };
}

function toEpisode(row: CandidateRow, score: number): RetrievedEpisode {
  return { ...metaOf(row), content: row.content, date: row.validFrom.toISOString().slice(0, 10), score };
}

/**
 * The message's vector, or why there is none. The reply waits for it at most
 * MEMORY_QUERY_EMBEDDING_TIMEOUT_MS; after that text search answers alone
 * (the embedding, still computed, is dropped).
 */
async function queryEmbedding(
  options: RetrieveOptions,
): Promise<{ status: VectorStatus; search?: Omit<VectorQuery, "userId" | "perType"> }> {
  const signal = AbortSignal.timeout(env().MEMORY_QUERY_EMBEDDING_TIMEOUT_MS);
  try {
    // Inside the try: a misconfigured embedder (unknown vector size) must not fail the reply.
    const embedder = options.embedder === undefined ? getEmbedder() : options.embedder;
    if (!embedder) return { status: "off" };
    if (options.query.trim() === "") return { status: "empty-query" };
    const [embedding] = await embedder.embed([options.query], { signal, priority: "query" });
    return {
      status: "used",
      search: {
        model: embedder.id,
        dimensions: embedder.dimensions,
        embedding: embedding!,
        minSimilarity: embedder.minSimilarity,
      },
    };
  } catch (error) {
    if (signal.aborted) return { status: "timeout" };
    console.warn("[memory] query embedding failed; retrieving by text search only", error);
    return { status: "failed" };
  }
}

export async function retrieveMemories(options: RetrieveOptions): Promise<RetrievedMemories> {
  const { userId, query } = options;
  const budgetTokens = options.budgetTokens ?? env().MEMORY_TOKEN_BUDGET;
  const now = options.now ?? new Date();
  const analyzed = analyzeQuery(query);
  // Before the transaction: no snapshot is held open while a model answers.
  const vector = await queryEmbedding(options);

  const lists = await getDb().transaction(
    async (tx) => {
      const procedural = await getActiveProceduralMemories(tx, { userId, limit: MAX_INSTRUCTIONS });
      const core = await getCoreProfileFacts(tx, { userId, keys: CORE_PROFILE_KEYS, limit: MAX_CORE_FACTS });
      const { rows: fulltext, wordMatched } = analyzed.tsquery
        ? await getFullTextCandidates(tx, {
            userId,
            tsquery: analyzed.tsquery,
            wordTerms: analyzed.wordTerms,
            perType: CANDIDATES_PER_LIST,
          })
        : { rows: [], wordMatched: [] };
      // Typo tolerance for the words text search did not find: a word it found is spelled as stored,
      // and fuzzy matching it again would cost a similarity computation per memory containing it.
      const fuzzyWords = analyzed.fuzzyWords
        .filter((w) => !wordMatched[analyzed.words.indexOf(w)])
        .slice(0, MAX_FUZZY_WORDS);
      if (fuzzyWords.length > 0) await setFuzzyThreshold(tx);
      const trigram = await getTrigramCandidates(tx, { userId, words: fuzzyWords, perType: CANDIDATES_PER_LIST });
      const nearest = vector.search
        ? await getVectorCandidates(tx, { db: getDb(), userId, ...vector.search, perType: CANDIDATES_PER_LIST })
        : [];
      const recent = await getRecentEpisodes(tx, { userId, limit: RECENT_EPISODES });
      return { procedural, core, fulltext, trigram, nearest, recent };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );

  const ofType = (rows: CandidateRow[], type: "semantic" | "episodic") => rows.filter((r) => r.type === type);
  const retrievers = (type: "semantic" | "episodic"): Partial<Record<RetrieverName, CandidateRow[]>> => ({
    fulltext: ofType(lists.fulltext, type),
    trigram: ofType(lists.trigram, type),
    vector: ofType(lists.nearest, type),
  });

  const keyOrder = (key: string | null) => {
    const i = key === null ? -1 : CORE_PROFILE_KEYS.indexOf(key);
    return i === -1 ? CORE_PROFILE_KEYS.length : i;
  };
  // Stable sort: allergies (and any other keyless core fact) keep the query's importance order.
  const coreFacts = [...lists.core].sort((a, b) => keyOrder(a.key) - keyOrder(b.key)).map((r) => toFact(r, true, 0));
  const coreIds = new Set(coreFacts.map((f) => f.id));
  const rankedFacts = fuseRankedLists(retrievers("semantic"), { now, halfLifeDays: HALF_LIFE_DAYS.semantic })
    .filter((f) => !coreIds.has(f.item.id))
    .slice(0, MAX_RANKED_FACTS)
    .map((f) => toFact(f.item, false, f.score));

  const matchedEpisodes = fuseRankedLists(retrievers("episodic"), { now, halfLifeDays: HALF_LIFE_DAYS.episodic })
    .slice(0, MAX_MATCHED_EPISODES)
    .map((f) => toEpisode(f.item, f.score));
  const matchedIds = new Set(matchedEpisodes.map((e) => e.id));
  const recentEpisodes = lists.recent.filter((r) => !matchedIds.has(r.id)).map((r) => toEpisode(r, 0));

  type Item =
    | { kind: "instruction"; value: RetrievedInstruction }
    | { kind: "fact"; value: RetrievedFact }
    | { kind: "episode"; value: RetrievedEpisode };
  const split = (selected: Item[][]) => {
    const all = selected.flat();
    return {
      instructions: all.flatMap((i) => (i.kind === "instruction" ? [i.value] : [])),
      facts: all.flatMap((i) => (i.kind === "fact" ? [i.value] : [])),
      episodes: all.flatMap((i) => (i.kind === "episode" ? [i.value] : [])),
    };
  };

  const { selected, usedTokens } = packByPriority<Item>({
    tiers: [
      lists.procedural.map((r) => ({ kind: "instruction" as const, value: toInstruction(r) })),
      coreFacts.map((f) => ({ kind: "fact" as const, value: f })),
      rankedFacts.map((f) => ({ kind: "fact" as const, value: f })),
      // Matches first, then recency fills what is left.
      [...matchedEpisodes, ...recentEpisodes].map((e) => ({ kind: "episode" as const, value: e })),
    ],
    budgetTokens,
    measure: (selection) => estimateTokens(renderMemoryContext(split(selection))),
  });

  const result = split(selected);
  return {
    ...result,
    // Shown newest first; the order does not change the rendered size.
    episodes: result.episodes.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0)),
    usedTokens,
    vector: vector.status,
  };
}
