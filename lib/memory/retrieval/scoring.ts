/**
 * How retrieval ranks candidate memories. Pure functions; the formula is also
 * documented in docs/memory-retrieval.md (keep the two in step).
 *
 * Each retriever (full text, trigram, vector) returns its own ranked list.
 * Their scores are not comparable (ts_rank, word similarity, cosine), so the
 * lists are fused by rank — reciprocal rank fusion (Cormack, Clarke and
 * Büttcher, SIGIR 2009) — and two priors are added, scaled to the size of one
 * top-ranked hit so they reorder similar matches without outvoting relevance:
 *
 *   score(m) = Σ_l  w_l / (K + rank_l(m))                              relevance (RRF)
 *            + (W_IMPORTANCE · importance(m) + W_RECENCY · recency(m)) / (K + 1)
 *
 *   recency(m) = 0.5 ^ (age_days(m) / half_life_days(type))
 *
 * rank_l is 1-based; a memory missing from a list gets nothing from it.
 * K = 60, w_l = 1 for every list, W_IMPORTANCE = 0.3, W_RECENCY = 0.2,
 * half-life 180 days for facts (they stay true until superseded) and 30 days
 * for episodes. So a memory ranked high by two retrievers beats one found by
 * one (agreement dominates), and between two first-rank hits of one list the
 * priors decide: importance 0.9 vs 0.5 is worth 0.12/(K+1), about what
 * separates rank 1 from rank 9 in one list.
 */

export const RRF_K = 60;
export const W_IMPORTANCE = 0.3;
export const W_RECENCY = 0.2;
export const HALF_LIFE_DAYS = { semantic: 180, episodic: 30 } as const;

/**
 * The ranked lists retrieval fuses: full text (ranked by BM25), trigram (typos), vector similarity,
 * the period the question names, and the newest episodes (continuity).
 */
export type RetrieverName = "fulltext" | "trigram" | "vector" | "period" | "recent";

/**
 * The weight of each retriever's list in the fusion: the two relevance rankings count fully, a
 * typo match half, being said in the named period a little more than half, being recent little.
 */
export const LIST_WEIGHTS: Readonly<Record<RetrieverName, number>> = { fulltext: 1, trigram: 0.5, vector: 1, period: 0.6, recent: 0.2 };

const DAY_MS = 86_400_000;

/** Σ w_l / (K + rank_l) over the lists that ranked the memory (ranks 1-based). */
export function reciprocalRankFusion(
  ranks: Partial<Record<RetrieverName, number>>,
  { k = RRF_K, weights = LIST_WEIGHTS }: { k?: number; weights?: Readonly<Record<RetrieverName, number>> } = {},
): number {
  let score = 0;
  for (const [name, rank] of Object.entries(ranks) as Array<[RetrieverName, number | undefined]>) {
    if (rank === undefined) continue;
    if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`rank must be a positive integer, got ${rank}`);
    score += weights[name] / (k + rank);
  }
  return score;
}

/** 1 for now, 0.5 after one half-life, … A date in the future (clock skew) counts as now. */
export function recencyDecay(validFrom: Date, now: Date, halfLifeDays: number): number {
  const ageDays = Math.max(0, now.getTime() - validFrom.getTime()) / DAY_MS;
  return 0.5 ** (ageDays / halfLifeDays);
}

/** Stored importance clamped to [0, 1] (a hand-edited row must not dominate). */
export function importanceWeight(importance: number): number {
  if (!Number.isFinite(importance)) return 0;
  return Math.min(1, Math.max(0, importance));
}

/** The prior term of the formula: (W_IMPORTANCE · importance + W_RECENCY · recency) / (K + 1). */
export function priorScore(
  { importance, validFrom }: { importance: number; validFrom: Date },
  { now, halfLifeDays, k = RRF_K }: { now: Date; halfLifeDays: number; k?: number },
): number {
  return (W_IMPORTANCE * importanceWeight(importance) + W_RECENCY * recencyDecay(validFrom, now, halfLifeDays)) / (k + 1);
}

export interface FusionCandidate {
  id: string;
  importance: number;
  validFrom: Date;
}

export interface Fused<T extends FusionCandidate> {
  item: T;
  score: number;
  ranks: Partial<Record<RetrieverName, number>>;
}

/**
 * Fuses ranked lists of candidates (each list best first; the same id may
 * appear in several) into one list, best first. Ties break by importance,
 * then newer, then id, so the order is stable for equal inputs.
 */
export function fuseRankedLists<T extends FusionCandidate>(
  lists: Partial<Record<RetrieverName, readonly T[]>>,
  { now, halfLifeDays }: { now: Date; halfLifeDays: number | ((item: T) => number) },
): Fused<T>[] {
  const byId = new Map<string, { item: T; ranks: Partial<Record<RetrieverName, number>> }>();
  for (const [name, list] of Object.entries(lists) as Array<[RetrieverName, readonly T[] | undefined]>) {
    if (!list) continue;
    let rank = 0;
    for (const item of list) {
      const entry = byId.get(item.id) ?? { item, ranks: {} };
      // A list that repeats an id keeps its best rank.
      if (entry.ranks[name] === undefined) entry.ranks[name] = ++rank;
      byId.set(item.id, entry);
    }
  }
  const fused = [...byId.values()].map(({ item, ranks }) => ({
    item,
    ranks,
    score:
      reciprocalRankFusion(ranks) +
      priorScore(item, { now, halfLifeDays: typeof halfLifeDays === "number" ? halfLifeDays : halfLifeDays(item) }),
  }));
  return fused.sort(
    (a, b) =>
      b.score - a.score ||
      b.item.importance - a.item.importance ||
      b.item.validFrom.getTime() - a.item.validFrom.getTime() ||
      (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0),
  );
}
