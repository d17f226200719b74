/**
 * Small string helpers shared by the offline rules. Pure and deterministic.
 */

/** Straight quotes and apostrophes, single spaces, no zero-width characters. */
export function cleanText(text: string): string {
  return text
    .replace(/[\u200B-\u200D\uFEFF]/g, "")
    .replace(/[‘’ʼ`´]/g, "'")
    .replace(/[“”„]/g, '"')
    .replace(/[–—]/g, " - ")
    .replace(/[ \t]+/g, " ")
    .trim();
}

export function capitalize(word: string): string {
  return word.length === 0 ? word : word[0]!.toUpperCase() + word.slice(1);
}

/** "new york" → "New York"; words already capitalized are kept as written. */
export function titleCase(text: string): string {
  return text
    .split(" ")
    .map((w) => (/^(?:of|de|da|do|del|la|le|upon|am|and)$/.test(w) ? w : capitalize(w)))
    .join(" ");
}

/** Drops a leading article or possessive: "a hospital" → "hospital". */
export function stripArticle(text: string): string {
  return text.replace(/^(?:a|an|the|some)\s+/i, "");
}

/** Trailing punctuation and quotes off, inner whitespace collapsed. */
export function trimValue(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .replace(/^["'(\s]+/, "")
    .replace(/["')\s.,;:!?]+$/, "")
    .trim();
}

/**
 * "hiking, swimming and cycling" → ["hiking", "swimming", "cycling"].
 * Splits on commas, "and", "or", "&" and "as well as".
 */
export function splitList(text: string): string[] {
  return text
    .split(/\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&|as well as|plus)\s+/i)
    .map(trimValue)
    .filter((s) => s.length > 0);
}

/** Cuts to at most `max` characters on a word boundary, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max - 1));
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * The comparison form of a value: lowercase, no accents, no punctuation, no
 * leading article, crude plural folding ("Peanuts" ≈ "peanut"). Used for
 * de-duplication here and for matching in tests.
 */
export function normalizeValue(value: string): string {
  return stripArticle(
    value
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .toLowerCase()
      .replace(/'/g, "")
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim(),
  )
    .split(" ")
    .map((w) => (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w))
    .join(" ");
}

/** "run a marathon" → "run-a-marathon" (ASCII, for keys). */
export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
