/**
 * Turns a chat message into search terms. Pure; the SQL lives in queries.ts.
 *
 * Memories are indexed with the 'simple' text-search config (no stemming, no
 * stop words: memories may be in any language), so the message is prepared
 * here: English function words and chat filler are dropped ("what am I
 * allergic to" → "allergic"), each remaining word is lightly stemmed and
 * prefix-matched ("allerg:*" finds "allergic", "allergy", "allergies"), and the
 * words are OR-ed. websearch_to_tsquery would AND every word, so "what am I
 * allergic to" would match nothing.
 */

/** Words too common to say anything about a memory. "user" starts most stored facts ("User lives in …"). */
const STOP_WORDS = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been before being " +
    "below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down " +
    "during each else ever few for from further get got had hasn't has have haven't having he her here hers " +
    "herself him himself his how i if in into is isn't it its itself just let me mine more most much must my " +
    "myself no nor not now of off on once only or other our ours ourselves out over own please same shall she " +
    "should so some such than that the their theirs them themselves then there these they this those through " +
    "to too under until up us very was wasn't we were weren't what when where which while who whom whose why " +
    "will with won't would you your yours yourself yourselves " +
    // chat filler and words every memory shares
    "hi hello hey thanks thank ok okay yes yeah sure know remember tell told say said think recall anything " +
    "something thing things user user's jarvus assistant already really maybe talk talked talking chat chatted " +
    "discuss discussed tip tips idea ideas help want need near next last"
  ).split(/\s+/),
);

/**
 * Words a question uses for a whole category of facts that the facts
 * themselves rarely contain ("do I have pets?" vs "User has a dog named
 * Rex"): the query also searches for the category's usual words, as
 * to_tsquery terms (":*" = prefix). Keyed by stem.
 */
const EXPANSIONS: Record<string, readonly string[]> = {
  pet: ["dog:*", "cat", "cats", "pupp:*", "kitten:*", "parrot:*", "hamster:*", "rabbit:*"],
  allerg: ["intoleran:*"],
  famil: ["wife", "husband", "partner", "son", "daughter:*", "mother", "father", "sister:*", "brother:*", "kids", "child:*"],
  job: ["work:*", "employ:*", "company"],
  work: ["job:*", "employ:*", "company"],
  hobb: ["like:*", "love:*", "enjoy:*"],
  diet: ["vegetarian", "vegan", "eat:*"],
};

/** At most this many words per query: a pasted essay must not become a 500-term OR. */
export const MAX_QUERY_WORDS = 12;
/**
 * Fuzzy (trigram) matching only for words this long: a short word has few
 * trigrams, mostly common ones, so it proposes many memories on weak evidence.
 */
export const MIN_FUZZY_WORD_LENGTH = 5;

const SUFFIXES: ReadonlyArray<readonly [suffix: string, minStem: number]> = [
  ["ies", 4],
  ["ied", 4],
  ["ing", 3],
  ["ers", 4],
  ["ed", 3],
  ["es", 4],
  ["er", 4],
  ["ic", 4],
  ["ly", 4],
  ["s", 3],
  ["y", 4],
];

/** A light suffix stripper for prefix matching: "allergies" → "allerg", "hiking" → "hik". */
export function stem(word: string): string {
  for (const [suffix, minStem] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= minStem) return word.slice(0, -suffix.length);
  }
  return word;
}

export interface AnalyzedQuery {
  /** Content words of the message, lower case, in order, without duplicates. */
  words: string[];
  /** Each word's own term, aligned with `words`: a prefix ("allerg:*"), or a two-letter word whole ("er"). */
  wordTerms: string[];
  /** For to_tsquery('simple', …): prefix terms OR-ed, e.g. "allerg:* | peanut:*"; null when no word is left. */
  tsquery: string | null;
  /**
   * Words long enough for pg_trgm word similarity (typo tolerance). Retrieval
   * uses only those that full text did not find (see index.ts).
   */
  fuzzyWords: string[];
}

/** Words this short are matched whole, not as a prefix. */
const EXACT_WORD_MAX_LENGTH = 2;

export function analyzeQuery(message: string): AnalyzedQuery {
  // Letters and digits only: what reaches to_tsquery can never be an operator.
  const tokens = message.toLowerCase().normalize("NFC").match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  const words: string[] = [];
  for (const token of tokens) {
    const word = token.replace(/'.*$/, "");
    if (word.length < 2 || STOP_WORDS.has(token) || STOP_WORDS.has(word)) continue;
    if (!words.includes(word)) words.push(word);
    if (words.length === MAX_QUERY_WORDS) break;
  }
  const terms: string[] = [];
  const wordTerms: string[] = [];
  for (const word of words) {
    const stemmed = stem(word);
    // A word of two letters is matched whole: "ER" as a prefix would find "error", "errand", "eric".
    const own = word.length <= EXACT_WORD_MAX_LENGTH ? word : `${stemmed}:*`;
    wordTerms.push(own);
    for (const term of [own, ...(EXPANSIONS[stemmed] ?? [])]) if (!terms.includes(term)) terms.push(term);
  }
  return {
    words,
    wordTerms,
    tsquery: terms.length > 0 ? terms.join(" | ") : null,
    fuzzyWords: words.filter((w) => w.length >= MIN_FUZZY_WORD_LENGTH && !/^\p{N}+$/u.test(w)),
  };
}
