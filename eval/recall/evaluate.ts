/**
 * The recall evaluation: import each user's dated history through the app's
 * import path, run every turn through the memory pipeline's own steps, then
 * ask each question through recall() — exactly what the chat would put in the
 * prompt — and score evidence recall: does a returned memory come from one of
 * the question's evidence turns? Next to it, plain BM25 over the user's raw
 * messages, the floor a memory layer must not fall below.
 *
 * Needs the app's database modules pointed at a migrated database
 * (bench/lib/database.ts openAppBenchDatabase does that).
 */
import { getDb } from "@/db/client";
import { createGuestUser } from "@/db/queries/users";
import { sql } from "drizzle-orm";
import { importHistory, parseImport } from "@/lib/import";
import { planConversation } from "@/lib/import/plan";
import { getMemoryExtractor } from "@/lib/memory/extractors";
import { processTurnNow } from "@/lib/memory/pipeline";
import { recall, type RecalledMemory } from "@/lib/memory/recall";
import { estimateTokens } from "@/lib/memory/retrieval/budget";
import { embedPendingMemories } from "@/lib/memory/retrieval/embeddings";
import { Bm25 } from "./bm25";
import type { EvalDataset, EvalUser } from "./dataset";

/**
 * A recalled memory whose relevance (the recall API's `score`, in [0, 1]) is at least this is
 * presented as an answer; an abstention question is clean when nothing in its context reaches it.
 */
export const ABSTENTION_SCORE = 0.8;

export interface Rates {
  at5: number;
  at10: number;
  /** Jarvus: anywhere in the context; BM25: the top messages up to the context's token count. */
  full: number;
}

export interface CategoryResult {
  n: number;
  jarvus: Rates;
  bm25: Rates;
}

export interface QuestionResult {
  user: string;
  id: string;
  category: string;
  question: string;
  evidenceTurns: number;
  jarvus: { at5: boolean; at10: boolean; context: boolean };
  bm25: { at5: boolean; at10: boolean; sameTokens: boolean };
  contextTokens: number;
  memories: number;
  topScore: number;
  /** Knowledge updates: the context holds the replaced statement but not the current one. */
  stale: boolean;
}

export interface RecallEvaluation {
  dataset: string;
  extractor: string;
  users: number;
  turns: number;
  questions: number;
  budget: number;
  overall: CategoryResult;
  byCategory: Record<string, CategoryResult>;
  contextTokens: { mean: number; p95: number; max: number };
  /** Tokens of the user's active memories ÷ tokens of the whole raw transcript (both sides). */
  storeRatio: number;
  ingest: { turns: number; seconds: number; turnsPerSecond: number };
  abstention: { n: number; clean: number; threshold: number };
  knowledgeUpdate: { n: number; stale: number };
  results: QuestionResult[];
}

export interface Ingested {
  userId: string;
  /** dataset message id → the turn it belongs to (a reply to the turn it answers, an opening message to the turn answering it). */
  turnOfMessage: Map<string, string>;
  turnIds: string[];
}

export async function ingestUser(user: EvalUser): Promise<Ingested> {
  const { id: userId } = await createGuestUser();
  // Sorted and filtered as the Jarvus parser does, so planned positions are dataset positions.
  const conversations = user.conversations.map((c) => ({
    ...c,
    messages: c.messages
      .filter((m) => m.text.trim() !== "")
      .map((m, i) => ({ m, i }))
      .sort((a, b) => Date.parse(a.m.createdAt) - Date.parse(b.m.createdAt) || a.i - b.i)
      .map(({ m }) => m),
  }));
  const parsed = parseImport({
    format: "jarvus",
    conversations: conversations.map((c) => ({
      externalId: c.externalId,
      title: c.title,
      messages: c.messages.map(({ role, text, createdAt }) => ({ role, text, createdAt })),
    })),
  });
  const saved = await importHistory({ userId, parsed });
  const turnOfMessage = new Map<string, string>();
  parsed.conversations.forEach((c, ci) => {
    const plan = planConversation(userId, c);
    const turnOfPlanned = new Map<string, string>();
    for (const t of plan.turns) {
      turnOfPlanned.set(t.userMessageId, t.id);
      if (t.assistantMessageId) turnOfPlanned.set(t.assistantMessageId, t.id);
    }
    // A conversation that opens with the other side's words: the user's first turn answers them
    // and keeps their start as a row of its episode (lib/memory/episodes.ts).
    const [first] = plan.messages;
    if (first?.role === "assistant" && plan.turns[0]) turnOfPlanned.set(first.id, plan.turns[0].id);
    for (const pm of plan.messages) {
      const turn = turnOfPlanned.get(pm.id);
      if (!turn) continue;
      for (const index of pm.from) turnOfMessage.set(conversations[ci]!.messages[index]!.id, turn);
    }
  });
  return { userId, turnOfMessage, turnIds: saved.turns.map((t) => t.id) };
}

function rate(hits: boolean[]): number {
  return hits.length === 0 ? Number.NaN : hits.filter(Boolean).length / hits.length;
}

function summarise(results: QuestionResult[]): CategoryResult {
  return {
    n: results.length,
    jarvus: { at5: rate(results.map((r) => r.jarvus.at5)), at10: rate(results.map((r) => r.jarvus.at10)), full: rate(results.map((r) => r.jarvus.context)) },
    bm25: { at5: rate(results.map((r) => r.bm25.at5)), at10: rate(results.map((r) => r.bm25.at10)), full: rate(results.map((r) => r.bm25.sameTokens)) },
  };
}

/** Retrieval's ranking of facts and episodes; what is always included (no rank) after it, in prompt order. */
function ranked(memories: RecalledMemory[]): RecalledMemory[] {
  return memories
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (a.m.rank ?? Infinity) - (b.m.rank ?? Infinity) || a.i - b.i)
    .map(({ m }) => m);
}

function percentileOf(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function evaluateRecall(
  dataset: EvalDataset,
  options: { budget?: number; log?: (line: string) => void } = {},
): Promise<RecallEvaluation> {
  const log = options.log ?? (() => {});
  const extractor = getMemoryExtractor();
  const ingestStart = performance.now();
  const ingested: Ingested[] = [];
  let turns = 0;
  for (const user of dataset.users) {
    const u = await ingestUser(user);
    for (const turnId of u.turnIds) await processTurnNow(turnId, extractor);
    // Embeddings come in their own step after storing; catch the whole history up here.
    while ((await embedPendingMemories({ userId: u.userId, limit: 512 })).embedded > 0);
    turns += u.turnIds.length;
    ingested.push(u);
    log(`ingested ${user.id}: ${u.turnIds.length} turns`);
  }
  const ingestSeconds = (performance.now() - ingestStart) / 1000;

  return scoreRecall(dataset, ingested, { ...options, extractor: extractor.kind, ingest: { turns, seconds: ingestSeconds } });
}

/**
 * Ask every question of users already ingested (`ingested[i]` is `dataset.users[i]`) and
 * summarise: the second half of evaluateRecall, on its own so retrieval can be re-measured
 * without extracting again.
 */
export async function scoreRecall(
  dataset: EvalDataset,
  ingested: Ingested[],
  options: { budget?: number; extractor: string; ingest: { turns: number; seconds: number } },
): Promise<RecallEvaluation> {
  const { turns, seconds: ingestSeconds } = options.ingest;
  const results: QuestionResult[] = [];
  const abstentions: { clean: boolean }[] = [];
  let budget = 0;
  for (const [ui, user] of dataset.users.entries()) {
    const { userId, turnOfMessage } = ingested[ui]!;
    const userMessages = user.conversations.flatMap((c) => c.messages.filter((m) => m.role === "user"));
    const bm25 = new Bm25(userMessages.map((m) => ({ item: m, text: m.text })));
    for (const q of user.questions) {
      const recalled = await recall({ userId, query: q.question, budget: options.budget });
      budget = recalled.budget;
      const top = ranked(recalled.memories);
      const topScore = top[0]?.score ?? 0;
      if (q.evidence.length === 0) {
        abstentions.push({ clean: !recalled.memories.some((m) => m.score >= ABSTENTION_SCORE) });
        continue;
      }
      const evidence = new Set(q.evidence.map((id) => turnOfMessage.get(id)).filter((t): t is string => !!t));
      const holds = (ms: RecalledMemory[]) => ms.some((m) => m.source.turnId !== null && evidence.has(m.source.turnId));
      const bmRanked = bm25.rank(q.question);
      const bmHolds = (n: number) => bmRanked.slice(0, n).some((r) => evidence.has(turnOfMessage.get(r.item.id) ?? ""));
      let used = 0;
      let withinTokens = 0;
      for (const r of bmRanked) {
        used += estimateTokens(r.item.text);
        if (used > recalled.tokens && withinTokens > 0) break;
        withinTokens++;
      }
      const superseded = new Set((q.supersededEvidence ?? []).map((id) => turnOfMessage.get(id)).filter((t): t is string => !!t));
      const contextTurns = new Set(recalled.memories.map((m) => m.source.turnId));
      results.push({
        user: user.id,
        id: q.id,
        category: q.category,
        question: q.question,
        evidenceTurns: evidence.size,
        jarvus: { at5: holds(top.slice(0, 5)), at10: holds(top.slice(0, 10)), context: holds(recalled.memories) },
        bm25: { at5: bmHolds(5), at10: bmHolds(10), sameTokens: bmHolds(withinTokens) },
        contextTokens: recalled.tokens,
        memories: recalled.memories.length,
        topScore,
        stale: [...superseded].some((t) => contextTurns.has(t)) && !holds(recalled.memories),
      });
    }
  }

  const { rows } = await getDb().execute<{ memories: string; transcript: string }>(sql`
    select (select coalesce(sum(length(content)), 0) from memories
             where user_id = any(${sql.param(ingested.map((u) => u.userId))}::uuid[])
               and invalidated_at is null and deleted_at is null) as memories,
           (select coalesce(sum(length(p->>'text')), 0) from messages, jsonb_array_elements(parts) p
             where user_id = any(${sql.param(ingested.map((u) => u.userId))}::uuid[])) as transcript`);
  const chars = rows[0]!;
  const categories = [...new Set(results.map((r) => r.category))].sort();
  const tokens = results.map((r) => r.contextTokens);
  const updates = results.filter((r) => r.category === "knowledge-update");
  return {
    dataset: dataset.name,
    extractor: options.extractor,
    users: dataset.users.length,
    turns,
    questions: results.length + abstentions.length,
    budget,
    overall: summarise(results),
    byCategory: Object.fromEntries(categories.map((c) => [c, summarise(results.filter((r) => r.category === c))])),
    contextTokens: {
      mean: tokens.reduce((a, b) => a + b, 0) / Math.max(1, tokens.length),
      p95: percentileOf(tokens, 95),
      max: Math.max(0, ...tokens),
    },
    storeRatio: Number(chars.memories) / Math.max(1, Number(chars.transcript)),
    ingest: { turns, seconds: ingestSeconds, turnsPerSecond: turns / Math.max(0.001, ingestSeconds) },
    abstention: { n: abstentions.length, clean: rate(abstentions.map((a) => a.clean)), threshold: ABSTENTION_SCORE },
    knowledgeUpdate: { n: updates.length, stale: rate(updates.map((r) => r.stale)) },
    results,
  };
}
