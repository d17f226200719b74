/**
 * The shape every offline semantic rule returns: one third-person fact about
 * the user (or about someone in the user's life), with the importance its
 * category deserves.
 */
import type { SemanticFact } from "@/lib/memory/types";
import { toThirdPerson } from "./perspective";

export type Category = SemanticFact["category"];

export interface Ctx {
  casual: boolean;
  now: Date;
}

/** One clause's facts; a rule sees only the clause text and the writer's habits. */
export type Rule = (clause: string, ctx: Ctx) => SemanticFact[];

const IMPORTANCE: Record<Category, number> = {
  identity: 0.9,
  allergy: 0.9,
  diet: 0.8,
  location: 0.8,
  work: 0.7,
  family: 0.7,
  pet: 0.6,
  goal: 0.6,
  preference: 0.5,
  like: 0.5,
  dislike: 0.5,
  other: 0.4,
};

export function fact(
  key: string | null,
  category: Category,
  content: string,
  value: string,
  date: string | null = null,
  importance = IMPORTANCE[category],
): SemanticFact {
  // Content is about "User": the user's own "my"/"me" inside a quoted phrase become "their"/"them".
  return { key, category, content: toThirdPerson(content), value, date, importance };
}

/** Words that point at something said elsewhere: a value made of them means nothing on its own. */
const POINTING_START = /^(?:hers|theirs|ours|yours|mine|him|them|it|this|that|these|those|one|ones|stuff|something|everything|anything|nothing|there|here|such)\b/i;
/** Whose? Fine in "User's brother loves his job", a fragment in "User likes his music". */
const POSSESSIVE_START = /^(?:his|her|its|their|our|your)\b/i;
const DANGLING_END = /\b(?:it|them|him|this|that|these|those|to|for|with|of|and|or|but|the|a|an|my|your|their|his)$/i;

/**
 * A fact that would read as a fragment once stored: "User likes it", "User likes
 * his music" (whose?), "User likes cooking for". Names, places and employers
 * come from stricter readers and are never fragments.
 */
export function isFragment(f: SemanticFact): boolean {
  if (f.category === "identity" || f.category === "location" || f.category === "work") return false;
  const value = f.value.trim();
  const aboutSomeoneElse = f.content.startsWith("User's ");
  return value === "" || POINTING_START.test(value) || (!aboutSomeoneElse && POSSESSIVE_START.test(value)) || DANGLING_END.test(value);
}
