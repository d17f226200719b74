/**
 * Explicit instructions about how the assistant should behave, from the user's
 * message. Keys: address_as, response_format, units, temperature_unit, emoji,
 * length (short, detailed, or a limit such as "under 3 sentences"), language, tone.
 *
 * The action rule (one rule, applied to every key):
 * - "set" when the user states how the assistant should behave, and that
 *   includes prohibitions: "don't use emojis", "never use emojis", "no emojis",
 *   "stop using emojis" are all `set emoji = none` ("Do not use emojis"). A
 *   prohibition is a standing preference: it must persist even when no earlier
 *   instruction exists to cancel, and it supersedes an opposite one ("Use emojis").
 * - "stop" only when the user withdraws an earlier instruction without stating a
 *   replacement, so the assistant returns to its default: "you don't have to
 *   call me Captain anymore", "you can stop using bullet points", "no need to
 *   answer in Spanish", "forget what I said about units". Consolidation then
 *   invalidates the active memory with that key.
 */
import type { ProceduralMemory } from "@/lib/memory/types";
import { findConditionalInstructions } from "./conditional";
import { acceptedOffer } from "./confirmations";
import { applyCorrections } from "./corrections";
import { lengthLimitAt } from "./length-limits";
import { languages } from "./lexicon";
import { capitalize, titleCase, trimValue } from "./normalize";
import type { AnalyzedMessage, Clause } from "./sentences";

interface Instruction {
  key: string;
  value: string;
  /** Imperative for the assistant: "Address the user as Captain". */
  content: string;
}

const INSTRUCTION_IMPORTANCE = 0.8;

const PERSISTENCE =
  /\b(?:always|from now on|going forward|henceforth|in (?:the )?future|every time|each time|for (?:the rest of )?(?:this|our|all) (?:chats?|conversations?)|in all (?:your )?(?:answers|replies|responses)|at all times|for me|please|pls|plz|kindly|thanks|thank you)\b,?/gi;

const REQUEST_PREFIX =
  /^(?:(?:please|kindly|just|also|and|so|now|ok|okay)\s+)*(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?|i\s+(?:want|need|'d like|would like)\s+you\s+to\s+|you\s+(?:should|must|need to|have to|can|may)\s+|(?:make sure (?:to|you)|remember to|be sure to|try to)\s+)?/i;

const WITHDRAWAL =
  /^(?:you\s+(?:don't|do not|dont|no longer)\s+(?:have|need)\s+to|you\s+(?:can|may|could)\s+stop|(?:there's|there is)\s+no\s+need\s+to|no\s+need\s+to|you\s+needn't|you\s+need\s+not)\s+(.*)$/i;

const FORGET_TOPIC =
  /^(?:forget|never ?mind|cancel|scrap|drop|ignore|disregard)\s+(?:about\s+)?(?:what i said about|my (?:earlier |previous |old |last )?(?:instruction|request|preference|rule)s?\s+(?:about|on|for|regarding)|the)\s+(.*)$/i;

const PROHIBITION = /^(?:don't|do not|dont|never|stop|quit|no more|avoid|no|please don't|please stop)\s+(.*)$/i;

const GERUNDS: Record<string, string> = {
  calling: "call",
  using: "use",
  answering: "answer",
  replying: "reply",
  responding: "respond",
  writing: "write",
  addressing: "address",
  referring: "refer",
  being: "be",
  keeping: "keep",
  speaking: "speak",
  talking: "talk",
  giving: "give",
  adding: "add",
  putting: "put",
  including: "include",
  sending: "send",
  rambling: "ramble",
  formatting: "format",
};

function fromGerund(text: string): string {
  return text.replace(/^(\w+ing)\b/i, (w) => GERUNDS[w.toLowerCase()] ?? w);
}

const ADDRESS_STOP =
  /^(?:back|later|tomorrow|tonight|when|whenever|if|at|on|in|a|an|the|crazy|maybe|anytime|sometime|now|soon|after|before|again|anything|whatever|that|this|it|him|her|them|by|old-fashioned|names|out|up|over|right|sometimes|every|once|today|asap|myself|you|me)$/i;

function addressValue(text: string): string | null {
  const t = text.replace(/^["']/, "");
  const m = /^((?:(?:mr|mrs|ms|dr|prof|sir|madam|lady|lord|captain|capt|doctor|professor)\.?\s+)?[\p{L}][\p{L}'.-]*(?:\s+[A-Z][\p{L}'.-]*){0,2})/u.exec(t);
  if (!m) return null;
  const value = trimValue(m[1]!);
  const first = value.split(" ")[0] ?? "";
  if (!value || ADDRESS_STOP.test(first) || (value.split(" ").length === 1 && languages.has(value.toLowerCase()))) return null;
  return /^[a-z]/.test(value) && !value.includes(" ") ? capitalize(value) : value;
}

const FORMATS: ReadonlyArray<[RegExp, string]> = [
  [/^(?:bullet[- ]?points?|bullets|bullet(?:ed)? lists?|an? bullet(?:ed)? lists?|bullet form|a list)\b/i, "bullet points"],
  [/^(?:numbered (?:lists?|steps|points)|an? numbered list)\b/i, "numbered lists"],
  [/^(?:tables?|a table)\b/i, "tables"],
  [/^markdown\b/i, "markdown"],
  [/^(?:plain text|no formatting)\b/i, "plain text"],
  [/^(?:prose|paragraphs|full sentences|complete sentences)\b/i, "prose"],
];

/** Trailing words that keep a format instruction general ("bullet points only, please"). */
const GENERAL_TAIL = /^(?:\s*(?:only|when(?:ever)? possible|where possible|for (?:everything|all (?:answers|replies|responses))|when it makes sense|by default|as much as possible|too|instead))*\s*$/i;

/** The format named at the start of `text`; with `strict`, nothing specific may follow it. */
function formatAt(text: string, strict: boolean): string | null {
  for (const [re, value] of FORMATS) {
    const m = re.exec(text);
    const tail = text.slice(m?.[0].length ?? 0);
    // "…when comparing things" keeps it standing; "…for this answer" makes it a one-off.
    if (m && (!strict || GENERAL_TAIL.test(tail) || /^\s*(?:when|whenever|where|if)\b/i.test(tail))) return value;
  }
  return null;
}

const ANSWERS = "(?:answers?|replies|reply|responses?|messages|explanations|everything|things|them|it|info|information)";
const ANSWER_VERB = "(?:answer|reply|respond|write back|format (?:your )?" + ANSWERS + "|give me (?:your )?" + ANSWERS + "|write (?:your )?" + ANSWERS + "|put (?:your )?" + ANSWERS + "|present (?:your )?" + ANSWERS + "|structure (?:your )?" + ANSWERS + ")";
const I_PREFER = "i(?:\\s+(?:prefer|like|want|would like|need|would prefer)|'d\\s+(?:like|prefer))";

const UNIT_WORDS: ReadonlyArray<[RegExp, string, string]> = [
  [/^(?:the\s+)?metric(?:\s+(?:units|system|measurements))?\b|^(?:si units|kilomet(?:er|re)s|km|kilograms|kg|met(?:er|re)s)\b/i, "units", "metric"],
  [/^(?:the\s+)?imperial(?:\s+(?:units|system|measurements))?\b|^(?:us customary|miles|pounds|lbs|feet|inches)\b/i, "units", "imperial"],
  [/^(?:degrees\s+)?(?:celsius|centigrade)\b/i, "temperature_unit", "Celsius"],
  [/^(?:degrees\s+)?fahrenheit\b/i, "temperature_unit", "Fahrenheit"],
];

function unitsAt(text: string): { key: string; value: string } | null {
  for (const [re, key, value] of UNIT_WORDS) if (re.test(text)) return { key, value };
  return null;
}

const TONES = "formal|casual|friendly|professional|funny|polite|direct|blunt|informal|serious|playful|warm|sarcastic|encouraging|gentle|honest|enthusiastic|neutral|humorous";

function languageAt(text: string): string | null {
  const m = /^([A-Za-z]+)\b/.exec(text);
  return m && languages.has(m[1]!.toLowerCase()) ? titleCase(m[1]!.toLowerCase()) : null;
}

/** A positive instruction ("call me Captain", "use metric units"), or null. */
export function parseInstruction(raw: string, original: string = raw): Instruction | null {
  const t = raw.trim();
  let m: RegExpExecArray | null;

  const limit = lengthLimitAt(t);
  if (limit) return { key: "length", ...limit };

  if ((m = /^(?:call me|address me as|refer to me as|call me by the name)\s+(.*)$/i.exec(t)) ??
      (m = /^i\s+(?:go by|prefer to be called|like to be called|want to be called|'d like to be called|would like to be called|'d prefer to be called)\s+(.*)$/i.exec(t))) {
    // Read the name from the original casing: "Call me Captain" not "captain".
    const offset = original.toLowerCase().lastIndexOf(m[1]!.toLowerCase());
    const value = addressValue(offset >= 0 ? original.slice(offset) : m[1]!);
    return value ? { key: "address_as", value, content: `Address the user as ${value}` } : null;
  }

  // After "answer in …" anything may follow ("…when I ask for lists"); elsewhere the format must stand alone,
  // so "I need a table for four" is not a formatting instruction.
  const answerFormat = new RegExp(`^${ANSWER_VERB}\\s+(?:to me\\s+)?(?:only\\s+)?(?:in|as|using|with)\\s+(.*)$`, "i").exec(t);
  const looseFormat =
    /^(?:use|include)\s+(.*)$/i.exec(t) ??
    new RegExp(`^${I_PREFER}\\s+(?:your\\s+)?(?:${ANSWERS}\\s+)?(?:in|as)?\\s*(.*)$`, "i").exec(t) ??
    new RegExp(`^${ANSWERS}\\s+(?:in|as)\\s+(.*)$`, "i").exec(t) ??
    /^(.*)$/.exec(t);
  const formatValue = (answerFormat ? formatAt(answerFormat[1]!, false) : null) ?? (looseFormat ? formatAt(looseFormat[1]!, true) : null);
  if (formatValue) {
    return { key: "response_format", value: formatValue, content: `Format answers as ${formatValue}` };
  }

  const units =
    /^(?:use|stick to|switch to|go with|measure in|convert (?:everything|things|it|them) (?:to|into))\s+(.*)$/i.exec(t) ??
    new RegExp(`^(?:${ANSWER_VERB}|give (?:me\\s+)?(?:measurements|distances|temperatures|weights|units|numbers|everything|things)|show (?:me\\s+)?(?:measurements|distances|temperatures|weights|units|numbers|everything|things))\\s+in\\s+(.*)$`, "i").exec(t) ??
    new RegExp(`^${I_PREFER}\\s+(?:(?:measurements|distances|temperatures|weights|units|numbers|everything|things)\\s+in\\s+)?(.*)$`, "i").exec(t) ??
    /^(?:i use|i think in|i'm used to)\s+(.*)$/i.exec(t) ??
    /^((?:the\s+)?(?:metric|imperial|celsius|fahrenheit)(?:\s+(?:units|system))?)(?:\s+only)?$/i.exec(t);
  const unit = units ? unitsAt(units[1]!) : null;
  if (unit) {
    const content = unit.key === "units" ? `Use ${unit.value} units` : `Give temperatures in ${unit.value}`;
    return { key: unit.key, value: unit.value, content };
  }

  if (/^(?:use|add|include|put|send|feel free to use)\s+(?:more\s+|some\s+|lots of\s+|a few\s+|plenty of\s+)?emoji(?:s|is)?\b/i.test(t) || /^emoji(?:s|is)?\s+(?:are|is)\s+(?:fine|welcome|great|ok)\b/i.test(t)) {
    return { key: "emoji", value: "use", content: "Use emojis" };
  }
  if (/^(?:emoji(?:s|is)?)$/i.test(t)) return { key: "emoji", value: "use", content: "Use emojis" };

  if (
    new RegExp(`^(?:keep|make)\\s+(?:your\\s+|the\\s+)?(?:${ANSWERS}|it|them|things)\\s+(?:short|brief|concise|succinct|to the point|shorter|brief(?:er)?)`, "i").test(t) ||
    /^be\s+(?:more\s+|very\s+)?(?:brief|concise|succinct|terse|to the point)\b/i.test(t) ||
    /^be\s+less\s+(?:verbose|wordy|long-winded)\b/i.test(t) ||
    new RegExp(`^(?:short|shorter|brief|briefer|concise)\\s+(?:${ANSWERS})`, "i").test(t) ||
    new RegExp(`^${I_PREFER}\\s+(?:short|shorter|brief|concise)\\s+(?:${ANSWERS})`, "i").test(t) ||
    /^(?:answer|reply|respond)\s+(?:briefly|concisely|in (?:one|a few|two|three|1|2|3) (?:sentences?|lines?|words?))\b/i.test(t)
  ) {
    // "Keep it brief, max 2 sentences": the limit says how brief.
    const limited = /[,;:(-]\s*(.+?)\)?$/.exec(t);
    const limit = limited ? lengthLimitAt(limited[1]!) : null;
    return limit ? { key: "length", ...limit } : { key: "length", value: "short", content: "Keep answers short" };
  }
  if (/^(?:be\s+(?:so\s+)?(?:verbose|wordy|long-winded)|ramble|write (?:long|lengthy) (?:answers|essays|replies))\b/i.test(t)) {
    return { key: "length", value: "long", content: "Write long answers" };
  }
  if (
    /^be\s+(?:more\s+)?(?:detailed|thorough)\b/i.test(t) ||
    new RegExp(`^(?:give (?:me\\s+)?|write\\s+)?(?:more\\s+)?(?:detailed|longer|in-depth|thorough)\\s+(?:${ANSWERS})`, "i").test(t) ||
    new RegExp(`^${I_PREFER}\\s+(?:more\\s+)?(?:detailed|longer|in-depth|thorough)\\s+(?:${ANSWERS})`, "i").test(t)
  ) {
    return { key: "length", value: "detailed", content: "Give detailed answers" };
  }

  const lang =
    /^(?:answer|reply|respond|speak|talk|write|communicate|chat|write back)(?:\s+to me|\s+with me|\s+back)?\s+(?:only\s+)?(?:in\s+)?(.*)$/i.exec(t) ??
    /^use\s+(\w+)(?:\s+only)?$/i.exec(t) ??
    new RegExp(`^${I_PREFER}\\s+(?:${ANSWERS}\\s+|you to (?:answer|reply|respond|speak|talk|write)\\s+)in\\s+(.*)$`, "i").exec(t);
  const language = lang ? languageAt(lang[1]!) : null;
  if (language) return { key: "language", value: language, content: `Answer in ${language}` };

  const tone =
    new RegExp(`^(?:be|sound|stay|act|talk|speak)\\s+(?:more\\s+|a bit more\\s+|less\\s+|so\\s+|too\\s+|very\\s+)?(${TONES})\\b`, "i").exec(t) ??
    new RegExp(`^use\\s+an?\\s+(?:more\\s+)?(${TONES})\\s+tone\\b`, "i").exec(t);
  if (tone) {
    const less = /\bless\s/i.test(tone[0]);
    const value = `${less ? "less " : ""}${tone[1]!.toLowerCase()}`;
    return { key: "tone", value, content: `Use a ${value} tone` };
  }
  return null;
}

const TOPIC_KEYS: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:bullet|bullets|format|formatting|lists?|tables?|markdown)\b/i, "response_format"],
  [/\bemoji/i, "emoji"],
  [/\b(?:units|metric|imperial)\b/i, "units"],
  [/\b(?:celsius|fahrenheit|temperatures?)\b/i, "temperature_unit"],
  [/\b(?:name|nickname|calling me|call me|address(?:ing)? me)\b/i, "address_as"],
  [/\b(?:language|english|spanish|french|german|portuguese|italian)\b/i, "language"],
  [/\b(?:length|short|brief|concise|long|detailed|verbose)\b/i, "length"],
  [/\b(?:tone|formal|casual)\b/i, "tone"],
];

function negate(instruction: Instruction): Instruction {
  if (instruction.key === "emoji") return { key: "emoji", value: "none", content: "Do not use emojis" };
  if (instruction.key === "length" && instruction.value === "long") return { key: "length", value: "short", content: "Keep answers short" };
  const content = `Do not ${instruction.content.charAt(0).toLowerCase()}${instruction.content.slice(1)}`;
  return { key: instruction.key, value: `not ${instruction.value}`, content };
}

function memory(instruction: Instruction, action: "set" | "stop"): ProceduralMemory {
  return {
    key: instruction.key,
    kind: "instruction",
    action,
    content: instruction.content.slice(0, 500),
    value: instruction.value.slice(0, 200),
    importance: INSTRUCTION_IMPORTANCE,
  };
}

function parseWithNegation(text: string, original: string): Instruction | null {
  return parseInstruction(fromGerund(text), original) ?? parseInstruction(`use ${text}`, original);
}

/** The instruction in one clause, with its action, or null. */
export function instructionFromClause(clause: Clause): ProceduralMemory | null {
  if (clause.question || clause.hypothetical || clause.reported) return null;
  const original = clause.text.replace(PERSISTENCE, " ").replace(/\s+/g, " ").replace(/^[\s,]+|[\s,.!]+$/g, "");
  if (!original) return null;
  const t = original.replace(/\s+(?:anymore|any more|any longer)$/i, "");

  const withdrawn = WITHDRAWAL.exec(t);
  if (withdrawn) {
    const inner = parseWithNegation(withdrawn[1]!.replace(/\s+(?:anymore|any more|any longer)$/i, ""), original);
    return inner ? memory({ ...inner, content: `Cancel the earlier instruction: ${inner.content}` }, "stop") : null;
  }
  const forget = FORGET_TOPIC.exec(t);
  if (forget) {
    const topic = TOPIC_KEYS.find(([re]) => re.test(forget[1]!));
    if (topic) return memory({ key: topic[1], value: "", content: `Cancel the earlier ${topic[1].replace("_", " ")} instruction` }, "stop");
    return null;
  }

  // "I hate it when you use emojis" / "I love it when you use tables".
  const reaction = /^i\s+(?:really\s+)?(hate|dislike|don't like|do not like|can't stand|love|like|enjoy)\s+(?:it\s+)?when\s+you\s+(.*)$/i.exec(t);
  if (reaction) {
    const inner = parseWithNegation(reaction[2]!, original);
    if (!inner) return null;
    return /^(?:love|like|enjoy)$/i.test(reaction[1]!) ? memory(inner, "set") : memory(negate(inner), "set");
  }

  const request = t.replace(REQUEST_PREFIX, "");
  // "No more than 100 words", "don't write more than 200 words": a limit, not a prohibition.
  const limit = lengthLimitAt(request);
  if (limit) return memory({ key: "length", ...limit }, "set");
  const prohibited = PROHIBITION.exec(request);
  if (prohibited) {
    const inner = parseWithNegation(prohibited[1]!, original);
    return inner ? memory(negate(inner), "set") : null;
  }
  if (/^(?:answer|reply|respond|write)\s+without\s+(?:any\s+)?emoji/i.test(request)) {
    return memory({ key: "emoji", value: "none", content: "Do not use emojis" }, "set");
  }
  const positive = parseInstruction(request, original);
  return positive ? memory(positive, "set") : null;
}

function clauseOf(text: string): Clause {
  return { text, question: false, politeRequest: false, hypothetical: false, reported: false, sentence: 0 };
}

/** The exchange before this turn, as context: it is never mined on its own. */
export interface EarlierExchange {
  /** The user's previous message, analysed. */
  userMessage: AnalyzedMessage | null;
  assistantMessage: string | null;
}

/**
 * Instructions in the user's message; the last one per key wins ("use bullets…
 * actually, no bullets"). The earlier exchange only explains short replies: the
 * instruction a correction fixes ("I meant Captain" after "Call me Cap"), and
 * the assistant's offer a "yes" accepts ("Shall I call you Captain?").
 */
export function extractInstructions(
  message: AnalyzedMessage,
  earlier: EarlierExchange = { userMessage: null, assistantMessage: null },
): ProceduralMemory[] {
  if (message.promptLike) return [];
  const byKey = new Map<string, ProceduralMemory>();
  const keep = (found: ProceduralMemory) => {
    byKey.delete(found.key);
    byKey.set(found.key, { ...found, value: found.value === "" ? null : found.value });
  };
  // The user's own words come after, so "yes, and call me Cap" wins over the offer.
  const offer = earlier.assistantMessage ? acceptedOffer(message.sentences.join(" "), earlier.assistantMessage) : null;
  const accepted = offer ? instructionFromClause(clauseOf(offer)) : null;
  if (accepted) keep(accepted);
  const conditionals = findConditionalInstructions(message);
  const conditionalSentences = new Set(conditionals.map((c) => c.sentence));
  for (const clause of message.clauses) {
    // "When I ask for a recipe, use metric units" is not also a general "use metric units".
    if (conditionalSentences.has(clause.sentence)) continue;
    const found = instructionFromClause(clause);
    if (found) keep(found);
  }
  for (const conditional of conditionals) {
    const inner = instructionFromClause(clauseOf(conditional.action));
    const value = inner?.value ?? conditional.action;
    keep({ key: conditional.key, kind: "instruction", action: "set", content: conditional.content, value: value.slice(0, 200), importance: INSTRUCTION_IMPORTANCE });
  }
  const corrected = applyCorrections(message, earlier.userMessage, {
    read: (text) => {
      const found = instructionFromClause(clauseOf(text));
      return found ? [found] : [];
    },
    value: (m) => m.value,
    sameSlot: (a, b) => a.key === b.key,
  });
  for (const wrong of corrected.retracted) if (byKey.get(wrong.key)?.value === wrong.value) byKey.delete(wrong.key);
  for (const found of corrected.added) keep(found);
  return [...byKey.values()];
}
