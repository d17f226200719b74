/**
 * The token budget of the memory context. Pure.
 *
 * Tokens are estimated, not counted: no tokenizer ships with the app, and the
 * chat model may be any OpenAI-compatible one. OpenAI tokenizers average ~4
 * characters per token on English prose; the JSON lines of the memory context
 * are denser (≈3.6 measured on typical fact lines: quotes, keys and
 * punctuation are tokens of their own), so 3.5 keeps the estimate on the safe
 * side of the real count.
 */

export const CHARS_PER_TOKEN = 3.5;

export function estimateTokens(text: string): number {
  return tokensOfLength(text.length);
}

/** estimateTokens of a text of this many characters (UTF-16 code units, as `length` counts). */
export function tokensOfLength(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export interface PackResult<T> {
  /** One array per tier, in the tiers' order, each a subsequence of its tier. */
  selected: T[][];
  /** measure(selected): within the budget whenever the empty selection is. */
  usedTokens: number;
  /** How many items did not fit. */
  dropped: number;
}

/**
 * Greedy packing by priority. Tiers are in priority order (instructions, core
 * facts, ranked facts, episodes), items in each tier best first. Each item is
 * added if the whole selection still measures within the budget, else
 * skipped; a later, shorter item of the same tier may still fit. Once a tier
 * has had to skip an item, lower tiers get nothing: an item is never dropped
 * while something of lower priority is kept.
 *
 * `measure` gives the tokens of a whole selection (the rendered context), so
 * formatting overhead — headers, section preambles — is charged exactly. It
 * must not decrease when an item is added.
 */
export function packByPriority<T>({
  tiers,
  budgetTokens,
  measure,
}: {
  tiers: ReadonlyArray<ReadonlyArray<T>>;
  budgetTokens: number;
  measure: (selected: T[][]) => number;
}): PackResult<T> {
  const selected: T[][] = tiers.map(() => []);
  let usedTokens = measure(selected);
  let dropped = 0;
  let full = false;
  tiers.forEach((tier, i) => {
    const into = selected[i]!;
    if (full) {
      dropped += tier.length;
      return;
    }
    for (const item of tier) {
      into.push(item);
      const tokens = measure(selected);
      if (tokens <= budgetTokens) {
        usedTokens = tokens;
      } else {
        into.pop();
        dropped++;
        full = true;
      }
    }
  });
  return { selected, usedTokens, dropped };
}
