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
