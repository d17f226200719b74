import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, notExists, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb } from "../client";
import { conversations, messages, turns, type TurnMemoryStatus, type TurnSource } from "../schema";

interface MessageToSave {
  id: string;
  parts: unknown[];
  metadata?: Record<string, unknown>;
}

export class MessageIdConflictError extends Error {
  constructor(id: string) {
    super(`message ${id} already belongs to another conversation`);
  }
}

/**
 * Persists one exchange in a single transaction: the user's message (kept if
 * it was already stored — the chat saves it before the reply streams, and a
 * retry resends it), the assistant's message and the turn row. Without an
 * assistant message (the model failed) only the user's message is kept, so
 * nothing the user said is lost and the client can retry.
 */
export async function saveTurn({
  userId,
  conversationId,
  turnId,
  userMessage,
  assistantMessage,
  memoryStatus = "pending",
}: {
  userId: string;
  conversationId: string;
  turnId: string;
  userMessage: MessageToSave;
  assistantMessage: MessageToSave | null;
  /** `skipped`: memory is off for this turn (temporary chat, or the user's switch); no event follows. */
  memoryStatus?: "pending" | "skipped";
}): Promise<{ turnId: string | null; replaced: boolean }> {
  return getDb().transaction(async (tx) => {
    await tx
      .insert(messages)
      .values({ id: userMessage.id, conversationId, userId, role: "user", parts: userMessage.parts })
      .onConflictDoNothing();
    const [owner] = await tx
      .select({ conversationId: messages.conversationId, userId: messages.userId })
      .from(messages)
      .where(eq(messages.id, userMessage.id));
    if (owner?.conversationId !== conversationId || owner.userId !== userId) {
      throw new MessageIdConflictError(userMessage.id);
    }
    await tx
      .update(conversations)
      .set({ updatedAt: sql`now()` })
      .where(and(eq(conversations.id, conversationId), eq(conversations.userId, userId)));
    if (!assistantMessage) return { turnId: null, replaced: false };
    await tx.insert(messages).values({
      id: assistantMessage.id,
      conversationId,
      userId,
      role: "assistant",
      parts: assistantMessage.parts,
      metadata: assistantMessage.metadata ?? {},
    });
    // A regenerated reply replaces the old one in the same turn: what the user said was already
    // remembered from it, so no new memory run follows.
    const [earlier] = await tx
      .select({ id: turns.id, assistantMessageId: turns.assistantMessageId })
      .from(turns)
      .where(eq(turns.userMessageId, userMessage.id));
    if (earlier) {
      await tx.update(turns).set({ assistantMessageId: assistantMessage.id, completedAt: sql`now()` }).where(eq(turns.id, earlier.id));
      if (earlier.assistantMessageId) await tx.delete(messages).where(eq(messages.id, earlier.assistantMessageId));
      return { turnId: earlier.id, replaced: true };
    }
    await tx.insert(turns).values({
      id: turnId,
      userId,
      conversationId,
      userMessageId: userMessage.id,
      assistantMessageId: assistantMessage.id,
      memoryStatus,
    });
    return { turnId, replaced: false };
  });
}

export interface TurnRow {
  id: string;
  userId: string;
  conversationId: string;
  userMessageId: string;
  /** Null for imported words the user was never answered on. */
  assistantMessageId: string | null;
  source: TurnSource;
  memoryStatus: TurnMemoryStatus;
  eventSentAt: Date | null;
  eventFailedAt: Date | null;
  createdAt: Date;
  completedAt: Date;
}

const turnColumns = {
  id: turns.id,
  userId: turns.userId,
  conversationId: turns.conversationId,
  userMessageId: turns.userMessageId,
  assistantMessageId: turns.assistantMessageId,
  source: turns.source,
  memoryStatus: turns.memoryStatus,
  eventSentAt: turns.eventSentAt,
  eventFailedAt: turns.eventFailedAt,
  createdAt: turns.createdAt,
  completedAt: turns.completedAt,
};

export async function getTurnById({
  userId,
  id,
}: {
  userId: string;
  id: string;
}): Promise<TurnRow | undefined> {
  const [row] = await getDb()
    .select(turnColumns)
    .from(turns)
    .where(and(eq(turns.id, id), eq(turns.userId, userId)));
  return row;
}

/** The id of the user's turn for a message they said, if it has one (a reply to regenerate). */
export async function getTurnIdByUserMessageId({
  userId,
  userMessageId,
}: {
  userId: string;
  userMessageId: string;
}): Promise<string | undefined> {
  const [row] = await getDb()
    .select({ id: turns.id })
    .from(turns)
    .where(and(eq(turns.userMessageId, userMessageId), eq(turns.userId, userId)));
  return row?.id;
}

/**
 * Loads a turn with both messages, for the memory pipeline (no user scope: the
 * event carries it). A turn without a reply (imported words nobody answered)
 * has an empty assistant message.
 */
export async function getTurnWithMessagesById({ id }: { id: string }) {
  const [turn] = await getDb().select(turnColumns).from(turns).where(eq(turns.id, id));
  if (!turn) return undefined;
  const ids = turn.assistantMessageId ? [turn.userMessageId, turn.assistantMessageId] : [turn.userMessageId];
  const rows = await getDb()
    .select({ id: messages.id, role: messages.role, parts: messages.parts, metadata: messages.metadata })
    .from(messages)
    .where(inArray(messages.id, ids));
  const userMessage = rows.find((m) => m.id === turn.userMessageId);
  const assistantMessage = turn.assistantMessageId
    ? rows.find((m) => m.id === turn.assistantMessageId)
    : { id: null, role: "assistant" as const, parts: [] as unknown[], metadata: {} as Record<string, unknown> };
  if (!userMessage || !assistantMessage) return undefined;
  return { turn, userMessage, assistantMessage };
}

/**
 * The exchange before a turn in the same conversation: the messages of the
 * latest earlier turn, by message order (timestamps of imported turns can tie).
 * For the first turn, what the other side said before the user's first words
 * (imported history may open with it, `opener`), or undefined.
 */
export async function getPreviousExchangeByUserMessageId({
  conversationId,
  userMessageId,
}: {
  conversationId: string;
  userMessageId: string;
}): Promise<{ userParts: unknown[]; assistantParts: unknown[]; opener: boolean } | undefined> {
  const previousUser = alias(messages, "previous_user_message");
  const previousAssistant = alias(messages, "previous_assistant_message");
  const current = alias(messages, "current_user_message");
  const [row] = await getDb()
    .select({ userParts: previousUser.parts, assistantParts: previousAssistant.parts })
    .from(turns)
    .innerJoin(previousUser, eq(previousUser.id, turns.userMessageId))
    .innerJoin(previousAssistant, eq(previousAssistant.id, turns.assistantMessageId))
    .innerJoin(current, eq(current.id, userMessageId))
    .where(and(eq(turns.conversationId, conversationId), lt(previousUser.seq, current.seq)))
    .orderBy(desc(previousUser.seq))
    .limit(1);
  if (row) return { ...row, opener: false };
  return getOpenerBefore({ conversationId, userMessageId });
}

/**
 * The assistant's message right before the user's first message of the conversation, if it
 * opened with one: the latest earlier message, when it is the assistant's and no earlier
 * message is the user's (had the user spoken before, there would have been a turn above).
 */
async function getOpenerBefore({ conversationId, userMessageId }: { conversationId: string; userMessageId: string }) {
  const current = alias(messages, "current_user_message");
  const earlierUser = alias(messages, "earlier_user_message");
  const [row] = await getDb()
    .select({ role: messages.role, parts: messages.parts })
    .from(messages)
    .innerJoin(current, eq(current.id, userMessageId))
    .where(
      and(
        eq(messages.conversationId, conversationId),
        lt(messages.seq, current.seq),
        notExists(
          getDb()
            .select({ id: earlierUser.id })
            .from(earlierUser)
            .where(and(eq(earlierUser.conversationId, conversationId), eq(earlierUser.role, "user"), lt(earlierUser.seq, current.seq))),
        ),
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(1);
  return row?.role === "assistant" ? { userParts: [] as unknown[], assistantParts: row.parts as unknown[], opener: true } : undefined;
}

export async function markTurnEventSent({ id }: { id: string }): Promise<void> {
  await markTurnsEventSent({ ids: [id] });
}

export async function markTurnsEventSent({ ids }: { ids: string[] }): Promise<void> {
  if (ids.length === 0) return;
  await getDb()
    .update(turns)
    .set({ eventSentAt: sql`now()`, eventFailedAt: null, eventError: null })
    .where(inArray(turns.id, ids));
}

/** The hand-over to Inngest failed: the UI says "delayed", and the outbox re-sends at its next sweep. */
export async function markTurnEventFailed({ id, error }: { id: string; error: string }): Promise<void> {
  await getDb()
    .update(turns)
    .set({ eventFailedAt: sql`now()`, eventError: error.slice(0, 500) })
    .where(eq(turns.id, id));
}

/**
 * Claims a delayed turn for one more send attempt, at most once per
 * `everyMs` however many clients poll it: true for the one caller that
 * moved event_failed_at forward.
 */
export async function claimDelayedTurnResend({ id, everyMs }: { id: string; everyMs: number }): Promise<boolean> {
  const claimed = await getDb()
    .update(turns)
    .set({ eventFailedAt: sql`now()` })
    .where(
      and(
        eq(turns.id, id),
        eq(turns.memoryStatus, "pending"),
        isNull(turns.eventSentAt),
        lt(turns.eventFailedAt, sql`now() - make_interval(secs => ${everyMs / 1000})`),
      ),
    )
    .returning({ id: turns.id });
  return claimed.length > 0;
}

export async function setTurnMemoryStatus({
  id,
  status,
}: {
  id: string;
  status: TurnMemoryStatus;
}): Promise<void> {
  await getDb()
    .update(turns)
    .set({ memoryStatus: status, memoryUpdatedAt: sql`now()` })
    .where(eq(turns.id, id));
}

/**
 * The outbox: turns whose memory event evidently did not get through —
 *  - pending, and the send failed (at once), or was never tried `neverSentMs`
 *    after the reply (the process died before sending);
 *  - pending though sent `lostMs` ago (the server lost it);
 *  - processing with no progress for `stuckMs` (the run died).
 */
export async function getTurnsToResend({
  neverSentMs,
  lostMs,
  stuckMs,
  importedMs,
  limit,
}: {
  neverSentMs: number;
  lostMs: number;
  stuckMs: number;
  /** An imported turn drains through a throttle behind thousands of others: lost or stuck only after this long. */
  importedMs: number;
  limit: number;
}): Promise<Pick<TurnRow, "id" | "userId" | "conversationId" | "eventSentAt" | "memoryStatus" | "source">[]> {
  const ago = (ms: number) => sql`now() - make_interval(secs => ${ms / 1000})`;
  return getDb()
    .select({
      id: turns.id,
      userId: turns.userId,
      conversationId: turns.conversationId,
      eventSentAt: turns.eventSentAt,
      memoryStatus: turns.memoryStatus,
      source: turns.source,
    })
    .from(turns)
    .where(
      or(
        and(
          eq(turns.memoryStatus, "pending"),
          or(
            and(isNull(turns.eventSentAt), or(isNotNull(turns.eventFailedAt), lt(turns.completedAt, ago(neverSentMs)))),
            and(ne(turns.source, "import"), lt(turns.eventSentAt, ago(lostMs))),
            and(eq(turns.source, "import"), lt(turns.eventSentAt, ago(importedMs))),
          ),
        ),
        and(
          eq(turns.memoryStatus, "processing"),
          or(
            and(ne(turns.source, "import"), lt(turns.memoryUpdatedAt, ago(stuckMs))),
            and(eq(turns.source, "import"), lt(turns.memoryUpdatedAt, ago(importedMs))),
          ),
        ),
      ),
    )
    .orderBy(asc(turns.completedAt))
    .limit(limit);
}
