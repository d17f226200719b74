/**
 * Datasets for the recall evaluation, in one shape: users with dated
 * conversations (every message has an id) and questions whose evidence names
 * message ids. Two sources: the project's own synthetic set
 * (eval/datasets/synthetic/*.json) and a LoCoMo-format conversation (read
 * from a path given at run time; never copied into the repository).
 */
import fs from "node:fs";
import path from "node:path";

export interface EvalMessage {
  id: string;
  role: "user" | "assistant";
  text: string;
  createdAt: string;
}

export interface EvalConversation {
  externalId: string;
  title: string;
  messages: EvalMessage[];
}

export interface EvalQuestion {
  id: string;
  category: string;
  question: string;
  answer: string;
  /** Ids of the messages that hold the answer; none for abstention. */
  evidence: string[];
  /** Knowledge updates: the older statement(s) the evidence replaced. */
  supersededEvidence?: string[];
}

export interface EvalUser {
  id: string;
  conversations: EvalConversation[];
  questions: EvalQuestion[];
}

export interface EvalDataset {
  name: string;
  users: EvalUser[];
}

export const SYNTHETIC_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "datasets", "synthetic");

export function loadSynthetic(users?: string[]): EvalDataset {
  const files = fs
    .readdirSync(SYNTHETIC_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort();
  const loaded = files.map((f) => {
    const raw = JSON.parse(fs.readFileSync(path.join(SYNTHETIC_DIR, f), "utf8")) as {
      user: { id: string };
      conversations: EvalConversation[];
      questions: EvalQuestion[];
    };
    return { id: raw.user.id, conversations: raw.conversations, questions: raw.questions };
  });
  const chosen = users ? loaded.filter((u) => users.includes(u.id)) : loaded;
  if (users && chosen.length !== users.length) throw new Error(`unknown synthetic user in ${users.join(",")}`);
  return { name: users ? `synthetic:${users.join("+")}` : "synthetic", users: chosen };
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** "1:47 pm on 18 May, 2023" → that instant, read as UTC. */
export function parseLocomoDate(text: string): Date {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([A-Za-z]+),?\s+(\d{4})/i.exec(text);
  if (!m) throw new Error(`unrecognised LoCoMo session date ${JSON.stringify(text)}`);
  const month = MONTHS.indexOf(m[5]!.toLowerCase());
  if (month < 0) throw new Error(`unrecognised month in ${JSON.stringify(text)}`);
  const hour = (Number(m[1]) % 12) + (m[3]!.toLowerCase() === "pm" ? 12 : 0);
  return new Date(Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2])));
}

const LOCOMO_CATEGORIES: Record<number, string> = { 1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial" };

/**
 * A LoCoMo conversation (`speaker_a`, `speaker_b`, `session_N`,
 * `session_N_date_time`, `qa`): speaker_a is the user, speaker_b the other
 * side of the chat (the assistant role), each session one conversation at
 * its date, one message every 30 s in order.
 */
export function loadLocomo(file: string): EvalDataset {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> & {
    speaker_a: string;
    qa: { question: string; answer?: unknown; adversarial_answer?: unknown; evidence?: string[]; category: number }[];
  };
  const sessions = Object.keys(raw)
    .map((k) => /^session_(\d+)$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const conversations: EvalConversation[] = sessions.map((n) => {
    const start = parseLocomoDate(String(raw[`session_${n}_date_time`]));
    const turns = raw[`session_${n}`] as { speaker: string; dia_id: string; text: string }[];
    return {
      externalId: `locomo-session-${n}`,
      title: `Session ${n}`,
      messages: turns.map((t, i) => ({
        id: t.dia_id,
        role: t.speaker === raw.speaker_a ? ("user" as const) : ("assistant" as const),
        text: t.text,
        createdAt: new Date(start.getTime() + i * 30_000).toISOString(),
      })),
    };
  });
  const questions: EvalQuestion[] = raw.qa.map((q, i) => ({
    id: `q${i + 1}`,
    category: LOCOMO_CATEGORIES[q.category] ?? `category-${q.category}`,
    question: q.question,
    answer: String(q.answer ?? q.adversarial_answer ?? ""),
    evidence: q.evidence ?? [],
  }));
  return { name: `locomo:${path.basename(file)}`, users: [{ id: raw.speaker_a, conversations, questions }] };
}
