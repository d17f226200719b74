import "server-only";
import {
  completeMemoryJob,
  ensureMemoryJobsForTurn,
  failMemoryJob,
  getMemoryJobsByTurnId,
  markMemoryJobRunning,
} from "@/db/queries/memory-jobs";
import { getPreviousExchangeByUserMessageId, getTurnWithMessagesById, setTurnMemoryStatus } from "@/db/queries/turns";
import { retrieveMemories } from "./retrieval";
import { storeEpisode, storeProceduralMemories, storeSemanticFacts, type StoreCounts } from "./consolidate";
import { textOfParts, toolCallsOfParts } from "./turn-input";
import type {
  ExtractionByType,
  MemoryExtractor,
  MemoryType,
  PreviousExchange,
  ReplyAuthor,
  TokenUsage,
  ToolCallRecord,
} from "./types";

/**
 * The bodies of the extract-memories steps. Each is a plain function of
 * serialisable inputs so the Inngest function stays a readable list of steps
 * and each piece can be tested on its own.
 */

/** What load-turn hands to the other steps (it travels through step state as JSON). */
export interface LoadedTurn {
  turnId: string;
  userId: string;
  conversationId: string;
  userMessage: string;
  assistantMessage: string;
  toolCalls: ToolCallRecord[];
  occurredAt: string;
  /** Types already stored by an earlier run (a user retry re-runs only the rest). */
  doneTypes: MemoryType[];
  /** The exchange before this turn in the conversation, each message cut to PREVIOUS_MESSAGE_CHARS. */
  previous?: PreviousExchange;
  replyAuthor: ReplyAuthor;
}

/**
 * The most of one message the pipeline reads (step state travels as JSON, and
 * extraction input stays bounded): an imported message can be a pasted book.
 * A live chat message is never longer (MAX_MESSAGE_CHARS).
 */
export const TURN_MESSAGE_CHARS = 8_000;

/** Step state is JSON kept per run: the previous exchange is context, so only its end travels. */
export const PREVIOUS_MESSAGE_CHARS = 2_000;

/** The last `max` characters: an offer or a correction is at the end of what was said. */
function lastPart(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

/** How many existing memories of a type an LLM extractor sees: keeps its input bounded. */
export const EXISTING_MEMORIES_FOR_EXTRACTION = 30;

/**
 * The budget of the retrieval that picks them: room for EXISTING_MEMORIES_FOR_EXTRACTION
 * of a type after the standing instructions and the core profile.
 */
const EXISTING_MEMORIES_BUDGET_TOKENS = 6_000;

/**
 * The existing memories of a type an LLM extractor is shown: the ones most
 * relevant to this turn by the chat's own hybrid retrieval (the core profile
 * and standing instructions first, as in the prompt), so a user with
 * thousands of memories still has the one this turn updates in view, and the
 * input stays bounded however long the history grows.
 */
async function existingMemoriesForTurn(type: MemoryType, turn: LoadedTurn): Promise<{ key: string | null; content: string }[]> {
  const query = [turn.previous?.userMessage, turn.userMessage].filter(Boolean).join("\n");
  const retrieved = await retrieveMemories({
    userId: turn.userId,
    query,
    budgetTokens: EXISTING_MEMORIES_BUDGET_TOKENS,
    now: new Date(turn.occurredAt),
  });
  const ofType =
    type === "semantic"
      ? retrieved.facts
      : type === "procedural"
        ? retrieved.instructions
        : // The context lists episodes as a timeline; here the best come first.
          [...retrieved.episodes].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  return ofType
    .slice(0, EXISTING_MEMORIES_FOR_EXTRACTION)
    .map((m) => ({ key: "key" in m ? (m.key ?? null) : null, content: m.content }));
}

export async function loadTurn(turnId: string): Promise<LoadedTurn | null> {
  const loaded = await getTurnWithMessagesById({ id: turnId });
  if (!loaded) return null; // deleted with its conversation: nothing to remember
  const { turn, userMessage, assistantMessage } = loaded;
  // Memory was off for this turn (temporary chat, or switched off): never extracted, whatever sent the event.
  if (turn.memoryStatus === "skipped") return null;
  const previous = await getPreviousExchangeByUserMessageId({ conversationId: turn.conversationId, userMessageId: turn.userMessageId });
  const jobs = await ensureMemoryJobsForTurn({ turnId, userId: turn.userId });
  await setTurnMemoryStatus({ id: turnId, status: "processing" });
  return {
    turnId,
    userId: turn.userId,
    conversationId: turn.conversationId,
    userMessage: textOfParts(userMessage.parts).slice(0, TURN_MESSAGE_CHARS),
    assistantMessage: textOfParts(assistantMessage.parts).slice(0, TURN_MESSAGE_CHARS),
    toolCalls: toolCallsOfParts(assistantMessage.parts),
    occurredAt: turn.createdAt.toISOString(),
    doneTypes: jobs.filter((j) => j.status === "done").map((j) => j.type),
    replyAuthor: turn.source === "import" ? "imported" : assistantMessage.metadata.model === "offline" ? "offline-model" : "model",
    ...(previous
      ? {
          previous: previous.opener
            ? // An opener is stored with the turn's episode: its start is what it is about.
              { userMessage: "", assistantMessage: textOfParts(previous.assistantParts).slice(0, PREVIOUS_MESSAGE_CHARS), opener: true }
            : {
                userMessage: lastPart(textOfParts(previous.userParts), PREVIOUS_MESSAGE_CHARS),
                assistantMessage: lastPart(textOfParts(previous.assistantParts), PREVIOUS_MESSAGE_CHARS),
              },
        }
      : {}),
  };
}

export interface TypeExtraction<T extends MemoryType> {
  output: ExtractionByType[T];
  usage?: TokenUsage;
}

/** One type's extraction; a failure is recorded on its job and rethrown so Inngest retries this step alone. */
export async function extractType<T extends MemoryType>(
  type: T,
  turn: LoadedTurn,
  extractor: MemoryExtractor,
): Promise<TypeExtraction<T>> {
  await markMemoryJobRunning({ turnId: turn.turnId, type });
  try {
    const existing = extractor.kind === "llm" ? await existingMemoriesForTurn(type, turn) : undefined;
    const result = await extractor.extract(type, {
      turnId: turn.turnId,
      userMessage: turn.userMessage,
      assistantMessage: turn.assistantMessage,
      toolCalls: turn.toolCalls,
      occurredAt: new Date(turn.occurredAt),
      existing,
      ...(turn.previous ? { previous: turn.previous } : {}),
      replyAuthor: turn.replyAuthor,
    });
    return { output: result.output, ...(result.usage ? { usage: result.usage } : {}) };
  } catch (error) {
    await failMemoryJob({ turnId: turn.turnId, type, error: describe(error) });
    throw error;
  }
}

/** One type's consolidation into the store, then its job is done. Idempotent per turn. */
export async function storeType<T extends MemoryType>(
  type: T,
  turn: LoadedTurn,
  extraction: TypeExtraction<T>,
): Promise<StoreCounts> {
  const target = { userId: turn.userId, turnId: turn.turnId, conversationId: turn.conversationId };
  try {
    const output = extraction.output as ExtractionByType[MemoryType];
    let counts: StoreCounts;
    if (type === "semantic") {
      counts = await storeSemanticFacts({ ...target, facts: (output as ExtractionByType["semantic"]).facts });
    } else if (type === "procedural") {
      counts = await storeProceduralMemories({
        ...target,
        memories: (output as ExtractionByType["procedural"]).memories,
      });
    } else {
      counts = await storeEpisode({
        ...target,
        episode: (output as ExtractionByType["episodic"]).episode,
        said: turn.userMessage,
        opener: turn.previous?.opener ? turn.previous.assistantMessage : null,
      });
    }
    await completeMemoryJob({ turnId: turn.turnId, type, counts, usage: extraction.usage });
    return counts;
  } catch (error) {
    await failMemoryJob({ turnId: turn.turnId, type, error: describe(error) });
    throw error;
  }
}

/** The turn is done when all three jobs are; otherwise (a retry left one failed) it is failed. */
export async function finishTurn(turnId: string): Promise<"done" | "failed"> {
  const jobs = await getMemoryJobsByTurnId({ turnId });
  const status = jobs.length > 0 && jobs.every((j) => j.status === "done") ? "done" : "failed";
  await setTurnMemoryStatus({ id: turnId, status });
  return status;
}

/**
 * onFailure: every job that did not finish is marked failed, so the UI can
 * offer a retry. A run that failed after all three jobs were done (embedding)
 * leaves the turn as it was.
 */
export async function markTurnFailed(turnId: string, error: unknown): Promise<void> {
  const unfinished = (await getMemoryJobsByTurnId({ turnId })).filter((j) => j.status !== "done");
  if (unfinished.length === 0) return;
  for (const job of unfinished) {
    if (job.status !== "failed") await failMemoryJob({ turnId, type: job.type, error: describe(error) });
  }
  await setTurnMemoryStatus({ id: turnId, status: "failed" });
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "object" && error && "message" in error) return String(error.message);
  return String(error);
}

/**
 * The extract-memories steps one after another in this process, without
 * Inngest: for tools that need the pipeline's result but not its durability
 * (the recall evaluation, benchmarks, tests). Same step bodies, same order.
 */
export async function processTurnNow(turnId: string, extractor: MemoryExtractor): Promise<"done" | "failed" | "skipped"> {
  const turn = await loadTurn(turnId);
  if (!turn) return "skipped";
  for (const type of ["episodic", "semantic", "procedural"] as const) {
    if (turn.doneTypes.includes(type)) continue;
    await storeType(type, turn, await extractType(type, turn, extractor));
  }
  return finishTurn(turnId);
}
