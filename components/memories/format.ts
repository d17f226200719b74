import type { MemoryType } from "@/lib/memory/view";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "Nov 23, 2026", in UTC. Deterministic on purpose: the server render and the
 * browser must print the same text (Intl output differs between runtimes).
 */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

export const memoryTabs: { type: MemoryType; label: string; singular: string; empty: string }[] = [
  {
    type: "semantic",
    label: "Facts",
    singular: "fact",
    empty: "No facts yet. What you tell Jarvus about yourself — your name, where you live — shows up here.",
  },
  {
    type: "procedural",
    label: "Instructions",
    singular: "instruction",
    empty: "No instructions yet. Tell Jarvus how to answer (\"call me Captain\", \"keep it short\") and it shows up here.",
  },
  {
    type: "episodic",
    label: "Episodes",
    singular: "episode",
    empty: "No episodes yet. Each conversation leaves a short note of what happened here.",
  },
];

/** The server's `{ code, message }` answer as a sentence, or a fallback. */
export async function readErrorMessage(res: Response, fallback: string): Promise<string> {
  try {
    const body = (await res.json()) as { message?: unknown };
    if (typeof body.message === "string") return body.message;
  } catch {
    // not JSON (a proxy page, a network error): the fallback says enough
  }
  return fallback;
}

/** Importance in words, from the 0–1 score the pipeline stores. */
export const importanceLevels = [
  { min: 0.85, label: "Very important", value: 0.9 },
  { min: 0.65, label: "Important", value: 0.75 },
  { min: 0.4, label: "Somewhat important", value: 0.5 },
  { min: 0, label: "Minor", value: 0.2 },
] as const;

export function importanceLabel(score: number): string {
  return (importanceLevels.find((l) => score >= l.min) ?? importanceLevels[3]).label;
}
