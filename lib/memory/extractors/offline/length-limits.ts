/**
 * Length limits on the assistant's answers: "keep answers under 3 sentences",
 * "no more than 100 words", "max two paragraphs", "three sentences max". The
 * value keeps the user's own limit ("under 3 sentences"). A limit must be on
 * answers (or stand alone as the whole request) and in units of text, so "my
 * essay has to be under 500 words", "I ran 5k in under 30 minutes" and
 * "summarize this in under 100 words" (a one-off) are not instructions.
 */

export interface LengthLimit {
  /** "under 3 sentences", "no more than 100 words", "at most two paragraphs". */
  value: string;
  /** "Keep answers under 3 sentences". */
  content: string;
}

const COUNT = "(\\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|fifty|a hundred|a few|a couple of)";
const UNIT = "(words?|sentences?|lines?|paragraphs?|bullet points?|bullets?|points?|characters?|chars?|tokens?|pages?|items?|sections?)";
const COMPARATOR =
  "(under|below|less than|fewer than|no more than|not more than|at most|max|maximum|a maximum of|max of|up to|within|no longer than|not longer than|shorter than)";
const ANSWERS = "(?:(?:your|the|all|all of your|all your|my)\\s+)?(?:answers?|replies|reply|responses?|messages|explanations|summaries|it|them|things|everything)";
const TAIL = "(?:\\s+(?:per|in each|in every|for each|each|in)\\s+(?:answer|reply|response|message))?(?:\\s+(?:or less|or fewer|at most|tops|max))?";

const LIMIT = `${COMPARATOR}\\s+${COUNT}\\s+${UNIT}${TAIL}`;

/** Each form with the capture groups of its comparator, count and unit. */
const FORMS: ReadonlyArray<[RegExp, "limit" | "count-first" | "limit-to"]> = [
  [new RegExp(`^(?:keep|make)\\s+${ANSWERS}\\s+(?:to\\s+)?${LIMIT}$`, "i"), "limit"],
  [new RegExp(`^${ANSWERS}\\s+(?:should|must|need to|have to|shall|can|may|will)\\s+(?:be|stay|contain|have)\\s+(?:of\\s+)?${LIMIT}$`, "i"), "limit"],
  [new RegExp(`^(?:answer|reply|respond|write|write back|talk|explain)\\s+(?:to me\\s+)?(?:in|with|using)\\s+${LIMIT}$`, "i"), "limit"],
  [new RegExp(`^(?:(?:give me|write|send me)\\s+)?${ANSWERS}\\s+(?:of|in|with)\\s+${LIMIT}$`, "i"), "limit"],
  [new RegExp(`^${ANSWERS}\\s+${LIMIT}$`, "i"), "limit"],
  [new RegExp(`^${LIMIT}$`, "i"), "limit"],
  [new RegExp(`^limit\\s+(?:${ANSWERS}|yourself)\\s+to\\s+(?:${COMPARATOR}\\s+)?${COUNT}\\s+${UNIT}${TAIL}$`, "i"), "limit-to"],
  [new RegExp(`^${COUNT}\\s+${UNIT}\\s+(max|maximum|tops|at most|or less|or fewer)(?:\\s+(?:per|for each)\\s+(?:answer|reply|response))?$`, "i"), "count-first"],
];

/** "don't write more than 200 words", "never go over two paragraphs", "don't exceed 100 words". */
const NEGATED = new RegExp(
  `^(?:don't|do not|dont|never|please don't)\\s+(?:write|use|go|give me|send|reply with|answer with|respond with|make (?:it|them|answers|your answers))?\\s*(?:more than|over|longer than|beyond|exceed(?:ing)?)\\s+${COUNT}\\s+${UNIT}${TAIL}$`,
  "i",
);

function normalise(comparator: string): string {
  const c = comparator.toLowerCase();
  return /^(?:maximum|a maximum of|max of)$/.test(c) ? "max" : c;
}

function limitOf(comparator: string, count: string, unit: string): LengthLimit {
  const value = `${comparator} ${count.toLowerCase()} ${unit.toLowerCase()}`;
  // "Keep answers under 3 sentences" reads well; "Keep answers no more than 100 words" needs a "to".
  const joined = /^(?:under|below|within|shorter than|less than|fewer than|no longer than|not longer than)$/.test(comparator)
    ? value
    : `to ${comparator === "max" ? "at most" : comparator} ${count.toLowerCase()} ${unit.toLowerCase()}`;
  return { value, content: `Keep answers ${joined}` };
}

export function lengthLimitAt(text: string): LengthLimit | null {
  const t = text.trim();
  const negated = NEGATED.exec(t);
  if (negated) return limitOf("no more than", negated[1]!, negated[2]!);
  for (const [re, form] of FORMS) {
    const m = re.exec(t);
    if (!m) continue;
    if (form === "limit") return limitOf(normalise(m[1]!), m[2]!, m[3]!);
    if (form === "limit-to") return limitOf(m[1] ? normalise(m[1]) : "at most", m[2]!, m[3]!);
    const word = m[3]!.toLowerCase();
    const comparator = /^(?:or less|or fewer)$/.test(word) ? "at most" : word === "at most" ? "at most" : "max";
    return limitOf(comparator, m[1]!, m[2]!);
  }
  return null;
}
