/**
 * BM25 over candidate memories, in the app. Postgres full text finds the
 * candidates (any query word, through the GIN index) but its ts_rank has no
 * inverse document frequency: a memory that repeats a common word outranks
 * one holding the rare word the question is about. Here every query term is
 * weighed by how rare it is among the user's memories, with BM25's
 * saturation and length normalisation (Robertson and Zaragoza, "The
 * Probabilistic Relevance Framework: BM25 and Beyond", 2009). Pure.
 *
 * Terms are stems matched as prefixes, exactly as the SQL side matches them
 * (`allerg:*` finds "allergic" and "allergies"); a query word's expansions
 * ("pet" → dog, cat, …) count at EXPANSION_WEIGHT.
 */

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
/** An expansion term is evidence, but weaker than the user's own word. */
export const EXPANSION_WEIGHT = 0.5;

export interface LexicalTerm {
  /** A stem matched as a prefix of a document's tokens ("allerg"), or a whole token when exact. */
  stem: string;
  exact?: boolean;
  weight: number;
}

export interface LexicalDoc {
  id: string;
  text: string;
}

export function tokenize(text: string): string[] {
  return text.toLowerCase().normalize("NFC").match(/[\p{L}\p{N}]+/gu) ?? [];
}

function matches(token: string, term: LexicalTerm): boolean {
  return term.exact ? token === term.stem : token.startsWith(term.stem);
}

/** Whether any token of the text matches any of the terms. */
export function holdsAnyTerm(text: string, terms: readonly LexicalTerm[]): boolean {
  return tokenize(text).some((t) => terms.some((term) => matches(t, term)));
}

export interface Bm25Scored {
  id: string;
  score: number;
  /**
   * How much of the question the memory holds, in [0, 1]: the share of the
   * terms' weight (IDF × term weight) whose term occurs in it at all. Unlike
   * the score it does not grow with repeats or shortness, so it is comparable
   * across memories and queries (retrieval's relevance; abstention).
   */
  coverage: number;
  /**
   * The same over the terms some candidate holds: a word no memory contains
   * cannot be matched by any, so it does not count against one that holds
   * the others (retrieval's entry bar), while `coverage` keeps it (a question
   * about something never said scores low: abstention).
   */
  matchedCoverage: number;
}

/**
 * BM25 of each document for the terms. `collectionSize` is the number of
 * memories the document frequencies are relative to (at least the
 * candidates); documents scoring 0 are left out; best first.
 */
export function scoreBm25(
  docs: readonly LexicalDoc[],
  terms: readonly LexicalTerm[],
  { collectionSize }: { collectionSize: number },
): Bm25Scored[] {
  if (docs.length === 0 || terms.length === 0) return [];
  const tokenized = docs.map((d) => tokenize(d.text));
  const avgLength = tokenized.reduce((n, t) => n + t.length, 0) / tokenized.length || 1;
  const n = Math.max(collectionSize, docs.length);
  const idf = terms.map((term) => {
    const df = tokenized.filter((tokens) => tokens.some((t) => matches(t, term))).length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  });
  const ideal = terms.reduce((sum, term, i) => sum + term.weight * idf[i]!, 0);
  const present = terms.map((term) => tokenized.some((tokens) => tokens.some((t) => matches(t, term))));
  const idealMatched = terms.reduce((sum, term, i) => sum + (present[i] ? term.weight * idf[i]! : 0), 0);
  const scored: Bm25Scored[] = [];
  tokenized.forEach((tokens, d) => {
    let score = 0;
    let held = 0;
    terms.forEach((term, i) => {
      let tf = 0;
      for (const t of tokens) if (matches(t, term)) tf++;
      if (tf === 0) return;
      const norm = tf + BM25_K1 * (1 - BM25_B + (BM25_B * tokens.length) / avgLength);
      score += term.weight * idf[i]! * ((tf * (BM25_K1 + 1)) / norm);
      held += term.weight * idf[i]!;
    });
    if (score > 0) {
      scored.push({
        id: docs[d]!.id,
        score,
        coverage: ideal > 0 ? Math.min(1, held / ideal) : 0,
        matchedCoverage: idealMatched > 0 ? Math.min(1, held / idealMatched) : 0,
      });
    }
  });
  return scored.sort((a, b) => b.score - a.score);
}
