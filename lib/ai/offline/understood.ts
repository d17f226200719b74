import { joinList } from "./reply";
import { extractAll } from "@/lib/memory/extractors/offline";
import type { SemanticFact } from "@/lib/memory/types";

/**
 * What the offline model says back to a message that tells it something:
 * what the offline extractor — the same rules the memory pipeline runs after
 * the reply — understood, in the second person. So an introduction gets
 * "Nice to meet you, Priya — I'll remember that you live in Toronto and work
 * as a nurse." instead of an admission that nothing could be done, and the
 * reply promises only what the pipeline will store (nothing when memory is
 * off for the chat).
 */
export interface Understood {
  name: string | null;
  /** Facts about the user, in the second person: "you live in Toronto". */
  facts: string[];
  /** Standing instructions as what the assistant will do: "call you Captain", "keep answers short". */
  promises: string[];
}

/** "User lives in Toronto" → "you live in Toronto"; "User's dog is called Rex" → "your dog is called Rex". */
export function secondPerson(content: string): string {
  const s = content.trim().replace(/\.$/, "");
  const rest = (prefix: RegExp) => s.replace(prefix, "").trim();
  if (/^user's\b/i.test(s)) return `your ${rest(/^user's/i)}`;
  if (/^user is\b/i.test(s)) return `you're ${rest(/^user is/i)}`;
  if (/^user has\b/i.test(s)) return `you have ${rest(/^user has/i)}`;
  if (/^user was\b/i.test(s)) return `you were ${rest(/^user was/i)}`;
  const verb = /^user (\w+?)(ies|es|s)\b(.*)$/i.exec(s);
  if (verb) {
    const [, stem, ending, tail] = verb;
    const base = ending === "ies" ? `${stem}y` : ending === "es" && /(?:sh|ch|ss|x|z|o)$/i.test(stem!) ? stem : `${stem}${ending === "es" ? "e" : ""}`;
    return `you ${base}${tail}`.replace(/\btheir\b/g, "your").replace(/\bthem\b/g, "you");
  }
  return s.replace(/^user\b/i, "you");
}

function factClause(fact: SemanticFact): string | null {
  if (fact.key === "name") return null; // said as the greeting
  return secondPerson(fact.content);
}

/** "Address the user as Captain" → "call you Captain"; "When the user asks for X, give Y" → "give Y when you ask for X". */
export function asPromise(instruction: { key: string; content: string; value: string | null }): string {
  if (instruction.key === "address_as" && instruction.value) return `call you ${instruction.value}`;
  const you = instruction.content
    .trim()
    .replace(/\.$/, "")
    .replace(/\bthe user's\b/gi, "your")
    .replace(/\bthe user\b/gi, "you")
    .replace(/\byou asks\b/gi, "you ask")
    .replace(/\byou says\b/gi, "you say");
  const conditional = /^(when|whenever|if)\s+(.+?),\s*(.+)$/i.exec(you);
  const action = conditional ? `${conditional[3]} ${conditional[1]!.toLowerCase()} ${conditional[2]}` : you;
  return action.charAt(0).toLowerCase() + action.slice(1);
}

export function understoodFrom(text: string, now: Date): Understood {
  const extracted = extractAll({ turnId: "offline-reply", userMessage: text, assistantMessage: "", toolCalls: [], occurredAt: now });
  const facts = extracted.semantic.facts;
  return {
    name: facts.find((f) => f.key === "name")?.value ?? null,
    facts: facts.flatMap((f) => factClause(f) ?? []),
    promises: extracted.procedural.memories.filter((m) => m.kind === "instruction" && m.action === "set").map(asPromise),
  };
}

/** The reply to a message that stated something; null when nothing was understood. */
export function acknowledge(understood: Understood, { remembering }: { remembering: boolean }): string | null {
  const { name, facts, promises } = understood;
  if (!name && facts.length === 0 && promises.length === 0) return null;
  const greeting = name ? `Nice to meet you, ${name}` : "Got it";
  if (!remembering) return `${greeting}. Memory is off for this chat, so I won't keep any of this.`;
  const parts = [
    ...(facts.length > 0 ? [`I'll remember that ${joinList(facts)}`] : []),
    ...(promises.length > 0 ? [`I'll ${joinList(promises)}`] : []),
  ];
  return parts.length > 0 ? `${greeting} — ${parts.join(", and ")}.` : `${greeting}.`;
}
