import { getDb } from "@/db/client";
import {
  createMemoryContextMeasure,
  type MemoryEpisode,
  type MemoryFact,
  type MemoryInstruction,
} from "@/lib/ai/memory-context";
import { env } from "@/lib/env";
import { getEmbedder, type Embedder } from "@/lib/memory/embedding";
import { replyGistOf, withoutReplyGist } from "@/lib/memory/episodes";
import { singleValuedSemanticKeys } from "@/lib/memory/types";
import { packByPriority, tokensOfLength } from "./budget";
import { normalizeContent } from "@/lib/memory/normalize";
import { EXPANSION_WEIGHT, holdsAnyTerm, scoreBm25, tokenize, type LexicalTerm } from "./lexical";
import {
  FUZZY_THRESHOLD,
  getActiveProceduralMemories,
  getCoreProfileFacts,
  getLexicalCandidates,
  getMemoriesInPeriod,
  getRecentEpisodes,
  getSearchableMemoryCount,
  getTrigramCandidates,
  type CandidateRow,
} from "./queries";
import { fuseRankedLists, HALF_LIFE_DAYS } from "./scoring";
import { analyzeQuery } from "./text";
import { timeRangeOf } from "./time-range";
import { getVectorCandidates, type VectorQuery } from "./vector";

/**
 * Memory retrieval for one chat message (DESIGN §4 step 2,
 * docs/memory-retrieval.md):
 *  - always, first: the standing instructions (and workflows that worked)
 *    and the core profile (single-valued facts, allergies);
 *  - then facts and episodes in one ranking: BM25 over the full-text
 *    matches (lexical.ts), vector similarity (vector.ts), trigram matches
 *    for typos, what was said in the period the question names
 *    (time-range.ts) and the newest episodes, fused by reciprocal rank
 *    (scoring.ts); a candidate must be relevant enough (MIN_RELEVANCE) to
 *    enter;
 *  - packed into the token budget by that ranking, with no caps per type,
 *    near-identical texts once.
 * Only active memories (not superseded, invalidated or deleted) of this user
 * are read.
 */

/** Guards against a runaway store; procedural memories supersede each other by key. */
export const MAX_INSTRUCTIONS = 50;
export const MAX_CORE_FACTS = 30;
/** Nearest neighbours per type (semantic, episodic) the vector list offers. */
export const VECTOR_CANDIDATES_PER_TYPE = 40;
/** Trigram matches per type. */
export const TRIGRAM_CANDIDATES_PER_TYPE = 20;
/** Memories of the named period offered, newest first. */
export const PERIOD_CANDIDATES = 60;
export const RECENT_EPISODES = 5;
/** Fuzzy (trigram) matching for at most this many words, each one a GIN trigram lookup. */
export const MAX_FUZZY_WORDS = 4;

/**
 * How relevant a ranked candidate must be to enter the context, on the scale
 * of RetrievedFact.relevance: at least a sixth of what a memory holding every
 * word of the question that some memory holds scores, a clear vector match,
 * a close typo, or having been said in the period the question names.
 */
export const MIN_RELEVANCE = 0.15;
/**
 * Cosine similarity mapped to relevance: the embedder's own threshold is 0,
 * this is 1. With the offline encoder (USE lite) paraphrases of one fact sit
 * around 0.5–0.7 ("allergic to peanuts" ~ "what food can't I eat?" 0.51).
 */
export const VECTOR_SIMILARITY_FULL = 0.6;
/**
 * What vector similarity alone can add to a memory's relevance. With the
 * offline encoder the most similar memory that does not answer a question is
 * as similar as the best one that does (medians 0.39 and 0.36 on the
 * synthetic evaluation), so a neighbour enters the context on similarity but
 * reads as an answer only with words of the question behind it.
 */
export const VECTOR_RELEVANCE_CAP = 0.4;
/** A memory said in the named period, with nothing else for it: enough to enter, not enough to lead. */
export const PERIOD_RELEVANCE = 0.3;
/** The newest episodes are offered for continuity ("as I said"), never as matches. */
export const RECENT_RELEVANCE = 0.15;

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
/** A fact or episode ranked for the message. */
export interface Ranked {
  /** 1-based place in the ranking; null for what is always included (the core profile). */
  rank: number | null;
  /** Fused score (scoring.ts); 0 for the core profile. */
  score: number;
  /**
   * How well it answers the message, in [0, 1]: the noisy-or of its lexical
   * coverage (lexical.ts) and its vector similarity (mapped by
   * VECTOR_SIMILARITY_FULL, capped at VECTOR_RELEVANCE_CAP), or its typo
   * similarity, PERIOD_RELEVANCE or RECENT_RELEVANCE if higher; 0 for the
   * core profile. Comparable across messages: retrieval's entry bar and the recall
   * API's `score`.
   */
  relevance: number;
}

export interface RetrievedFact extends MemoryFact, RetrievedMeta, Ranked {
  /** Part of the core profile (always offered), or a match for the message. */
  core: boolean;
}
export interface RetrievedEpisode extends MemoryEpisode, RetrievedMeta, Ranked {}

/**
 * Whether vector similarity took part, and if not, why: embeddings off, an
 * empty message, the query embedding took longer than
 * MEMORY_QUERY_EMBEDDING_TIMEOUT_MS, or the embedder failed.
 */
export type VectorStatus = "used" | "off" | "empty-query" | "timeout" | "failed";

export interface RetrievedMemories {
  instructions: RetrievedInstruction[];
  /** The core profile, then the ranked facts in rank order. */
  facts: RetrievedFact[];
  /** Oldest first: the context reads as a timeline. */
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

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** The words a memory is matched on: its content and topics. */
function searchableText(row: { content: string; topics: string }): string {
  return `${row.content} ${row.topics}`;
}
const unranked: Ranked = { rank: null, score: 0, relevance: 0 };

function toFact(row: CandidateRow, core: boolean, ranked: Ranked): RetrievedFact {
  return {
    ...metaOf(row),
    key: row.key,
    category: stringOrNull(row.data.category) ?? "other",
    content: row.content,
    value: stringOrNull(row.data.value),
    // When it was said, so the model can answer "when" and tell a newer statement from an older one.
    date: dayOf(row.validFrom),
    core,
    ...ranked,
  };
}

/** How many of the best-ranked episodes may show the gist of the assistant's reply (toEpisode). */
const REPLY_SHOWN_RANKS = 10;

/**
 * An episode as it enters the prompt: what the user said and what was done; the gist of the
 * assistant's reply only for the best-ranked episodes whose reply holds the question's own
 * words (there it may be the answer). Elsewhere it would cost room for what the user said:
 * the recall evaluation on LoCoMo measured evidence in context 68 % with every gist shown,
 * 79 % with none, 78 % with this rule.
 */
function toEpisode(row: CandidateRow, ranked: Ranked, terms: readonly LexicalTerm[]): RetrievedEpisode {
  const gist = replyGistOf(row.content);
  const shown = gist === null || ((ranked.rank ?? Infinity) <= REPLY_SHOWN_RANKS && holdsAnyTerm(gist, terms));
  const content = shown ? row.content : withoutReplyGist(row.content);
  return { ...metaOf(row), content, date: dayOf(row.validFrom), ...ranked };
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

/** A to_tsquery term as a BM25 term: "allerg:*" a prefix, "er" exact. */
const toLexicalTerm = (t: string, weight: number): LexicalTerm => ({ stem: t.replace(/:\*$/, ""), exact: !t.endsWith(":*"), weight });

/** Query terms for BM25: each content word's own term (text.ts), its expansions weaker. */
function lexicalTerms(analyzed: ReturnType<typeof analyzeQuery>): LexicalTerm[] {
  const expansions = (analyzed.tsquery ?? "").split(" | ").filter((t) => t && !analyzed.wordTerms.includes(t));
  return [
    ...analyzed.wordTerms.map((t) => toLexicalTerm(t, 1)),
    ...expansions.map((t) => toLexicalTerm(t, EXPANSION_WEIGHT)),
  ];
}

/** Oldest day first; within a day, best ranked first. Sorts in place. */
const asTimeline = (episodes: RetrievedEpisode[]) =>
  episodes.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : (a.rank ?? 0) - (b.rank ?? 0)));

export async function retrieveMemories(options: RetrieveOptions): Promise<RetrievedMemories> {
  const { userId, query } = options;
  const budgetTokens = options.budgetTokens ?? env().MEMORY_TOKEN_BUDGET;
  const now = options.now ?? new Date();
  const analyzed = analyzeQuery(query);
  const period = timeRangeOf(query, now);
  // The message's embedding is computed (in the embedder's worker) while the text lists are
  // read; the vector list follows it in a read transaction of its own, so no snapshot is held
  // open while a remote embedding model answers.
  const embedding = queryEmbedding(options);
  const nearestList = embedding.then((v) =>
    v.search
      ? getDb().transaction(
          (tx) => getVectorCandidates(tx, { db: getDb(), userId, ...v.search!, perType: VECTOR_CANDIDATES_PER_TYPE }),
          { isolationLevel: "repeatable read", accessMode: "read only" },
        )
      : [],
  );
  const textLists = getDb().transaction(
    async (tx) => {
      const procedural = await getActiveProceduralMemories(tx, { userId, limit: MAX_INSTRUCTIONS });
      const core = await getCoreProfileFacts(tx, { userId, keys: CORE_PROFILE_KEYS, limit: MAX_CORE_FACTS });
      const lexical = analyzed.tsquery ? await getLexicalCandidates(tx, { userId, tsquery: analyzed.tsquery }) : [];
      const collectionSize = lexical.length > 0 ? await getSearchableMemoryCount(tx, { userId }) : 0;
      const inPeriod = period
        ? await getMemoriesInPeriod(tx, { userId, from: period.from, to: period.to, limit: PERIOD_CANDIDATES })
        : [];
      const recent = await getRecentEpisodes(tx, { userId, limit: RECENT_EPISODES });
      // Typo tolerance for the words text search did not find: a word it found is spelled as stored,
      // and fuzzy matching it again would cost a similarity computation per memory containing it.
      let held: Set<string> | undefined;
      const found = (word: string) => {
        const stem = analyzed.wordTerms[analyzed.words.indexOf(word)]?.replace(/:\*$/, "") ?? word;
        held ??= new Set(lexical.flatMap((r) => tokenize(searchableText(r))));
        for (const t of held) if (t.startsWith(stem)) return true;
        return false;
      };
      const fuzzyWords = analyzed.fuzzyWords.filter((w) => !found(w)).slice(0, MAX_FUZZY_WORDS);
      // Last: it changes planner settings for the rest of the transaction.
      const trigram = await getTrigramCandidates(tx, { userId, words: fuzzyWords, perType: TRIGRAM_CANDIDATES_PER_TYPE });
      return { procedural, core, lexical, collectionSize, trigram, inPeriod, recent };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
  const [text, vector, nearest] = await Promise.all([textLists, embedding, nearestList]);
  const lists = { ...text, nearest };

  // Each list ranked best first. A candidate's entry score is the best any list gives it (BM25
  // counting only words some memory holds, lexical.ts); its relevance combines the lexical and the
  // vector evidence (either raises it, neither alone makes it certain), or a typo, period or recency.
  const lexicalRelevance = new Map<string, number>();
  const vectorRelevance = new Map<string, number>();
  const otherRelevance = new Map<string, number>();
  const entry = new Map<string, number>();
  const raise = (map: Map<string, number>, id: string, r: number) => map.set(id, Math.max(map.get(id) ?? 0, r));
  const byId = new Map<string, CandidateRow>();
  for (const row of [...lists.lexical, ...lists.trigram, ...lists.nearest, ...lists.inPeriod, ...lists.recent]) {
    if (!byId.has(row.id)) byId.set(row.id, row);
  }
  const terms = lexicalTerms(analyzed);
  // The question's own words (not their expansions): what shows an episode's reply matched.
  const ownTerms = terms.filter((t) => t.weight === 1);
  const bm25 = scoreBm25(
    lists.lexical.map((r) => ({ id: r.id, text: searchableText(r) })),
    terms,
    { collectionSize: lists.collectionSize },
  );
  for (const b of bm25) {
    raise(lexicalRelevance, b.id, b.coverage);
    raise(entry, b.id, b.matchedCoverage);
  }
  const minSimilarity = vector.search?.minSimilarity ?? 0;
  for (const n of lists.nearest) {
    const similarity = Math.min(1, Math.max(0, (n.score - minSimilarity) / (VECTOR_SIMILARITY_FULL - minSimilarity)));
    raise(entry, n.id, similarity);
    raise(vectorRelevance, n.id, similarity * VECTOR_RELEVANCE_CAP);
  }
  const other = (id: string, r: number) => {
    raise(otherRelevance, id, r);
    raise(entry, id, r);
  };
  for (const t of lists.trigram) other(t.id, Math.max(0, (t.score - FUZZY_THRESHOLD) / (1 - FUZZY_THRESHOLD)));
  // A period with words to match ranks its memories by them; without, newest first.
  const bm25Rank = new Map(bm25.map((b, i) => [b.id, i]));
  const inPeriod = [...lists.inPeriod].sort((a, b) => (bm25Rank.get(a.id) ?? Infinity) - (bm25Rank.get(b.id) ?? Infinity));
  for (const p of inPeriod) other(p.id, PERIOD_RELEVANCE);
  for (const r of lists.recent) other(r.id, RECENT_RELEVANCE);
  const relevanceOf = (id: string) => {
    const lexical = lexicalRelevance.get(id) ?? 0;
    const vectorPart = vectorRelevance.get(id) ?? 0;
    return Math.max(1 - (1 - lexical) * (1 - vectorPart), otherRelevance.get(id) ?? 0);
  };

  const fused = fuseRankedLists<CandidateRow>(
    {
      fulltext: bm25.map((b) => byId.get(b.id)!),
      trigram: lists.trigram,
      vector: lists.nearest,
      period: inPeriod,
      recent: lists.recent,
    },
    { now, halfLifeDays: (row) => HALF_LIFE_DAYS[row.type === "episodic" ? "episodic" : "semantic"] },
  );

  const keyOrder = (key: string | null) => {
    const i = key === null ? -1 : CORE_PROFILE_KEYS.indexOf(key);
    return i === -1 ? CORE_PROFILE_KEYS.length : i;
  };
  // Stable sort: allergies (and any other keyless core fact) keep the query's importance order.
  const coreFacts = [...lists.core].sort((a, b) => keyOrder(a.key) - keyOrder(b.key)).map((r) => toFact(r, true, unranked));
  const coreIds = new Set(coreFacts.map((f) => f.id));

  type Item =
    | { kind: "instruction"; value: RetrievedInstruction }
    | { kind: "fact"; value: RetrievedFact }
    | { kind: "episode"; value: RetrievedEpisode };
  const ranked: Item[] = [];
  const seenText = new Set<string>(coreFacts.map((f) => normalizeContent(f.content)));
  let rank = 0;
  for (const f of fused) {
    const r = relevanceOf(f.item.id);
    if (coreIds.has(f.item.id) || (entry.get(f.item.id) ?? 0) < MIN_RELEVANCE) continue;
    // Near-identical texts (the same words said twice) once.
    const text = normalizeContent(f.item.content);
    if (seenText.has(text)) continue;
    seenText.add(text);
    const place: Ranked = { rank: ++rank, score: f.score, relevance: r };
    ranked.push(
      f.item.type === "episodic"
        ? { kind: "episode", value: toEpisode(f.item, place, ownTerms) }
        : { kind: "fact", value: toFact(f.item, false, place) },
    );
  }

  const measure = createMemoryContextMeasure();
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
      // One ranking for facts and episodes: the budget goes to the best, whatever their type.
      ranked,
    ],
    budgetTokens,
    // Measured as it will be rendered: episodes as a timeline, under a line per day.
    measure: (selection) => {
      const parts = split(selection);
      return tokensOfLength(measure({ ...parts, episodes: asTimeline(parts.episodes) }));
    },
  });

  const result = split(selected);
  return {
    ...result,
    episodes: asTimeline(result.episodes),
    usedTokens,
    vector: vector.status,
  };
}
