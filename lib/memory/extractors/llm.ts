/**
 * The LLM extractor: one structured-output call per memory type, with the
 * contract schemas of lib/memory/types.ts. The prompt holds only this turn
 * and the active memories of that type (bounded: see prompts/turn.ts).
 * A user message that looks like a system prompt is not sent at all.
 */
import { generateText, type LanguageModel, Output } from "ai";
import { isWorkflowKey } from "@/lib/ai/memory-context";
import { episodicPrompt, episodicSystemPrompt } from "@/lib/memory/prompts/episodic";
import { proceduralPrompt, proceduralSystemPrompt } from "@/lib/memory/prompts/procedural";
import { semanticPrompt, semanticSystemPrompt } from "@/lib/memory/prompts/semantic";
import {
  episodicExtractionSchema,
  type ExtractionByType,
  type ExtractionResult,
  type MemoryExtractor,
  type MemoryType,
  proceduralExtractionSchema,
  semanticExtractionSchema,
  type TurnForExtraction,
} from "@/lib/memory/types";
import { toolNamesOf } from "./offline/episodic";
import { isPromptLike } from "./offline/sentences";
import { isSuccessful, WORKFLOW_PREFIX } from "./offline/workflows";
import { structuredSchema } from "./structured-schema";

export interface LlmExtractorOptions {
  /** Per call; a stuck provider must not hold the extraction step forever. Default 60 s. */
  timeoutMs?: number;
  /** Retries inside the call for transient provider errors; the Inngest step retries on top. Default 2. */
  maxRetries?: number;
}

interface Spec<T extends MemoryType> {
  name: string;
  /** What a turn that must not be mined yields. */
  empty: ExtractionByType[T];
  system: string;
  prompt: (turn: TurnForExtraction) => string;
  schema: ReturnType<typeof structuredSchema<ExtractionByType[T]>>;
  /** Corrections the model cannot be trusted with (see each). */
  tidy: (output: ExtractionByType[T], turn: TurnForExtraction) => ExtractionByType[T];
}

function asWorkedBefore(content: string): string {
  if (content.startsWith(WORKFLOW_PREFIX)) return content;
  return `${WORKFLOW_PREFIX}${content.charAt(0).toLowerCase()}${content.slice(1)}`.slice(0, 500);
}

const ISO_DATE = /^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$/;

const specs: { [T in MemoryType]: Spec<T> } = {
  semantic: {
    name: "semantic_memories",
    empty: { facts: [] },
    system: semanticSystemPrompt,
    prompt: semanticPrompt,
    schema: structuredSchema(semanticExtractionSchema),
    // A date that is not ISO ("March 3rd") would mislead consumers that parse it: keep the fact, drop the date.
    tidy: (output) => ({ facts: output.facts.map((f) => (f.date !== null && !ISO_DATE.test(f.date) ? { ...f, date: null } : f)) }),
  },
  procedural: {
    name: "procedural_memories",
    empty: { memories: [] },
    system: proceduralSystemPrompt,
    prompt: proceduralPrompt,
    schema: structuredSchema(proceduralExtractionSchema),
    // A workflow must come from a tool call that actually succeeded in this turn, and read as what worked
    // (a tool key is always a workflow, so it can never pose as the user's instruction).
    tidy: (output, turn) => {
      const succeeded = new Set(turn.toolCalls.filter(isSuccessful).map((c) => c.toolName));
      return {
        memories: output.memories
          .map((m) => (isWorkflowKey(m.key) ? { ...m, kind: "workflow" as const, content: asWorkedBefore(m.content) } : m))
          .filter((m) => m.kind !== "workflow" || succeeded.has(/^tool:([^:]+):/.exec(m.key)?.[1] ?? "")),
      };
    },
  },
  episodic: {
    name: "episodic_memory",
    empty: { episode: null },
    system: episodicSystemPrompt,
    prompt: episodicPrompt,
    schema: structuredSchema(episodicExtractionSchema),
    // The tools used are known exactly; the model's list is replaced by the record.
    tidy: (output, turn) => ({ episode: output.episode ? { ...output.episode, tools: toolNamesOf(turn.toolCalls) } : null }),
  },
};

async function run<T extends MemoryType>(
  model: LanguageModel,
  spec: Spec<T>,
  turn: TurnForExtraction,
  options: LlmExtractorOptions,
): Promise<ExtractionResult<T>> {
  // Same rule as the offline extractor, before any token is spent: a user message that looks like a
  // system prompt or an injection yields no memory of any type (the prompt also tells the model so).
  if (isPromptLike(turn.userMessage)) return { output: spec.empty, usage: { inputTokens: 0, outputTokens: 0 } };
  const result = await generateText({
    model,
    system: spec.system,
    prompt: spec.prompt(turn),
    output: Output.object({ schema: spec.schema, name: spec.name }),
    temperature: 0,
    maxRetries: options.maxRetries ?? 2,
    abortSignal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  return {
    output: spec.tidy(result.output, turn),
    usage: { inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0 },
  };
}

export function createLlmExtractor(model: LanguageModel, options: LlmExtractorOptions = {}): MemoryExtractor {
  return {
    kind: "llm",
    extract<T extends MemoryType>(type: T, turn: TurnForExtraction): Promise<ExtractionResult<T>> {
      return run(model, specs[type] as Spec<T>, turn, options);
    },
  };
}
