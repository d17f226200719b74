// Types only: @ai-sdk/provider is the spec package that `ai` and `@ai-sdk/openai` both pin (3.0.19).
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
  SharedV3Warning,
} from "@ai-sdk/provider";
import { parseMemoryContext, type MemoryContext } from "./memory-context";
import { MEMORY_OFF_NOTE } from "./prompts";
import {
  calculationWithoutTool,
  describeCalculation,
  describeTime,
  placeFor,
  replyOf,
  smallTalkOrFallback,
  timeWithoutTool,
} from "./offline/answers";
import { detectTimeQuestion, findExpression } from "./offline/intents";
import { answerFromMemory } from "./offline/memory-answers";
import { renderReply, styleFrom, type Reply } from "./offline/reply";

/**
 * The offline model: a deterministic stand-in for an LLM behind the AI SDK
 * language-model interface (spec v3), used when no OPENAI_API_KEY is set.
 *
 * On the latest user message it
 *  - calls getCurrentTime / calculate when asked for the time, date or
 *    arithmetic, and on the next step answers from the tool results;
 *  - answers questions about the user from the memory sections of the system
 *    prompt (see memory-context.ts), saying so when it does not know;
 *  - otherwise says honestly that it is the offline model.
 * Standing instructions in the prompt (address_as, bullet points, brevity)
 * shape every reply. Text streams word by word.
 */

export interface OfflineModelOptions {
  /** Pause before each streamed word, in ms, so streaming is visible. Default 15; tests pass 0. */
  wordDelayMs?: number;
  /** Clock for time questions answered without the tool (when the caller offers no tools). */
  now?: () => Date;
}

export const OFFLINE_MODEL_ID = "offline";
const DEFAULT_WORD_DELAY_MS = 15;

interface PlannedToolCall {
  toolCallId: string;
  toolName: string;
  /** JSON text, as the spec wants. */
  input: string;
}

type Plan = { kind: "text"; text: string } | { kind: "tool-calls"; calls: PlannedToolCall[] };

interface ReadPrompt {
  system: string;
  userText: string;
  /** Tool calls and results after the latest user message, in order. */
  toolSteps: Array<{ toolName: string; toolCallId: string; input: unknown; output: unknown; failed: boolean }>;
  hasToolResults: boolean;
}

function readPrompt(prompt: LanguageModelV3Prompt): ReadPrompt {
  const system = prompt
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n\n");
  let lastUser = -1;
  prompt.forEach((m, i) => {
    if (m.role === "user") lastUser = i;
  });
  const user = lastUser >= 0 ? prompt[lastUser] : undefined;
  const userText =
    user?.role === "user"
      ? user.content
          .map((p) => (p.type === "text" ? p.text : ""))
          .join("\n")
          .trim()
      : "";

  const inputs = new Map<string, unknown>();
  const toolSteps: ReadPrompt["toolSteps"] = [];
  let hasToolResults = false;
  for (const message of prompt.slice(lastUser + 1)) {
    if (message.role === "assistant") {
      for (const part of message.content) if (part.type === "tool-call") inputs.set(part.toolCallId, part.input);
    }
    if (message.role === "tool") {
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        hasToolResults = true;
        const out = part.output;
        const failed = out.type === "error-text" || out.type === "error-json" || out.type === "execution-denied";
        const output =
          out.type === "json" || out.type === "text" || out.type === "error-text" || out.type === "error-json"
            ? out.value
            : out.type === "execution-denied"
              ? (out.reason ?? "The call was not allowed.")
              : null;
        toolSteps.push({
          toolName: part.toolName,
          toolCallId: part.toolCallId,
          input: inputs.get(part.toolCallId),
          output,
          failed,
        });
      }
    }
  }
  return { system, userText, toolSteps, hasToolResults };
}

/** FNV-1a: deterministic ids from the prompt, distinct across turns (the prompt grows). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

function describeToolStep(step: ReadPrompt["toolSteps"][number], userText: string, memory: MemoryContext): string {
  if (step.failed) {
    const reason = typeof step.output === "string" ? step.output : JSON.stringify(step.output);
    return `The ${step.toolName} tool failed: ${reason}`;
  }
  if (step.toolName === "getCurrentTime") {
    return describeTime(step.output, detectTimeQuestion(userText) ?? "time", placeFor(userText, memory));
  }
  if (step.toolName === "calculate") return describeCalculation(step.output, step.input);
  return `${step.toolName} returned ${JSON.stringify(step.output)}.`;
}

function plan(options: LanguageModelV3CallOptions, now: () => Date): Plan {
  const read = readPrompt(options.prompt);
  const memory = parseMemoryContext(read.system);
  const style = styleFrom(memory.instructions);
  const say = (reply: Reply): Plan => ({ kind: "text", text: renderReply(reply, style) });

  // Second step: the tools have answered; never call them again for this message (no loops).
  if (read.hasToolResults) {
    return say(replyOf(read.toolSteps.map((step) => describeToolStep(step, read.userText, memory))));
  }

  const offered = new Set(
    options.toolChoice?.type === "none"
      ? []
      : (options.tools ?? []).filter((t) => t.type === "function").map((t) => t.name),
  );
  const timeQuestion = detectTimeQuestion(read.userText);
  const expression = findExpression(read.userText);
  const calls: Array<Omit<PlannedToolCall, "toolCallId">> = [];
  const direct: string[] = [];
  if (timeQuestion) {
    const place = placeFor(read.userText, memory);
    if (offered.has("getCurrentTime")) {
      calls.push({ toolName: "getCurrentTime", input: JSON.stringify(place ? { timeZone: place.timeZone } : {}) });
    } else {
      direct.push(timeWithoutTool(now(), timeQuestion, place));
    }
  }
  if (expression) {
    if (offered.has("calculate")) calls.push({ toolName: "calculate", input: JSON.stringify({ expression }) });
    else direct.push(calculationWithoutTool(expression));
  }
  if (calls.length > 0) {
    const id = hash(JSON.stringify(options.prompt));
    return { kind: "tool-calls", calls: calls.map((c, i) => ({ ...c, toolCallId: `offline-${id}-${i}` })) };
  }
  if (direct.length > 0) return say(replyOf(direct));

  const fromMemory = answerFromMemory(read.userText, memory);
  if (fromMemory) return say(fromMemory);
  return say(
    smallTalkOrFallback(read.userText, memory, {
      addressAs: style.addressAs,
      remembering: !read.system.includes(MEMORY_OFF_NOTE),
      now: now(),
    }),
  );
}

/** Words with their trailing whitespace; concatenated they give back the text exactly. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === "" ? [] : [text]);
}

function usageOf(options: LanguageModelV3CallOptions, outputText: string): LanguageModelV3Usage {
  // Rough and deterministic: ~4 characters per input token, one token per output word.
  const input = Math.ceil(JSON.stringify(options.prompt).length / 4);
  const output = splitWords(outputText).length;
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

function warningsFor(options: LanguageModelV3CallOptions): SharedV3Warning[] {
  return options.responseFormat?.type === "json"
    ? [{ type: "unsupported", feature: "responseFormat", details: "The offline model writes plain text." }]
    : [];
}

const STOP: LanguageModelV3FinishReason = { unified: "stop", raw: "stop" };
const TOOL_CALLS: LanguageModelV3FinishReason = { unified: "tool-calls", raw: "tool_calls" };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class OfflineLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3" as const;
  readonly provider = "jarvus";
  readonly modelId = OFFLINE_MODEL_ID;
  readonly supportedUrls = {};

  private readonly wordDelayMs: number;
  private readonly now: () => Date;

  constructor(options: OfflineModelOptions = {}) {
    this.wordDelayMs = Math.max(0, options.wordDelayMs ?? DEFAULT_WORD_DELAY_MS);
    this.now = options.now ?? (() => new Date());
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const planned = plan(options, this.now);
    const content: LanguageModelV3Content[] =
      planned.kind === "text"
        ? [{ type: "text", text: planned.text }]
        : planned.calls.map((c) => ({ type: "tool-call", ...c }));
    return {
      content,
      finishReason: planned.kind === "text" ? STOP : TOOL_CALLS,
      usage: usageOf(options, planned.kind === "text" ? planned.text : JSON.stringify(planned.calls)),
      response: { modelId: OFFLINE_MODEL_ID },
      warnings: warningsFor(options),
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const planned = plan(options, this.now);
    const parts: LanguageModelV3StreamPart[] = [
      { type: "stream-start", warnings: warningsFor(options) },
      { type: "response-metadata", modelId: OFFLINE_MODEL_ID },
    ];
    if (planned.kind === "text") {
      const id = "text-0";
      parts.push({ type: "text-start", id });
      for (const word of splitWords(planned.text)) parts.push({ type: "text-delta", id, delta: word });
      parts.push({ type: "text-end", id });
      parts.push({ type: "finish", finishReason: STOP, usage: usageOf(options, planned.text) });
    } else {
      for (const call of planned.calls) {
        parts.push({ type: "tool-input-start", id: call.toolCallId, toolName: call.toolName });
        parts.push({ type: "tool-input-delta", id: call.toolCallId, delta: call.input });
        parts.push({ type: "tool-input-end", id: call.toolCallId });
        parts.push({ type: "tool-call", ...call });
      }
      parts.push({ type: "finish", finishReason: TOOL_CALLS, usage: usageOf(options, JSON.stringify(planned.calls)) });
    }

    const delay = this.wordDelayMs;
    const signal = options.abortSignal;
    let index = 0;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      async pull(controller) {
        const part = parts[index++];
        if (!part) {
          controller.close();
          return;
        }
        if (part.type === "text-delta" && delay > 0) {
          try {
            await sleep(delay, signal);
          } catch (reason) {
            controller.error(reason);
            return;
          }
        }
        controller.enqueue(part);
      },
    });
    return { stream, request: { body: { prompt: options.prompt } } };
  }
}

export function createOfflineModel(options?: OfflineModelOptions): LanguageModelV3 {
  return new OfflineLanguageModel(options);
}
