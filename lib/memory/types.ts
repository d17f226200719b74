import { z } from "zod";

/**
 * The contract between extractors (LLM and offline), consolidation and the UI.
 * Both extractors return exactly these shapes; the LLM one asks the model for
 * them through structured output.
 */

export const memoryTypes = ["episodic", "semantic", "procedural"] as const;
export type MemoryType = (typeof memoryTypes)[number];
export const memoryTypeSchema = z.enum(memoryTypes);

/**
 * Keys of facts that have one current value: a new value supersedes the old.
 * Facts without a key (or with another key) accumulate.
 */
export const singleValuedSemanticKeys = [
  "name",
  "age",
  "birthday",
  "home_city",
  "home_country",
  "employer",
  "job_title",
  "partner",
  "diet",
] as const;
export type SingleValuedSemanticKey = (typeof singleValuedSemanticKeys)[number];

export const semanticCategories = [
  "identity",
  "location",
  "work",
  "family",
  "pet",
  "like",
  "dislike",
  "preference",
  "allergy",
  "diet",
  "goal",
  "other",
] as const;

export const semanticFactSchema = z.object({
  /** A single-valued key from singleValuedSemanticKeys, or null for accumulating facts. */
  key: z.string().min(1).max(64).nullable(),
  category: z.enum(semanticCategories),
  /** Third-person statement in the user's language: "User's name is Zed". */
  content: z.string().min(1).max(500),
  /** The bare value, for answering directly: "Zed", "Lisbon", "peanuts". */
  value: z.string().min(1).max(200),
  /**
   * ISO 8601 date when the fact refers to a dated plan or event, else null:
   * YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year is known ("next year").
   */
  date: z.string().nullable(),
  importance: z.number().min(0).max(1),
});
export type SemanticFact = z.infer<typeof semanticFactSchema>;

export const proceduralKinds = ["instruction", "workflow"] as const;

export const proceduralMemorySchema = z.object({
  /**
   * Instructions with the same key supersede each other ("address_as",
   * "response_format", "units", "emoji", "language", "tone", "length").
   * Workflows use "tool:<toolName>:<request kind>".
   */
  key: z.string().min(1).max(120),
  kind: z.enum(proceduralKinds),
  /** "set" adds or replaces the instruction; "stop" invalidates the active one with this key. */
  action: z.enum(["set", "stop"]),
  /** Imperative for the assistant: "Address the user as Captain". */
  content: z.string().min(1).max(500),
  /** The bare value where there is one: "Captain", "bullet points", "metric". */
  value: z.string().max(200).nullable(),
  importance: z.number().min(0).max(1),
});
export type ProceduralMemory = z.infer<typeof proceduralMemorySchema>;

/**
 * The episode of a turn. The user's own words are kept as they were said —
 * by code, not by the extractor (lib/memory/episodes.ts) — so the extractor
 * only says whether the turn is worth an episode, and what the assistant did.
 */
export const episodicMemorySchema = z.object({
  /**
   * What the assistant did, in one sentence: each tool with its input and result, or the gist of a
   * real model's answer; null when the reply added nothing worth keeping (or came from the offline model).
   */
  did: z.string().min(1).max(300).nullable(),
  /** Tool names used in the turn, in order. */
  tools: z.array(z.string()),
  topics: z.array(z.string()).max(10),
  importance: z.number().min(0).max(1),
});
export type EpisodicMemory = z.infer<typeof episodicMemorySchema>;

export const semanticExtractionSchema = z.object({ facts: z.array(semanticFactSchema) });
export const proceduralExtractionSchema = z.object({ memories: z.array(proceduralMemorySchema) });
/** At most one episode per turn (stored as one or more passages); null when nothing worth remembering happened. */
export const episodicExtractionSchema = z.object({ episode: episodicMemorySchema.nullable() });

export type SemanticExtraction = z.infer<typeof semanticExtractionSchema>;
export type ProceduralExtraction = z.infer<typeof proceduralExtractionSchema>;
export type EpisodicExtraction = z.infer<typeof episodicExtractionSchema>;

export interface ExtractionByType {
  semantic: SemanticExtraction;
  procedural: ProceduralExtraction;
  episodic: EpisodicExtraction;
}

export interface ToolCallRecord {
  toolName: string;
  input: unknown;
  /** undefined when the call failed or produced no output. */
  output: unknown;
  error?: string;
}

/** What an extractor sees of one turn. */
/** Who wrote the reply: the offline model's text is never kept as memory (it is a template, not knowledge). */
export type ReplyAuthor = "offline-model" | "model" | "imported";

export interface TurnForExtraction {
  turnId: string;
  userMessage: string;
  assistantMessage: string;
  toolCalls: ToolCallRecord[];
  occurredAt: Date;
  /** Active memories of the same type, so a model can avoid repeating them (LLM path only). */
  existing?: { key: string | null; content: string }[];
  /**
   * The exchange before this turn in the same conversation, when there is one. Context only:
   * it explains a short reply ("yes, please do", "I meant Porto") and is never mined on its own.
   */
  previous?: PreviousExchange;
  /** Who wrote `assistantMessage`; undefined counts as a model. */
  replyAuthor?: ReplyAuthor;
}

export interface PreviousExchange {
  userMessage: string;
  assistantMessage: string;
  /** The assistant's message opened the conversation: the user said nothing before it (userMessage is ""). */
  opener?: boolean;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ExtractionResult<T extends MemoryType> {
  output: ExtractionByType[T];
  /** Present when a model was used. */
  usage?: TokenUsage;
}

export interface MemoryExtractor {
  readonly kind: "llm" | "offline";
  extract<T extends MemoryType>(type: T, turn: TurnForExtraction): Promise<ExtractionResult<T>>;
}
