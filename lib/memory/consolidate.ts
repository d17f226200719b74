import { and, eq, gt, inArray, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { isActiveMemory, lockMemoriesOfUser, type DbOrTx, type Transaction } from "@/db/queries/memories";
import { memories, memoryHistory, turns, users } from "@/db/schema";
import { episodeContents } from "./episodes";
import { isNearDuplicate, isTokenSubset, normalizeContent } from "./normalize";
import {
  singleValuedSemanticKeys,
  type EpisodicMemory,
  type MemoryType,
  type ProceduralMemory,
  type SemanticFact,
} from "./types";

/**
 * Consolidation: folds one turn's extracted memories into the user's stored
 * memories (DESIGN §1). Each store* call is one transaction, serialised per
 * user by an advisory lock, and idempotent per turn.
 *
 * Idempotency and ordering rest on three facts about every stored row:
 * `source_turn_id` (the turn that wrote it), `valid_from` (set to that turn's
 * `created_at`, i.e. when the user said it) and `invalidated_at`/`deleted_at`.
 * Storing turn T:
 *  - skips a candidate T already stored (a row of the same slot or content
 *    with source_turn_id = T, in any state): re-delivery, replay and a retry
 *    after a partial store change nothing;
 *  - never overrides what is newer than T: an active row said after T is
 *    neither superseded nor invalidated, and a slot or fact that was
 *    invalidated or deleted after T was said is not brought back. So a replay
 *    of an old turn, or turns processed out of order, cannot flip a value.
 */

export interface StoreCounts {
  added: number;
  updated: number;
  superseded: number;
}

interface StoreTarget {
  /** Defaults to getDb(); a transaction makes the store part of the caller's. */
  db?: DbOrTx;
  userId: string;
  turnId: string;
  conversationId: string;
}

const singleValued = new Set<string>(singleValuedSemanticKeys);

/** An existing memory as consolidation sees it, relative to the turn being stored. */
interface Known {
  id: string;
  key: string | null;
  content: string;
  normalized: string;
  data: Record<string, unknown>;
  sourceTurnId: string | null;
  active: boolean;
  /** valid_from is after the turn's time: said in a later turn. */
  newer: boolean;
  /** Invalidated or deleted after the turn's time. */
  changedLater: boolean;
  /** Written by this call (not by an earlier run of the same turn). */
  createdNow: boolean;
}

interface Session {
  tx: Transaction;
  userId: string;
  turnId: string;
  conversationId: string;
  type: MemoryType;
  known: Known[];
  counts: StoreCounts;
}

class TurnOwnershipError extends Error {
  constructor(turnId: string) {
    super(`turn ${turnId} does not belong to the given user and conversation`);
    this.name = "TurnOwnershipError";
  }
}

/**
 * Runs `apply` in one transaction under the user's memory lock. When the turn
 * no longer exists (its conversation was deleted) nothing is stored: the user
 * removed what it was learned from.
 */
async function storeForTurn(
  target: StoreTarget,
  type: MemoryType,
  apply: (s: Session) => Promise<void>,
  /** What the turn brings: only existing memories that could match it are loaded (none: no lookup). */
  candidates: Candidates | null,
): Promise<StoreCounts> {
  const { turnId, conversationId } = target;
  let { userId } = target;
  const db = target.db ?? getDb();
  return db.transaction(async (tx) => {
    await lockMemoriesOfUser(tx, userId);
    const [turn] = await tx
      .select({ userId: turns.userId, conversationId: turns.conversationId })
      .from(turns)
      .where(eq(turns.id, turnId));
    const counts: StoreCounts = { added: 0, updated: 0, superseded: 0 };
    if (!turn) return counts;
    if (turn.conversationId !== conversationId) throw new TurnOwnershipError(turnId);
    if (turn.userId !== userId) {
      // Another user's turn is refused, unless the turn moved since its run loaded it: a
      // guest signed up or in, its data now belongs to the account and the guest is gone
      // (db/queries/accounts.ts, under both users' locks).
      const [stillThere] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
      if (stillThere) throw new TurnOwnershipError(turnId);
      userId = turn.userId;
      await lockMemoriesOfUser(tx, userId);
    }
    const known = candidates ? await loadKnown(tx, userId, turnId, type, candidates) : [];
    await apply({ tx, userId, turnId, conversationId, type, known, counts });
    return counts;
  });
}

/** The keys and contents a turn's extraction brings to consolidation. */
interface Candidates {
  keys: string[];
  contents: string[];
}

/**
 * Below this pg_trgm similarity an existing memory cannot be a near-duplicate
 * of a candidate. isNearDuplicate (normalize.ts) needs 0.85 on token or
 * trigram Jaccard over normalised text; pg_trgm's similarity of the raw
 * contents runs a little lower for the same pair ("peanut" vs "peanuts"), so
 * the prefilter keeps a wide margin and the exact decision stays in
 * normalize.ts.
 */
const NEAR_DUPLICATE_PREFILTER = 0.4;

/**
 * The memories of the type that can matter for turn T (see the top of the
 * file): active ones, this turn's own rows, and rows invalidated or deleted
 * after T was said — but only those that share a candidate's key, equal one
 * normalised, or are trigram-near one. So a store reads a handful of rows
 * whatever the size of the user's memory, instead of all of them.
 */
async function loadKnown(
  tx: Transaction,
  userId: string,
  turnId: string,
  type: MemoryType,
  candidates: Candidates,
): Promise<Known[]> {
  const keys = [...new Set(candidates.keys)];
  const contents = [...new Set(candidates.contents.map((c) => c.trim()).filter(Boolean))];
  const normalized = contents.map(normalizeContent);
  if (contents.length > 0) {
    await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', ${String(NEAR_DUPLICATE_PREFILTER)}, true)`);
  }
  const near = contents.map((c) => sql`${memories.content} % ${c}`);
  const matches = or(
    eq(memories.sourceTurnId, turnId),
    keys.length > 0 ? inArray(memories.key, keys) : undefined,
    normalized.length > 0 ? inArray(memories.normalized, normalized) : undefined,
    ...near,
  );
  const rows = await tx
    .select({
      id: memories.id,
      key: memories.key,
      content: memories.content,
      normalized: memories.normalized,
      data: memories.data,
      sourceTurnId: memories.sourceTurnId,
      // Compared in SQL: JavaScript dates would drop the microseconds.
      active: sql<boolean>`(${memories.invalidatedAt} is null and ${memories.deletedAt} is null)`,
      newer: sql<boolean>`(${memories.validFrom} > ${turns.createdAt})`,
      changedLater: sql<boolean>`(coalesce(${memories.invalidatedAt} > ${turns.createdAt}, false)
        or coalesce(${memories.deletedAt} > ${turns.createdAt}, false))`,
    })
    .from(memories)
    .innerJoin(turns, eq(turns.id, turnId))
    .where(
      and(
        eq(memories.userId, userId),
        eq(memories.type, type),
        or(
          isActiveMemory,
          eq(memories.sourceTurnId, turnId),
          gt(memories.invalidatedAt, turns.createdAt),
          gt(memories.deletedAt, turns.createdAt),
        ),
        matches,
      ),
    )
    .orderBy(memories.createdAt, memories.id);
  return rows.map((r) => ({ ...r, createdNow: false }));
}

interface NewMemory {
  key: string | null;
  content: string;
  normalized: string;
  data: Record<string, unknown>;
  importance: number;
}

async function addMemory(s: Session, m: NewMemory): Promise<Known> {
  const [row] = await s.tx
    .insert(memories)
    .values({
      userId: s.userId,
      type: s.type,
      key: m.key,
      content: m.content,
      normalized: m.normalized,
      data: m.data,
      importance: m.importance,
      // When the user said it, not when the pipeline got to it.
      validFrom: sql`(select ${turns.createdAt} from ${turns} where ${turns.id} = ${s.turnId})`,
      sourceTurnId: s.turnId,
      sourceConversationId: s.conversationId,
    })
    .returning({ id: memories.id });
  if (!row) throw new Error("insert into memories returned no row");
  await s.tx.insert(memoryHistory).values({
    memoryId: row.id,
    userId: s.userId,
    action: "add",
    previousContent: null,
    content: m.content,
    turnId: s.turnId,
  });
  const added: Known = {
    id: row.id,
    key: m.key,
    content: m.content,
    normalized: m.normalized,
    data: m.data,
    sourceTurnId: s.turnId,
    active: true,
    newer: false,
    changedLater: false,
    createdNow: true,
  };
  s.known.push(added);
  s.counts.added++;
  return added;
}

/** Ends an active memory: superseded by `by`, or (without it) invalidated by a "stop". */
async function endMemory(s: Session, old: Known, by?: Known): Promise<void> {
  await s.tx
    .update(memories)
    .set({ invalidatedAt: sql`now()`, supersededBy: by?.id ?? null, updatedAt: sql`now()` })
    .where(eq(memories.id, old.id));
  await s.tx.insert(memoryHistory).values({
    memoryId: old.id,
    userId: s.userId,
    action: by ? "supersede" : "invalidate",
    previousContent: old.content,
    content: by ? by.content : null,
    turnId: s.turnId,
  });
  // changedLater stays as loaded: a change made by this call must not block the rest of the batch.
  old.active = false;
  if (by) s.counts.superseded++;
  else s.counts.updated++;
}

/**
 * A single-valued slot (semantic key in singleValuedSemanticKeys, or any
 * procedural key): `isSame` says whether an active row already holds the
 * candidate. Adds, supersedes, or does nothing.
 */
async function putInSlot(s: Session, m: NewMemory & { key: string }, isSame: (k: Known) => boolean): Promise<void> {
  const slot = s.known.filter((k) => k.key === m.key);
  // This turn already wrote this slot (earlier run, or earlier in this batch).
  if (slot.some((k) => k.sourceTurnId === s.turnId)) return;
  const active = slot.filter((k) => k.active);
  if (active.length === 0) {
    // Stopped, superseded or deleted after this turn was said: the later change wins.
    if (slot.some((k) => k.changedLater)) return;
    await addMemory(s, m);
    return;
  }
  if (active.some((k) => k.newer || isSame(k))) return;
  const added = await addMemory(s, m);
  for (const old of active) await endMemory(s, old, added);
}

function sameText(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && normalizeContent(a) === normalizeContent(b);
}

function stringField(data: Record<string, unknown>, field: string): string | undefined {
  const v = data[field];
  return typeof v === "string" ? v : undefined;
}

/**
 * Two facts' bare values do not contradict: one is missing, they match
 * ("peanut" ≈ "peanuts"), or one refines the other ("hiking" ⊆ "hiking in the
 * mountains"). "Rust" and "Go" contradict, however alike the sentences.
 */
function valuesCompatible(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || isNearDuplicate(a, b) || isTokenSubset(a, b);
}

/**
 * Semantic facts. Single-valued key: the same value (or content) is a no-op,
 * a different one supersedes the active fact. Any other fact accumulates
 * unless an active fact of the user says the same (equal normalised content,
 * or near-duplicate content whose values do not contradict).
 */
export async function storeSemanticFacts({
  facts,
  ...target
}: StoreTarget & { facts: SemanticFact[] }): Promise<StoreCounts> {
  const candidates = {
    keys: facts.flatMap((f) => (f.key?.trim() ? [f.key.trim().toLowerCase()] : [])),
    contents: facts.map((f) => f.content),
  };
  return storeForTurn(target, "semantic", async (s) => {
    for (const fact of facts) {
      const content = fact.content.trim();
      const normalized = normalizeContent(content);
      if (normalized === "") continue;
      const key = fact.key?.trim().toLowerCase() || null;
      const m: NewMemory = {
        key,
        content,
        normalized,
        data: { category: fact.category, value: fact.value, date: fact.date },
        importance: fact.importance,
      };
      if (key && singleValued.has(key)) {
        // A keyless row with this exact statement already says it.
        if (s.known.some((k) => k.active && k.key !== key && k.normalized === normalized)) continue;
        await putInSlot(
          s,
          { ...m, key },
          (k) => k.normalized === normalized || sameText(stringField(k.data, "value"), fact.value),
        );
        continue;
      }
      // `known` holds the active facts, this turn's rows and facts removed after it was said.
      const duplicate = s.known.some(
        (k) =>
          k.normalized === normalized ||
          (isNearDuplicate(k.normalized, normalized) && valuesCompatible(stringField(k.data, "value"), fact.value)),
      );
      if (!duplicate) await addMemory(s, m);
    }
  }, candidates);
}

/**
 * Procedural memories, by key. "set": same normalised content active → no-op,
 * other content → supersede, none → add. "stop": invalidates the active
 * memory with the key (history "invalidate", counted as updated); nothing is
 * stored for the stop itself.
 */
export async function storeProceduralMemories({
  memories: items,
  ...target
}: StoreTarget & { memories: ProceduralMemory[] }): Promise<StoreCounts> {
  // Procedural memories consolidate by key alone.
  const candidates = { keys: items.map((i) => i.key.trim()), contents: [] };
  return storeForTurn(target, "procedural", async (s) => {
    for (const item of items) {
      const key = item.key.trim();
      if (item.action === "stop") {
        for (const old of s.known) {
          if (old.key !== key || !old.active || old.newer) continue;
          // Set by an earlier run of this same turn: that run already applied this stop.
          if (old.sourceTurnId === s.turnId && !old.createdNow) continue;
          await endMemory(s, old);
        }
        continue;
      }
      const content = item.content.trim();
      const normalized = normalizeContent(content);
      if (normalized === "") continue;
      await putInSlot(
        s,
        { key, content, normalized, data: { kind: item.kind, value: item.value }, importance: item.importance },
        (k) => k.normalized === normalized,
      );
    }
  }, candidates);
}

/**
 * The turn's episode: the user's words verbatim, as one or more passages
 * (lib/memory/episodes.ts), the first with what the assistant did.
 * Append-only and written once per turn: any earlier episode row of the turn,
 * even deleted, means it is done.
 */
export async function storeEpisode({
  episode,
  said,
  opener = null,
  ...target
}: StoreTarget & {
  episode: EpisodicMemory | null;
  said: string;
  /** What the other side said before the user's first words, when the conversation opened with it. */
  opener?: string | null;
}): Promise<StoreCounts> {
  return storeForTurn(
    target,
    "episodic",
    async (s) => {
      if (!episode) return;
      const contents = episodeContents({ said, did: episode.did, opener });
      if (contents.length === 0) return;
      const [existing] = await s.tx
        .select({ id: memories.id })
        .from(memories)
        .where(
          and(eq(memories.userId, s.userId), eq(memories.type, "episodic"), eq(memories.sourceTurnId, s.turnId)),
        )
        .limit(1);
      if (existing) return;
      for (const [index, content] of contents.entries()) {
        const normalized = normalizeContent(content);
        if (normalized === "") continue;
        await addMemory(s, {
          key: null,
          content,
          normalized,
          data: {
            tools: episode.tools,
            topics: episode.topics,
            ...(contents.length > 1 ? { passage: index + 1, passages: contents.length } : {}),
          },
          importance: episode.importance,
        });
      }
    },
    null,
  );
}
