import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "../client";
import { conversations, imports, messages, turns, type ImportFormat, type TurnMemoryStatus } from "../schema";

/** One conversation of imported history, as rows (lib/import/plan.ts makes them). */
export interface ImportedConversationRows {
  id: string;
  importKey: string;
  title: string;
  createdAt: Date;
  updatedAt: Date;
  messages: { id: string; role: "user" | "assistant"; parts: unknown[]; createdAt: Date }[];
  turns: { id: string; userMessageId: string; assistantMessageId: string | null; createdAt: Date; completedAt: Date }[];
}

export interface SavedImport {
  importId: string;
  /** Conversations this upload started (a known one that only got new messages is not counted). */
  conversations: number;
  /** New turns, oldest first: each still needs its memory event. */
  turns: { id: string; conversationId: string }[];
}

/** Rows per INSERT: well below Postgres's 65,535 parameters however large the upload. */
const CHUNK = 1000;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Writes an upload in one transaction: the import, its conversations, their
 * messages (at their original times) and turns. Rows that exist already —
 * the same history imported before — are left as they are, so a re-import
 * adds only what is new. Every id is the user's own (derived from the user),
 * so no upload can touch another user's rows.
 */
export async function saveImportedHistory({
  userId,
  format,
  conversations: items,
}: {
  userId: string;
  format: ImportFormat;
  conversations: ImportedConversationRows[];
}): Promise<SavedImport> {
  return getDb().transaction(async (tx) => {
    const [created] = await tx.insert(imports).values({ userId, format }).returning({ id: imports.id });
    const importId = created!.id;
    let newConversations = 0;
    for (const batch of chunks(items)) {
      const inserted = await tx
        .insert(conversations)
        .values(
          batch.map((c) => ({
            id: c.id,
            userId,
            title: c.title,
            importKey: c.importKey,
            importId,
            createdAt: c.createdAt,
            updatedAt: c.updatedAt,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: conversations.id });
      newConversations += inserted.length;
    }
    // A conversation id derived for this user could only collide with one of theirs.
    const ids = items.map((c) => c.id);
    const owned = new Set(
      (
        await tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(and(inArray(conversations.id, ids), eq(conversations.userId, userId)))
      ).map((r) => r.id),
    );

    const messageRows = items
      .filter((c) => owned.has(c.id))
      .flatMap((c) => c.messages.map(({ id, role, parts, createdAt }) => ({ id, role, parts, createdAt, conversationId: c.id, userId })));
    for (const batch of chunks(messageRows)) await tx.insert(messages).values(batch).onConflictDoNothing();

    const turnRows = items
      .filter((c) => owned.has(c.id))
      .flatMap((c) =>
        c.turns.map((t) => ({ ...t, conversationId: c.id, userId, source: "import" as const, importId })),
      );
    const newTurns: { id: string; conversationId: string; createdAt: Date }[] = [];
    for (const batch of chunks(turnRows)) {
      const inserted = await tx
        .insert(turns)
        .values(batch)
        .onConflictDoNothing()
        .returning({ id: turns.id, conversationId: turns.conversationId, createdAt: turns.createdAt });
      newTurns.push(...inserted);
    }
    // Handed to the pipeline in the order they were said.
    newTurns.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());

    // Known conversations that got newer messages move up the list.
    for (const batch of chunks(items)) {
      await tx.execute(sql`
        update conversations c set updated_at = greatest(c.updated_at, v.t)
        from unnest(${sql.param(batch.map((x) => x.id))}::uuid[],
                    ${sql.param(batch.map((x) => x.updatedAt.toISOString()))}::timestamptz[]) as v(id, t)
        where c.id = v.id and c.user_id = ${userId}`);
    }
    await tx
      .update(imports)
      .set({ conversations: newConversations, turns: newTurns.length })
      .where(eq(imports.id, importId));
    return { importId, conversations: newConversations, turns: newTurns.map(({ id, conversationId }) => ({ id, conversationId })) };
  });
}

export interface ImportStatus {
  id: string;
  status: "processing" | "done" | "failed";
  turns: { total: number; done: number; failed: number; pending: number };
}

/**
 * An import's progress, from its turns' memory status: processing while any
 * is pending or extracting; then failed if any failed (each can be retried),
 * else done. Undefined for an id that is not the user's.
 */
export async function getImportStatusById({ userId, id }: { userId: string; id: string }): Promise<ImportStatus | undefined> {
  const [found] = await getDb()
    .select({ id: imports.id })
    .from(imports)
    .where(and(eq(imports.id, id), eq(imports.userId, userId)));
  if (!found) return undefined;
  const rows = await getDb()
    .select({ status: turns.memoryStatus, n: sql<number>`count(*)::int` })
    .from(turns)
    .where(and(eq(turns.importId, id), eq(turns.userId, userId)))
    .groupBy(turns.memoryStatus);
  const count = (s: TurnMemoryStatus) => rows.find((r) => r.status === s)?.n ?? 0;
  const counts = {
    done: count("done"),
    failed: count("failed"),
    pending: count("pending") + count("processing"),
  };
  const total = counts.done + counts.failed + counts.pending;
  const status = counts.pending > 0 ? "processing" : counts.failed > 0 ? "failed" : "done";
  return { id, status, turns: { total, ...counts } };
}
