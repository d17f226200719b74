import type { MemoryContext } from "@/lib/ai/memory-context";
import { evaluateExpression, CalculationError } from "@/lib/ai/tools/calculate";
import {
  currentTimeAt,
  DEFAULT_TIME_ZONE,
  formatDate,
  formatTime,
  zonedDateParts,
} from "@/lib/ai/tools/get-current-time";
import { findPlace, normalize, type Place, type TimeQuestion } from "./intents";
import type { Reply } from "./reply";
import { acknowledge, understoodFrom } from "./understood";

/** What the offline model says about itself wherever it cannot really answer. */
export const OFFLINE_NOTICE = "I'm the offline model (no LLM is configured; set OPENAI_API_KEY for real answers)";
const CAPABILITIES = "Offline, I can tell the time, do arithmetic and answer from what I remember about you.";

/** The place a time question is about: named in the message, else the user's remembered home city. */
export function placeFor(text: string, memory: MemoryContext): Place | null {
  const named = findPlace(text);
  if (named) return named;
  const home = memory.facts.find((f) => f.key === "home_city");
  return home?.value ? findPlace(home.value) : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sentenceOf(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** A sentence about a getCurrentTime result. */
export function describeTime(output: unknown, question: TimeQuestion, place: Place | null): string {
  if (!isRecord(output) || typeof output.timeZone !== "string") return "I couldn't read the time.";
  if (typeof output.error === "string") return sentenceOf(`I couldn't get the time: ${output.error}`);
  if (typeof output.iso !== "string") return "I couldn't read the time.";
  const instant = new Date(output.iso);
  if (Number.isNaN(instant.getTime())) return "I couldn't read the time.";
  const parts = zonedDateParts(instant, output.timeZone);
  const where =
    place && place.timeZone === output.timeZone && place.name !== output.timeZone
      ? ` in ${place.name} (${output.timeZone})`
      : ` (${output.timeZone})`;
  return question === "date"
    ? `Today is ${formatDate(parts)}${where}.`
    : `It's ${formatTime(parts)} on ${formatDate(parts)}${where}.`;
}

/** A sentence about a calculate result. */
export function describeCalculation(output: unknown, input: unknown): string {
  const expression =
    isRecord(output) && typeof output.expression === "string"
      ? output.expression
      : isRecord(input) && typeof input.expression === "string"
        ? input.expression
        : "that";
  if (isRecord(output) && typeof output.result === "number") return `${expression} = ${output.result}.`;
  if (isRecord(output) && typeof output.error === "string") {
    return sentenceOf(`I couldn't calculate ${expression}: ${output.error}`);
  }
  return `I couldn't calculate ${expression}.`;
}

/** Time answered without the tool (when the caller offers no tools). */
export function timeWithoutTool(now: Date, question: TimeQuestion, place: Place | null): string {
  return describeTime(currentTimeAt(now, place?.timeZone ?? DEFAULT_TIME_ZONE), question, place);
}

/** Arithmetic answered without the tool (when the caller offers no tools). */
export function calculationWithoutTool(expression: string): string {
  try {
    return describeCalculation({ expression, result: evaluateExpression(expression) }, undefined);
  } catch (error) {
    if (error instanceof CalculationError) return describeCalculation({ expression, error: error.message }, undefined);
    throw error;
  }
}

/** Several sentences as a reply: the first leads, the rest follow. */
export function replyOf(sentences: string[]): Reply {
  const [lead = "", ...more] = sentences;
  return { lead, more };
}

function echo(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= 80) return flat;
  const cut = flat.slice(0, 80);
  const space = cut.lastIndexOf(" ");
  return `${cut.slice(0, space > 40 ? space : 80)}…`;
}

const GREETING = /^(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)|greetings)\b/;
const THANKS = /^(?:thanks|thank you|thx|cheers|ty)\b/;

/**
 * Greetings, thanks, what it understood of a statement, or the honest
 * fallback: never pretends to be an LLM, never promises more than the memory
 * pipeline will do.
 */
export function smallTalkOrFallback(
  text: string,
  memory: MemoryContext,
  { addressAs, remembering = true, now = new Date() }: { addressAs?: string; remembering?: boolean; now?: Date } = {},
): Reply {
  const normalized = normalize(text);
  const words = normalized.split(" ").length;
  if (GREETING.test(normalized) && words <= 6) {
    const who = addressAs ?? memory.facts.find((f) => f.key === "name")?.value ?? null;
    return {
      lead: who ? `Hello, ${who}!` : "Hello!",
      addressed: true,
      more: [`${OFFLINE_NOTICE}.`, CAPABILITIES],
    };
  }
  if (THANKS.test(normalized) && words <= 6) return { lead: "You're welcome!" };
  if (normalized === "") return { lead: `${OFFLINE_NOTICE}. Ask me something.` };
  const asks =
    /\?\s*$/.test(normalized) ||
    /^(?:please )?(?:what|who|where|when|why|how|which|can|could|would|should|do|does|did|is|are|will|tell|give|write|explain|show|help|list|make|create|find|translate|summari[sz]e|describe|suggest|recommend)\b/.test(
      normalized,
    );
  // A statement (an instruction may start like a question: "When I ask for a recipe, …").
  if (!/\?\s*$/.test(normalized)) {
    const heard = acknowledge(understoodFrom(text, now), { remembering });
    if (heard) return { lead: heard, addressed: true };
  }
  const quoted = echo(text);
  // “…?” needs no full stop after it.
  const quote = /[.!?…]$/.test(quoted) ? `“${quoted}”` : `“${quoted}”.`;
  return {
    lead: asks
      ? `${OFFLINE_NOTICE}, so I can't really answer ${quote}`
      : `${OFFLINE_NOTICE}, so all I can do is note what you said: ${quote}`,
    more: [CAPABILITIES],
  };
}
