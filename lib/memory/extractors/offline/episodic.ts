/**
 * At most one episode per turn: when it happened, what the user asked or said,
 * which tools ran with what, and how the turn ended. Small talk ("hi",
 * "thanks") and prompt-like messages give none.
 */
import { replyGist } from "@/lib/memory/episodes";
import type { EpisodicMemory, ProceduralMemory, SemanticFact, ToolCallRecord, TurnForExtraction } from "@/lib/memory/types";
import { cleanText, truncate } from "./normalize";
import { type AnalyzedMessage, splitSentences } from "./sentences";
import { isSuccessful } from "./workflows";

const MAX_TOPICS = 6;

/**
 * Whole messages made only of greetings, thanks and acknowledgements, each
 * optionally led by "that's", "sounds", "so", "really"… ("Thanks, that's
 * great!", "Sounds good."). Anything else in the message makes it no small talk.
 */
const TRIVIAL =
  /^(?:(?:(?:that'?s|that is|it'?s|this is|sounds|looks|so|really|very|pretty|super|oh|ah|aw+)\s+)*(?:hi|hello|hey|hiya|yo|sup|thanks|thank you|thank u|thx|ty|cheers|ok|okay|k|cool|great|nice|awesome|amazing|fantastic|brilliant|lovely|wonderful|perfect|fine|bye|goodbye|see you|see ya|good (?:morning|night|evening|afternoon)|got it|sure|yes|no|yep|yeah|nope|lol|haha|hmm|wow|done|good|alright|all right|np|no problem|welcome|makes sense|love it|exactly|agreed|of course|you too)(?:\s+(?:there|jarvus|again|a lot|so much|very much|man|mate|buddy|to hear|then))*[\s!.,?]*)+$/i;

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

/** A tool call's result in a few words: `formatted`/`result`/`text` when the tool gives one, else compact JSON. */
function resultOf(output: unknown): string {
  if (typeof output === "string" || typeof output === "number" || typeof output === "boolean") return truncate(String(output), 60);
  if (typeof output !== "object" || output === null) return "";
  const record = output as Record<string, unknown>;
  for (const field of ["formatted", "result", "text", "value"]) {
    const v = record[field];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return truncate(String(v), 60);
  }
  return truncate(JSON.stringify(output), 60);
}

function argumentsOf(input: unknown): string {
  if (typeof input !== "object" || input === null) return "";
  const parts = Object.values(input as Record<string, unknown>)
    .filter((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .map((v) => truncate(String(v).replace(/"/g, "'"), 60));
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** Longest gist of a model's reply kept in the episode. */
const REPLY_GIST_CHARS = 240;

/** A reply's sentences, its text cleaned and on one line. */
const sentencesOf = (text: string) => splitSentences(cleanText(text).replace(/\s+/g, " "));

/** "Thanks, Evan!", "Hey there.", "Cool, can't wait!": a reply's opening courtesy, not its content. */
const PLEASANTRY =
  /^(?:thanks|thank you|thx|hey|hi|hello|wow|cool|great|awesome|nice|oh|ah|aw|haha|lol|yeah|yes|yep|sure|ok|okay|sorry|congrats|congratulations|omg|absolutely|exactly|definitely|of course|no problem|good|glad)\b/i;

function isPleasantry(sentence: string): boolean {
  return PLEASANTRY.test(sentence) && sentence.split(/\s+/).length <= 4;
}

/**
 * The gist of a reply: its first sentences after any opening courtesy, up to
 * REPLY_GIST_CHARS. "Cool, can't wait! Thank you. By the way, I had a
 * frustrating issue at the supermarket." is about the supermarket.
 */
function replyGistText(reply: string): string | null {
  const sentences = sentencesOf(reply);
  const start = sentences.findIndex((x) => !isPleasantry(x));
  const rest = start === -1 ? sentences : sentences.slice(start);
  let gist = "";
  for (const sentence of rest) {
    if (gist !== "" && gist.length + 1 + sentence.length > REPLY_GIST_CHARS) break;
    gist = gist === "" ? sentence : `${gist} ${sentence}`;
  }
  return gist === "" ? null : truncate(gist, REPLY_GIST_CHARS);
}

/**
 * What the assistant did: each tool with its input and result, then the
 * gist of a model's reply. The offline model's reply is never kept:
 * it is a template, and storing it would fill memory with its stock phrases.
 */
function describeAssistant(turn: TurnForExtraction): string | null {
  const parts = turn.toolCalls.map((call) =>
    isSuccessful(call)
      ? `${call.toolName}${argumentsOf(call.input)} → ${resultOf(call.output)}`
      : `${call.toolName}${argumentsOf(call.input)} failed`,
  );
  if (turn.replyAuthor !== "offline-model") {
    const gist = replyGistText(turn.assistantMessage);
    if (gist) parts.push(replyGist(gist));
  }
  return parts.length > 0 ? parts.join("; ") : null;
}

/** Unique tool names in order of first use. */
export function toolNamesOf(toolCalls: readonly ToolCallRecord[]): string[] {
  return [...new Set(toolCalls.map((c) => c.toolName))];
}

/** Words of the question a message answers that its episode is also found by. */
const MAX_ANSWERED_TOPICS = 4;

/**
 * The content words of the question the user's message answers: the last
 * sentence of the assistant's previous message, when it asks something. "My
 * friend got me into it" answers "How did you get into watercolor painting?",
 * and is found by "watercolor" only through the question. Words the user's
 * own message already has are left to it.
 */
function answeredQuestionTopics(turn: TurnForExtraction): string[] {
  const asked = turn.previous?.assistantMessage;
  if (!asked) return [];
  const last = sentencesOf(asked).at(-1) ?? "";
  if (!/\?\s*$/.test(last)) return [];
  const own = new Set(turn.userMessage.toLowerCase().split(/[^\p{L}]+/u));
  const words = last
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length >= 4 && !STOPWORDS.has(w) && !own.has(w));
  return [...new Set(words)].slice(0, MAX_ANSWERED_TOPICS);
}

/** "my dog", "do I live", "am I": the question is about the user. "how do I", "should I": about doing something. */
const SELF_REFERENCE = /\b(?:my|me|mine|myself)\b|\b(?:am|was|were|do|did|have|had)\s+i\b/i;
const HOW_TO = /\b(?:how|should|can|could|would)\s+(?:do|did|can|should|could|would|i)\b/i;

/**
 * A bare question about the user ("What's my name?", "Where do I live?"):
 * asked of memory, it adds nothing memory did not already hold, so it gets no
 * episode. A question about the world ("How do I proof sourdough?") keeps one:
 * it says what the user cares about.
 */
export function isBareSelfQuestion(message: AnalyzedMessage, userText: string): boolean {
  const questions = message.sentences.length > 0 && message.sentences.every((s) => /\?\s*$/.test(s));
  return questions && SELF_REFERENCE.test(userText) && !HOW_TO.test(userText);
}

/**
 * The turn's episode, or null when it holds nothing worth recalling: an
 * injection-like message, small talk with no tool call, or a bare question
 * about the user that stated nothing new (no fact, no instruction, no tool).
 * The user's words themselves are added when the episode is stored
 * (lib/memory/episodes.ts).
 */
export function extractEpisode(
  turn: TurnForExtraction,
  message: AnalyzedMessage,
  facts: SemanticFact[],
  instructions: ProceduralMemory[],
): EpisodicMemory | null {
  if (message.promptLike) return null;
  const nothingDone = turn.toolCalls.length === 0;
  if (nothingDone && isTrivialMessage(turn.userMessage)) return null;
  if (nothingDone && facts.length === 0 && instructions.length === 0 && isBareSelfQuestion(message, turn.userMessage)) return null;
  const succeeded = turn.toolCalls.some(isSuccessful);
  const importance = Math.min(1, 0.3 + (succeeded ? 0.1 : 0) + (facts.length > 0 ? 0.2 : 0) + (instructions.length > 0 ? 0.1 : 0));
  return {
    did: describeAssistant(turn),
    tools: toolNamesOf(turn.toolCalls),
    topics: [...topicsOf(message, turn.userMessage, turn.toolCalls, facts), ...answeredQuestionTopics(turn)],
    importance: Math.round(importance * 100) / 100,
  };
}
