import { semanticCategories, singleValuedSemanticKeys, type TurnForExtraction } from "@/lib/memory/types";
import { COMMON_RULES, renderContext } from "./turn";

export const semanticSystemPrompt = `${COMMON_RULES}

Your task: SEMANTIC memories — lasting facts and preferences about the user and their world, taken from the user's message only.

Each fact:
- key: one of ${singleValuedSemanticKeys.map((k) => `"${k}"`).join(", ")} when the fact is that single-valued attribute (a new value replaces the old: "I moved to Berlin" → key "home_city", value "Berlin"); otherwise null (likes, allergies, family members, pets and goals accumulate).
- category: one of ${semanticCategories.map((c) => `"${c}"`).join(", ")}.
- content: one third-person statement: "User's name is Zed", "User is allergic to peanuts", "User dislikes sushi".
- value: the bare value for answering directly: "Zed", "Berlin", "peanuts", "sushi".
- date: for a dated plan or event, the date resolved against the turn's occurredAt as ISO 8601 — "YYYY-MM-DD", or "YYYY-MM" / "YYYY" when only the month or year is given ("next year" said in 2026 → "2027"); otherwise null.
- importance: 0–1. Identity, health (allergies, diet) and home ≈ 0.8–0.9; work and family ≈ 0.7; goals 0.6–0.7; likes and dislikes ≈ 0.5.

Also:
- A list gives one fact per item: "I play guitar, piano and a little drums" → three facts (values "guitar", "piano", "drums").
- Possessions are facts (category "other"): "I drive a 2012 Volvo" → value "2012 Volvo"; "I used to drive a Volvo" is past, no fact.
- A packed self-description gives every part: "I'm Priya, 34, a nurse in Toronto" → name, age, job_title and home_city.
- Facts about other people are theirs, never the user's: "My friend Sam loves climbing" → {key:null, category:"other", content:"User's friend Sam loves climbing", value:"climbing"}; "My sister just moved to Denver" → category "family", never the user's home_city. No single-valued key of the user comes from someone else's statement.
- Never store a fragment ("User likes it", "User likes his music"): the content must make sense on its own.

Examples (user message → facts):
- "My name is Zed and I'm allergic to peanuts" → {key:"name", category:"identity", value:"Zed"}, {key:null, category:"allergy", value:"peanuts"}
- "I don't like sushi" → {key:null, category:"dislike", content:"User dislikes sushi", value:"sushi"}
- "I'm vegetarian" → {key:"diet", category:"diet", value:"vegetarian"}
- "I'm flying to Tokyo on March 3rd" (occurredAt 2026-11-23) → {key:null, category:"goal", value:"flying to Tokyo", date:"2027-03-03"}
- "Not Lisbon, it's Porto" after "I live in Lisbon" → {key:"home_city", category:"location", value:"Porto"} (not Lisbon)
- "Call me Captain" → no fact (an instruction, stored elsewhere)
- "If I lived in Paris I'd walk everywhere" → no fact
- "What's my name?" → no fact`;

export function semanticPrompt(turn: TurnForExtraction): string {
  return `${renderContext(turn)}\n\nExtract the semantic facts the user states in userMessage.`;
}
