/**
 * At most one episode per turn: when it happened, what the user asked or said,
 * which tools ran with what, and how the turn ended. Small talk ("hi",
 * "thanks") and prompt-like messages give none.
 */
import type { EpisodicMemory, ProceduralMemory, SemanticFact, ToolCallRecord, TurnForExtraction } from "@/lib/memory/types";
import { cleanText, truncate } from "./normalize";
import { type AnalyzedMessage, splitSentences } from "./sentences";
import { isSuccessful } from "./workflows";

const QUOTE_LIMIT = 160;
const MAX_TOPICS = 6;

const TRIVIAL =
  /^(?:(?:hi|hello|hey|hiya|yo|sup|thanks|thank you|thank u|thx|ty|cheers|ok|okay|k|cool|great|nice|awesome|perfect|bye|goodbye|see you|see ya|good (?:morning|night|evening|afternoon)|got it|sure|yes|no|yep|yeah|nope|lol|haha|hmm|wow|done|good|alright|all right|np|no problem|welcome)(?:\s+(?:there|jarvus|again|a lot|so much|very much|man|mate|buddy))*[\s!.,?]*)+$/i;

/** Nothing worth remembering: empty, or only greetings and acknowledgements. */
export function isTrivialMessage(text: string): boolean {
  const t = cleanText(text)
    .replace(/[\p{Extended_Pictographic}\u{FE0F}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return t === "" || TRIVIAL.test(t);
}

const STOPWORDS = new Set(
  ("a an the and or but if then so of to in on at for from with by about into over under is are was were be been being am do does did " +
    "have has had i me my mine you your yours we our us he she it its they them their this that these those what which who whom whose " +
    "when where why how can could would should will shall may might must not no yes please thanks thank hi hello hey just also very " +
    "really much many more most some any all each every there here now today tomorrow yesterday tell give show know want need like " +
    "let get got make made go going time times what's it's i'm don't can't isn't one two three up down out off again still ok okay " +
    "than too well right think say said ask asked answer use using")
    .split(" "),
);

function topicsOf(message: AnalyzedMessage, userText: string, tools: ToolCallRecord[], facts: SemanticFact[]): string[] {
  const topics: string[] = [];
  const add = (t: string) => {
    const v = t.trim();
    if (v && !topics.some((x) => x.toLowerCase() === v.toLowerCase())) topics.push(v);
  };
  for (const call of tools) {
    if (call.toolName === "getCurrentTime") add("time");
    else if (call.toolName === "calculate") add("arithmetic");
    else add(call.toolName);
  }
  // Capitalized words inside sentences are usually places, people, products.
  for (const sentence of message.sentences) {
    const words = sentence.split(/\s+/).slice(1);
    for (const w of words) {
      const clean = w.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
      if (/^[A-Z][\p{L}-]{2,}$/u.test(clean) && !STOPWORDS.has(clean.toLowerCase())) add(clean);
    }
  }
  for (const f of facts) add(f.category);
  for (const w of userText.toLowerCase().split(/[^\p{L}]+/u)) {
    if (topics.length >= MAX_TOPICS) break;
    if (w.length >= 4 && !STOPWORDS.has(w)) add(w);
  }
  return topics.slice(0, MAX_TOPICS);
}

function quote(text: string): string {
  const first = splitSentences(cleanText(text).replace(/\s+/g, " "))[0] ?? "";
  return `"${truncate(first.replace(/"/g, "'"), QUOTE_LIMIT)}"`;
}

function argumentsOf(input: unknown): string {
  if (typeof input !== "object" || input === null) return "";
  const parts = Object.values(input as Record<string, unknown>)
    .filter((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .map((v) => truncate(String(v).replace(/"/g, "'"), 60));
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

function describeUser(message: AnalyzedMessage, userText: string, instructions: ProceduralMemory[], facts: SemanticFact[]): string {
  const question = message.sentences.find((s) => /\?\s*$/.test(s));
  if (question) return `the user asked ${quote(question)}`;
  if (instructions.length > 0) return `the user gave instructions (${instructions.map((i) => i.content).join("; ")})`;
  if (facts.length > 0) return `the user said ${quote(userText)}`;
  if (/^(?:please\s+)?(?:tell|give|show|calculate|compute|convert|explain|help|write|find|list|what|how|check|remind|translate|summari[sz]e|plan)\b/i.test(userText.trim())) {
    return `the user asked ${quote(userText)}`;
  }
  return `the user said ${quote(userText)}`;
}

function describeAssistant(turn: TurnForExtraction): string {
  const parts: string[] = [];
  const used = turn.toolCalls.map((call) =>
    isSuccessful(call) ? `${call.toolName}${argumentsOf(call.input)}` : `${call.toolName}${argumentsOf(call.input)}, which failed`,
  );
  if (used.length > 0) parts.push(`the assistant used ${used.join(" and ")}`);
  const reply = turn.assistantMessage.trim();
  if (reply) parts.push(`${used.length > 0 ? "and" : "the assistant"} replied ${quote(reply)}`);
  else parts.push(used.length > 0 ? "but gave no reply" : "the assistant gave no reply");
  return parts.join(" ");
}

/** Unique tool names in order of first use. */
export function toolNamesOf(toolCalls: readonly ToolCallRecord[]): string[] {
  return [...new Set(toolCalls.map((c) => c.toolName))];
}

export function extractEpisode(
  turn: TurnForExtraction,
  message: AnalyzedMessage,
  facts: SemanticFact[],
  instructions: ProceduralMemory[],
): EpisodicMemory | null {
  if (message.promptLike) return null;
  if (turn.toolCalls.length === 0 && isTrivialMessage(turn.userMessage)) return null;
  const day = turn.occurredAt.toISOString().slice(0, 10);
  const content = `On ${day} ${describeUser(message, turn.userMessage, instructions, facts)}; ${describeAssistant(turn)}.`;
  const succeeded = turn.toolCalls.some(isSuccessful);
  const importance = Math.min(1, 0.3 + (succeeded ? 0.1 : 0) + (facts.length > 0 ? 0.2 : 0) + (instructions.length > 0 ? 0.1 : 0));
  return {
    content: truncate(content, 1000),
    tools: toolNamesOf(turn.toolCalls),
    topics: topicsOf(message, turn.userMessage, turn.toolCalls, facts),
    importance: Math.round(importance * 100) / 100,
  };
}
