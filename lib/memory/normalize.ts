/**
 * Content normalisation and near-duplicate detection for memory consolidation.
 * Pure and deterministic: the same inputs always give the same answer, so
 * replaying a turn takes the same decisions as the first run.
 */

/** Scores at or above this are near-duplicates (see isNearDuplicate). */
export const NEAR_DUPLICATE_THRESHOLD = 0.85;

// "User's name is Zed", "The user is allergic to…": the subject every extracted
// fact starts with carries no information, so it must not make two facts differ.
const LEADING_BOILERPLATE = /^(?:the )?users? /;

/**
 * Lowercase; strip accents from Latin letters (Zoë → zoe; other scripts keep
 * their marks, which are letters there); drop apostrophes (don't → dont,
 * user's → users); every other non-letter, non-digit is a space; spaces
 * collapsed; leading "user"/"user's"/"the user" removed. Idempotent.
 */
export function normalizeContent(text: string): string {
  let s = text
    .normalize("NFKD")
    .replace(/(\p{Script=Latin})\p{M}+/gu, "$1")
    .normalize("NFC")
    .toLowerCase()
    .replace(/['’‘`´]/g, "")
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, " ")
    .trim();
  // Repeat so that normalising a normalised string changes nothing.
  for (let stripped = s.replace(LEADING_BOILERPLATE, ""); stripped !== s; ) {
    s = stripped;
    stripped = s.replace(LEADING_BOILERPLATE, "");
  }
  return s;
}

/** Crude English plural folding, enough for "peanut" ≈ "peanuts". */
function stem(token: string): string {
  if (token.length > 4 && token.endsWith("ies")) return `${token.slice(0, -3)}y`;
  if (token.length > 3 && token.endsWith("s") && !token.endsWith("ss")) return token.slice(0, -1);
  return token;
}

function tokens(normalized: string): string[] {
  return normalized === "" ? [] : normalized.split(" ");
}

function jaccard<T>(a: Set<T>, b: Set<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Trigrams as pg_trgm makes them: each word padded with two spaces before, one after. */
function trigrams(normalized: string): Set<string> {
  const out = new Set<string>();
  for (const word of tokens(normalized)) {
    const padded = `  ${word} `;
    const chars = Array.from(padded);
    for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(""));
  }
  return out;
}

const NEGATIONS = new Set([
  "not", "no", "never", "nor", "none", "neither", "without", "cannot", "dont", "doesnt",
  "didnt", "isnt", "arent", "wasnt", "werent", "wont", "cant", "shouldnt", "wouldnt",
  "couldnt", "hasnt", "havent", "hadnt", "stop", "avoid",
]);

/**
 * Similarity of two texts in [0, 1]: the larger of token Jaccard (after plural
 * folding) and pg_trgm-style trigram Jaccard, both over normalised text.
 */
export function contentSimilarity(a: string, b: string): number {
  const na = normalizeContent(a);
  const nb = normalizeContent(b);
  if (na === nb) return 1;
  const tokenScore = jaccard(new Set(tokens(na).map(stem)), new Set(tokens(nb).map(stem)));
  const trigramScore = jaccard(trigrams(na), trigrams(nb));
  return Math.max(tokenScore, trigramScore);
}

/** True when every word of one text (plural-folded) occurs in the other: "hiking" ⊆ "hiking in the mountains". */
export function isTokenSubset(a: string, b: string): boolean {
  const ta = new Set(tokens(normalizeContent(a)).map(stem));
  const tb = new Set(tokens(normalizeContent(b)).map(stem));
  const [small, large] = ta.size <= tb.size ? [ta, tb] : [tb, ta];
  return small.size > 0 && [...small].every((t) => large.has(t));
}

/**
 * True when two texts say the same thing: equal after normalisation, or
 * contentSimilarity ≥ NEAR_DUPLICATE_THRESHOLD (0.85) — and, because one word
 * can flip the meaning of an otherwise identical sentence, only when both have
 * the same negation polarity ("likes" vs "does not like") and the same numbers
 * ("2 cats" vs "3 cats").
 */
export function isNearDuplicate(a: string, b: string): boolean {
  const na = normalizeContent(a);
  const nb = normalizeContent(b);
  if (na === nb) return true;
  if (na === "" || nb === "") return false;
  const ta = tokens(na);
  const tb = tokens(nb);
  const negations = (ts: string[]) => ts.filter((t) => NEGATIONS.has(t)).length % 2;
  if (negations(ta) !== negations(tb)) return false;
  const numbers = (ts: string[]) => ts.filter((t) => /\p{N}/u.test(t)).sort().join(" ");
  if (numbers(ta) !== numbers(tb)) return false;
  return contentSimilarity(na, nb) >= NEAR_DUPLICATE_THRESHOLD;
}
