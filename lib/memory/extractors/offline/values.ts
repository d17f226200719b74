/**
 * Reading a value (a name, a place, an organisation, a phrase) from the text
 * that follows a trigger such as "my name is" or "I live in".
 */
import { countries, demonyms, jobHeads, languages, notNames, regions } from "./lexicon";
import { stripArticle, titleCase, trimValue } from "./normalize";

/** Where a value phrase ends: punctuation or a word that starts something else. */
const BOUNDARY =
  /\s*(?:[,;:!?()]|\.(?:\s|$)|\s-\s|\s+(?:because|since|but|although|though|when|whenever|while|which|who|where|whereas|that's|so that|so|as well|too|now|currently|these days|nowadays|at the moment|right now|anymore|any more|again|more than|better than|rather than|instead of|over|than|for (?:now|(?:about |almost |over |nearly )?(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|many|several|some) (?:years?|months?|weeks?|days?))|with (?:my|our|his|her|their)|together with|a lot|so much|very much|really much|a bit|lately|recently|today|tomorrow|yesterday|and (?:i|i'm|my|we|also|it|that|you)|by the way|btw|thanks|thank you|please|though|haha|lol)\b).*$/i;

/** The phrase up to the next boundary, trimmed. */
export function phraseAt(text: string): string {
  return trimValue(text.replace(BOUNDARY, ""));
}

/** After a comma, a word that starts a comment on the list rather than another item. */
const NOT_AN_ITEM =
  /^(?:especially|particularly|mostly|mainly|except|excluding|including|like|such as|even|though|although|which|who|whom|whose|where|when|while|whereas|that|that's|it|it's|its|they|they're|this|these|those|there|but|so|because|since|as|not|no|never|then|really|very|too|also|plus|i|i'm|you|we|he|she|lol|haha|thanks|thank you|please|btw|honestly|obviously|of course|sadly|luckily|unfortunately|actually|basically|if|or so|etc)\b/i;

/**
 * A list phrase at the start of `text`: "pizza, pasta, and sushi" stays whole,
 * where phraseAt would stop at the first comma. The list ends where an item is
 * cut short by a boundary or where a comma starts a comment ("Lisbon, especially
 * in spring"). Split it with splitList.
 */
export function listPhraseAt(text: string): string {
  // "golf and a bit of chess": a quantity before an item is not the boundary "a bit" of "I like it a bit".
  const parts = text.replace(/\b(?:a (?:little )?bit of|a little bit of|a lot of|lots of)\s+(?=\p{L})/giu, "").split(/\s*,\s*/);
  const first = phraseAt(parts[0]!);
  const items = [first];
  if (first !== trimValue(parts[0]!)) return first;
  for (const part of parts.slice(1)) {
    const bare = part.replace(/^(?:and|or)\s+/i, "");
    if (!bare || NOT_AN_ITEM.test(bare)) break;
    const item = phraseAt(part).replace(/\s+(?:and|or)$/i, "");
    if (!item) break;
    items.push(item);
    if (item !== trimValue(part)) break;
  }
  return items.join(", ");
}

const CAPITALIZED_NAME = /^((?:[A-Z][\p{L}'-]*)(?:\s+[A-Z][\p{L}'-]*){0,2})(?![\p{L}])/u;
const LOWER_WORD = /^([a-z][\p{L}'-]*)(?![\p{L}])/u;

function isNameWord(value: string): boolean {
  const first = value.split(" ")[0]!.toLowerCase();
  const whole = value.toLowerCase();
  return (
    !notNames.has(first) &&
    !demonyms.has(whole) &&
    !languages.has(whole) &&
    !countries.has(whole) &&
    !jobHeads.has(whole) &&
    value.length <= 60
  );
}

/**
 * A person's name at the start of `text`: up to three capitalized words
 * ("Zed", "Zed Shaw"). Lower case is accepted only from a casual writer, one word.
 */
export function nameAt(text: string, casual: boolean): string | null {
  const t = text.replace(/^["']/, "");
  const cap = CAPITALIZED_NAME.exec(t);
  if (cap) return isNameWord(cap[1]!) ? cap[1]! : null;
  if (!casual) return null;
  const low = LOWER_WORD.exec(t);
  return low && isNameWord(low[1]!) ? titleCase(low[1]!) : null;
}

const PLACE_CONNECTORS = "(?:of|de|da|do|del|la|le|upon|am|sur|en|el|al)";
const CAPITALIZED_PLACE = new RegExp(
  `^(?:the\\s+)?((?:[A-Z][\\p{L}'.-]*)(?:\\s+(?:${PLACE_CONNECTORS}\\s+)?[A-Z][\\p{L}'.-]*){0,3})(?![\\p{L}])`,
  "u",
);
const NOT_PLACES = new Set(
  "a|an|my|our|their|his|her|this|that|house|home|apartment|flat|city|town|village|area|suburb|suburbs|countryside|neighborhood|neighbourhood|place|room|building|dorm|van|tent|car|hotel|hostel|fear|peace|hope|denial|it|there|here|the|same|small|big|new|an|between|with|near|downtown|uptown|center|centre|middle|north|south|east|west|europe|asia|africa|paradise|hell"
    .split("|"),
);

/** "Lisbon", "New York City", "the Netherlands" (→ "Netherlands"). */
export function placeAt(text: string, casual: boolean): string | null {
  const cap = CAPITALIZED_PLACE.exec(text);
  if (cap) {
    // "Tokyo in March": a month or weekday ends the place.
    const words = cap[1]!.replace(/\.$/, "").split(" ");
    const end = words.findIndex((w, i) => i > 0 && notNames.has(w.toLowerCase()));
    const value = (end === -1 ? words : words.slice(0, end)).join(" ").replace(/\s+(?:of|de|da|do|del|la|le|upon|am|sur|en|el|al)$/, "");
    return NOT_PLACES.has(value.toLowerCase()) || notNames.has(value.toLowerCase()) ? null : value;
  }
  if (!casual) return null;
  const phrase = phraseAt(stripArticle(text)).split(" ").slice(0, 3).join(" ");
  const first = phrase.split(" ")[0] ?? "";
  if (!phrase || NOT_PLACES.has(first) || !/^[a-z][\p{L}' -]*$/u.test(phrase)) return null;
  // A casual writer's "new york" is two words; "lisbon portugal" is a city and a country.
  const words = phrase.split(" ");
  const asWhole = words.join(" ");
  if (words.length > 1 && !countries.has(asWhole) && !regions.has(asWhole) && countries.has(words.slice(1).join(" "))) {
    return titleCase(words[0]!);
  }
  return words.length <= 2 ? titleCase(asWhole) : null;
}

const ORG = /^((?:[A-Z0-9][\p{L}\p{N}'.&+-]*)(?:\s+(?:(?:&|and|of|de|for)\s+)?[A-Z0-9][\p{L}\p{N}'.&+-]*){0,4})(?![\p{L}])/u;
const GENERIC_ORG = /^(?:a|an)\s+((?:[a-z-]+\s+){0,2}[a-z-]+)/;

export interface Organisation {
  value: string;
  /** As written in a sentence: "Acme", "a startup". */
  phrase: string;
}

/** "Acme", "Procter & Gamble", or a generic "a startup". */
export function organisationAt(text: string, casual: boolean): Organisation | null {
  const t = text.replace(/^the\s+(?=[A-Z])/, "");
  const cap = ORG.exec(t);
  if (cap) {
    const value = cap[1]!.replace(/[.]$/, "");
    if (notNames.has(value.toLowerCase()) || countries.has(value.toLowerCase())) return null;
    return { value, phrase: value };
  }
  const generic = GENERIC_ORG.exec(phraseAt(text));
  if (generic) {
    const value = generic[1]!;
    return { value, phrase: `${/^[aeiou]/.test(value) ? "an" : "a"} ${value}` };
  }
  if (!casual) return null;
  const low = LOWER_WORD.exec(phraseAt(text));
  if (!low || NOT_PLACES.has(low[1]!) || notNames.has(low[1]!)) return null;
  const value = titleCase(low[1]!);
  return { value, phrase: value };
}

export type PlaceKind = "country" | "region" | "city";

export function placeKind(place: string): PlaceKind {
  const lower = place.toLowerCase();
  if (countries.has(lower) || countries.has(`the ${lower}`)) return "country";
  if (regions.has(lower)) return "region";
  return "city";
}

/**
 * A job title phrase: "a senior software engineer" → "senior software engineer".
 * Accepted only when its head noun is a known job ("fan", "person" are not).
 */
export function jobTitleAt(text: string, requireArticle: boolean): string | null {
  const article = /^(?:a|an)\s+/i.exec(text);
  if (requireArticle && !article) return null;
  const rest = text.slice(article ? article[0].length : 0);
  const phrase = phraseAt(rest.replace(/\s+(?:at|for|with|in|from|by|and|who|on)\b.*$/i, ""));
  if (!phrase || phrase.split(" ").length > 5) return null;
  const lower = phrase.toLowerCase();
  const words = lower.split(" ");
  const head = words[words.length - 1]!;
  const lastTwo = words.slice(-2).join(" ");
  if (/\b(?:not|no|never|fan|lover|person|big|huge)\b/.test(lower)) return null;
  return jobHeads.has(head) || jobHeads.has(lastTwo) ? phrase : null;
}

export function isKnownDemonym(word: string): boolean {
  return demonyms.has(word.toLowerCase());
}

export function isLanguage(word: string): boolean {
  return languages.has(word.toLowerCase());
}
