/**
 * Things the user owns: "I drive a 2012 Volvo", "I have an old Kindle", "I own a
 * cabin near Tahoe", "I've got a road bike". A thing counts only when its head
 * noun is a possession (or a maker names it), so "I have a question", "I have a
 * cold" and "I have a meeting at 3" are not possessions. The verb must follow
 * "I" directly, so "I used to drive a Volvo" and "I don't own a TV" never match.
 */
import type { SemanticFact } from "@/lib/memory/types";
import { fact, type Rule } from "./facts";
import { brands, possessions } from "./lexicon";
import { splitList, trimValue } from "./normalize";
import { listPhraseAt, placeAt } from "./values";

const OWNING =
  /\b(?:i|we)(?:'ve|\s+have)?\s+(?:(?:also|still|just|recently|finally|now|actually|even)\s+)?(got|have|own|drive|ride)\s+(.*)$/i;

const THIRD_PERSON: Readonly<Record<string, string>> = { got: "has", have: "has", own: "owns", drive: "drives", ride: "rides" };

const DETERMINER =
  /^(a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a couple of|a few|\d+)\s+(?!(?:lot|bit|few|couple|little|while|minute|second|moment|sec)\b)/i;

/** Where the description of the thing ends: "a truck for work", "a question about my car". */
const TAIL = /\s+(?:to|for|from|with|at|about|on|of|that|which|who|because|since|but|when|while|as|so|and|or|i|we|every|each|today|now|these days)\b.*$/i;

/** Kept only before a named place: "a cabin near Tahoe", "a small farm in Vermont"; "a car in the garage" loses it. */
const LOCATION = /\s+(in|near|by|outside|on)\s+(.*)$/i;

function singular(word: string): string {
  return /[^s]s$/.test(word) ? word.slice(0, -1) : word;
}

/** A thing people own, by its head noun or the maker that names it. */
export function isPossession(noun: string): boolean {
  const words = noun.toLowerCase().split(" ");
  const head = singular(words[words.length - 1]!);
  const lastTwo = `${words.length > 1 ? `${words[words.length - 2]} ` : ""}${head}`;
  if (possessions.has(head) || possessions.has(lastTwo)) return true;
  // A maker names the thing by itself only when nothing else heads the phrase: "a Tesla Model 3", not "a Tesla appointment".
  const original = noun.split(" ");
  const last = original[original.length - 1]!;
  return words.some((w) => brands.has(w)) && (brands.has(head) || /^[A-Z0-9]/.test(last));
}

interface Thing {
  determiner: string;
  /** "2012 Volvo", "cabin near Tahoe", "two guitars". */
  value: string;
}

function thingAt(item: string): Thing | null {
  const det = DETERMINER.exec(item);
  if (!det) return null;
  const determiner = det[1]!.toLowerCase();
  const rest = item.slice(det[0].length);
  const located = LOCATION.exec(rest);
  const place = located ? placeAt(located[2]!, false) : null;
  const noun = trimValue((located ? rest.slice(0, located.index) : rest).replace(TAIL, ""));
  if (!noun || noun.split(" ").length > 4 || !isPossession(noun)) return null;
  const where = located && place && !located[1]!.includes(" ") ? ` ${located[1]!.toLowerCase()} ${place}` : "";
  const counted = /^(?:a|an|one)$/.test(determiner) ? "" : `${determiner} `;
  return { determiner, value: `${counted}${noun}${where}` };
}

export const possessionFacts: Rule = (clause) => {
  const m = OWNING.exec(clause);
  if (!m) return [];
  const verb = THIRD_PERSON[m[1]!.toLowerCase()]!;
  const out: SemanticFact[] = [];
  for (const item of splitList(listPhraseAt(m[2]!))) {
    const thing = thingAt(item);
    if (!thing) continue;
    const article = /^(?:a|an)$/.test(thing.determiner) ? `${thing.determiner} ` : thing.determiner === "one" ? "a " : "";
    out.push(fact(null, "other", `User ${verb} ${article}${thing.value}`, thing.value));
  }
  return out;
};
