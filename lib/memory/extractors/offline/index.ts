/**
 * The offline extractor: English rules over the user's sentences, no model,
 * no I/O, deterministic (the same turn always gives the same memories).
 *
 * What it reads:
 * - semantic facts and instructions: only the user's message, clause by
 *   clause, skipping questions, hypotheticals and reported speech; a message
 *   that looks like a system prompt or an injection yields nothing at all;
 * - workflows: the turn's successful tool calls;
 * - the episode: the whole turn.
 * The assistant's reply is only ever quoted in the episode, never mined for facts.
 */
import type { ExtractionByType, ExtractionResult, MemoryExtractor, MemoryType, TurnForExtraction } from "@/lib/memory/types";
import { extractEpisode } from "./episodic";
import { extractInstructions } from "./procedural";
import { extractSemantic } from "./semantic";
import { type AnalyzedMessage, analyzeMessage } from "./sentences";
import { extractWorkflows } from "./workflows";

/** Longer messages are cut before analysis: the rules are linear, but a pasted book is not a chat turn. */
export const OFFLINE_MAX_MESSAGE_CHARS = 8_000;

export function extractAll(turn: TurnForExtraction): ExtractionByType {
  const message = analyzeMessage(turn.userMessage.slice(0, OFFLINE_MAX_MESSAGE_CHARS));
  const previous = previousUserMessage(turn);
  const facts = extractSemantic(message, turn.occurredAt, previous);
  const instructions = extractInstructions(message, { userMessage: previous, assistantMessage: turn.previous?.assistantMessage ?? null });
  const workflows = message.promptLike ? [] : extractWorkflows(turn.toolCalls, turn.userMessage);
  return {
    semantic: { facts },
    procedural: { memories: [...instructions, ...workflows] },
    episodic: { episode: extractEpisode(turn, message, facts, instructions) },
  };
}

/** The user's previous message, as context for corrections; one that looks like an injection is no context at all. */
function previousUserMessage(turn: TurnForExtraction): AnalyzedMessage | null {
  if (!turn.previous || turn.previous.userMessage.trim() === "") return null;
  const previous = analyzeMessage(turn.previous.userMessage.slice(0, OFFLINE_MAX_MESSAGE_CHARS));
  return previous.promptLike ? null : previous;
}

export function createOfflineExtractor(): MemoryExtractor {
  return {
    kind: "offline",
    async extract<T extends MemoryType>(type: T, turn: TurnForExtraction): Promise<ExtractionResult<T>> {
      return { output: extractAll(turn)[type] };
    },
  };
}
