import { and, asc, desc, eq, getTableColumns, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { normalizeContent } from "@/lib/memory/normalize";
import { getDb, type Database } from "../client";
import { memories, memoryHistory, type MemoryType } from "../schema";

/** A transaction handle, as handed to `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type DbOrTx = Database | Transaction;

// The generated tsvector stays in the database: it is an index, not data.
const { search: _search, ...memoryColumns } = getTableColumns(memories);

export type Memory = Omit<typeof memories.$inferSelect, "search">;
export type MemoryHistoryEntry = typeof memoryHistory.$inferSelect;
export type MemoryWithHistory = Memory & { history: MemoryHistoryEntry[] };

// Two-key advisory locks live in a key space of their own (PostgreSQL docs,
// "Advisory Lock Functions"), so this class id cannot collide with a one-key lock.
const MEMORY_LOCK_CLASS = 0x6a6d656d; // "jmem"

/**
 * Serialises every memory write of one user until the transaction ends:
 * consolidation of parallel store steps, and the user's own edits and deletes.
 */
export async function lockMemoriesOfUser(tx: Transaction, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${MEMORY_LOCK_CLASS}::int, hashtext(${userId}))`);
}

/** Not invalidated (superseded or stopped) and not deleted by the user. */
export const isActiveMemory: SQL = and(isNull(memories.invalidatedAt), isNull(memories.deletedAt))!;

export async function getActiveMemoriesByUserId({
  userId,
  type,
  limit,
}: {
  userId: string;
  type?: MemoryType;
  /** Newest first; at most this many. */
  limit?: number;
}): Promise<Memory[]> {
  const query = getDb()
    .select(memoryColumns)
    .from(memories)
    .where(and(eq(memories.userId, userId), type ? eq(memories.type, type) : undefined, isActiveMemory))
    .orderBy(desc(memories.createdAt), desc(memories.id));
  return limit === undefined ? query : query.limit(limit);
}

/** The user's memory, unless they deleted it; another user's id gives undefined. */
export async function getMemoryById({ userId, id }: { userId: string; id: string }): Promise<Memory | undefined> {
  const [row] = await getDb()
    .select(memoryColumns)
    .from(memories)
    .where(and(eq(memories.id, id), eq(memories.userId, userId), isNull(memories.deletedAt)));
  return row;
}

// Below this pg_trgm word_similarity a query word is not a fuzzy match
// ("lisbn" ~ "Lisbon" scores 0.67, "peanutz" ~ "peanuts" 0.75).
const FUZZY_THRESHOLD = 0.5;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** What `q` matches: full text (all words), a substring, or a fuzzy match; undefined without a query. */
function searchCondition(q: string | undefined): SQL | undefined {
  const query = q?.trim();
  return query
    ? or(
        sql`${memories.search} @@ websearch_to_tsquery('simple', ${query})`,
        sql`${memories.content} ilike ${`%${escapeLike(query)}%`}`,
        sql`word_similarity(${query}, ${memories.content}) >= ${FUZZY_THRESHOLD}`,
      )
    : undefined;
}

/**
 * The user's memories, newest first; deleted ones never. Inactive
 * (superseded or invalidated) ones only with includeInactive. `q` matches
 * full text (all words, 'simple' config, web-search syntax), a substring, or
 * fuzzily (pg_trgm word similarity, so typos still find the memory).
 */
export async function listMemoriesByUserId({
  userId,
  type,
  q,
  includeInactive = false,
  turn,
  ids,
  limit,
}: {
  userId: string;
  type?: MemoryType;
  q?: string;
  includeInactive?: boolean;
  /** Only what this turn wrote (any state but deleted). */
  turn?: string;
  /** Only these (any state but deleted). */
  ids?: string[];
  limit?: number;
}): Promise<Memory[]> {
  const matches = searchCondition(q);
  const rows = getDb()
    .select(memoryColumns)
    .from(memories)
    .where(
      and(
        eq(memories.userId, userId),
        isNull(memories.deletedAt),
        includeInactive || turn || ids ? undefined : isNull(memories.invalidatedAt),
        type ? eq(memories.type, type) : undefined,
        turn ? eq(memories.sourceTurnId, turn) : undefined,
        ids ? inArray(memories.id, ids.length > 0 ? ids : ["00000000-0000-0000-0000-000000000000"]) : undefined,
        matches,
      ),
    )
    .orderBy(desc(memories.createdAt), desc(memories.id));
  return limit === undefined ? rows : rows.limit(limit);
}

/**
 * The user's correction of an active memory ("inactive" for a superseded or stopped one, which is
 * history and stays as it was).
 * Writes history "edit" when something changed. A new content is
 * re-normalised, and `data.value` is dropped because it no longer matches the
 * edited text. Undefined when the memory is not the user's.
 */
export async function updateMemoryById({
  userId,
  id,
  content,
  importance,
}: {
  userId: string;
  id: string;
  content?: string;
  importance?: number;
}): Promise<Memory | "inactive" | undefined> {
  return getDb().transaction(async (tx) => {
    await lockMemoriesOfUser(tx, userId);
    const [current] = await tx
      .select(memoryColumns)
      .from(memories)
      .where(and(eq(memories.id, id), eq(memories.userId, userId), isNull(memories.deletedAt)));
    if (!current) return undefined;
    // Superseded or stopped: history, read-only. Editing it would change what was true then.
    if (current.invalidatedAt) return "inactive";
    const newContent = content?.trim();
    const contentChanged = newContent !== undefined && newContent !== "" && newContent !== current.content;
    const importanceChanged = importance !== undefined && importance !== current.importance;
    if (!contentChanged && !importanceChanged) return current;

    const { value: _staleValue, ...dataWithoutValue } = current.data;
    const [updated] = await tx
      .update(memories)
      .set({
        ...(contentChanged
          ? { content: newContent, normalized: normalizeContent(newContent), data: dataWithoutValue }
          : {}),
        ...(importanceChanged ? { importance } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(memories.id, id))
      .returning(memoryColumns);
    await tx.insert(memoryHistory).values({
      memoryId: id,
      userId,
      action: "edit",
      previousContent: current.content,
      content: updated?.content ?? current.content,
    });
    return updated;
  });
}

/**
 * Soft delete: the memory leaves every list, search and prompt at once; the
 * row stays, with history "delete", so a replayed turn cannot bring it back.
 * False when it is not the user's or already deleted.
 */
export async function deleteMemoryById({ userId, id }: { userId: string; id: string }): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    await lockMemoriesOfUser(tx, userId);
    const [deleted] = await tx
      .update(memories)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(memories.id, id), eq(memories.userId, userId), isNull(memories.deletedAt)))
      .returning({ content: memories.content });
    if (!deleted) return false;
    await tx.insert(memoryHistory).values({
      memoryId: id,
      userId,
      action: "delete",
      previousContent: deleted.content,
      content: null,
    });
    return true;
  });
}

/**
 * "Forget everything": hard-deletes all of the user's memories and their
 * history (privacy: nothing of them stays behind). Returns how many memories
 * went. Turns, conversations and memory jobs are not memories and stay.
 */
export async function deleteAllMemoriesByUserId({ userId }: { userId: string }): Promise<number> {
  return getDb().transaction(async (tx) => {
    await lockMemoriesOfUser(tx, userId);
    await tx.delete(memoryHistory).where(eq(memoryHistory.userId, userId));
    const gone = await tx.delete(memories).where(eq(memories.userId, userId)).returning({ id: memories.id });
    return gone.length;
  });
}

/**
 * Everything the user can still see, oldest first, each with its history:
 * active, superseded and invalidated memories alike. Memories the user
 * deleted are left out — they asked for them to be forgotten.
 */
export async function exportMemoriesByUserId({ userId }: { userId: string }): Promise<MemoryWithHistory[]> {
  // One snapshot for both reads, so a concurrent change cannot split a memory from its history.
  return getDb().transaction(
    async (tx) => {
      const rows = await tx
        .select(memoryColumns)
        .from(memories)
        .where(and(eq(memories.userId, userId), isNull(memories.deletedAt)))
        .orderBy(asc(memories.createdAt), asc(memories.id));
      const history = await tx
        .select()
        .from(memoryHistory)
        .where(eq(memoryHistory.userId, userId))
        .orderBy(asc(memoryHistory.createdAt), asc(memoryHistory.id));
      const byMemory = new Map<string, MemoryHistoryEntry[]>(rows.map((r) => [r.id, []]));
      for (const h of history) byMemory.get(h.memoryId)?.push(h);
      return rows.map((r) => ({ ...r, history: byMemory.get(r.id) ?? [] }));
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

/** Oldest first; undefined when the memory is not the user's (or was deleted). */
export async function getMemoryHistoryByMemoryId({
  userId,
  memoryId,
}: {
  userId: string;
  memoryId: string;
}): Promise<MemoryHistoryEntry[] | undefined> {
  const memory = await getMemoryById({ userId, id: memoryId });
  if (!memory) return undefined;
  return getDb()
    .select()
    .from(memoryHistory)
    .where(and(eq(memoryHistory.memoryId, memoryId), eq(memoryHistory.userId, userId)))
    .orderBy(asc(memoryHistory.createdAt), asc(memoryHistory.id));
}

export type MemoryCounts = Record<MemoryType, number>;

/** Active memories of the user per type (zero for a type without any). */
/** Active memories per type — of those `q` matches, when there is a search, so the tabs follow it. */
export async function countActiveMemoriesByUserId({ userId, q }: { userId: string; q?: string }): Promise<MemoryCounts> {
  const rows = await getDb()
    .select({ type: memories.type, n: sql<number>`count(*)::int` })
    .from(memories)
    .where(and(eq(memories.userId, userId), isActiveMemory, searchCondition(q)))
    .groupBy(memories.type);
  const counts: MemoryCounts = { episodic: 0, semantic: 0, procedural: 0 };
  for (const r of rows) counts[r.type] = r.n;
  return counts;
}

export type MemoryWithPredecessors = MemoryWithHistory & { predecessors: MemoryWithHistory[] };

/**
 * A memory with its history and the chain of memories it superseded: rows
 * whose `superseded_by` points at it, transitively, the most recently
 * superseded first, each with its own history. Predecessors the user deleted
 * are left out but do not break the chain. Undefined when the memory is not
 * the user's (or was deleted).
 */
export async function getMemoryWithPredecessorsById({
  userId,
  id,
}: {
  userId: string;
  id: string;
}): Promise<MemoryWithPredecessors | undefined> {
  // One snapshot, so the chain and the histories agree with each other.
  return getDb().transaction(
    async (tx) => {
      const [memory] = await tx
        .select(memoryColumns)
        .from(memories)
        .where(and(eq(memories.id, id), eq(memories.userId, userId), isNull(memories.deletedAt)));
      if (!memory) return undefined;
      // `union` (not `union all`) drops rows already seen, so even a corrupt cycle ends.
      const chain = await tx.execute<{ id: string }>(sql`
        with recursive chain(id) as (
          select ${memories.id} from ${memories}
          where ${memories.supersededBy} = ${id} and ${memories.userId} = ${userId}
          union
          select m.id from ${memories} m join chain on m.superseded_by = chain.id
          where m.user_id = ${userId}
        )
        select id from chain where id <> ${id}`);
      const chainIds = chain.rows.map((r) => r.id);
      const predecessors =
        chainIds.length === 0
          ? []
          : await tx
              .select(memoryColumns)
              .from(memories)
              .where(
                and(
                  eq(memories.userId, userId),
                  inArray(memories.id, chainIds),
                  isNull(memories.deletedAt),
                ),
              )
              .orderBy(sql`${memories.invalidatedAt} desc nulls last`, desc(memories.createdAt), desc(memories.id));
      const history = await tx
        .select()
        .from(memoryHistory)
        .where(and(eq(memoryHistory.userId, userId), inArray(memoryHistory.memoryId, [id, ...predecessors.map((p) => p.id)])))
        .orderBy(asc(memoryHistory.createdAt), asc(memoryHistory.id));
      const historyOf = (memoryId: string) => history.filter((h) => h.memoryId === memoryId);
      return {
        ...memory,
        history: historyOf(id),
        predecessors: predecessors.map((p) => ({ ...p, history: historyOf(p.id) })),
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
