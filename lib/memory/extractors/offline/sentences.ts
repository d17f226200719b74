/**
 * Splits a user message into sentences and clauses and labels each clause
 * with what makes it unfit for memory: a question, a hypothetical, reported
 * speech. The rules then only look at clauses that state something.
 */
import { cleanText } from "./normalize";

export interface Clause {
  /** The clause without leading fillers ("Hi,", "Also,", "Actually,"). */
  text: string;
  /** Asks something ("Do I like sushi?", "What's my name?"). */
  question: boolean;
  /** A question that is a polite request ("Could you call me Captain?"). */
  politeRequest: boolean;
  /** Conditional, imagined or uncertain ("if I lived in Paris", "I might move"). */
  hypothetical: boolean;
  /** Someone else's claim about the user ("you said I'm a nurse"). */
  reported: boolean;
  /** Index of its sentence in AnalyzedMessage.sentences. */
  sentence: number;
}

export interface AnalyzedMessage {
  /**
   * The message looks like a system prompt or a prompt injection ("You are a
   * helpful assistant…", "System: …", "Ignore previous instructions"). Nothing
   * is extracted from such a message: one injected line can make every other
   * "fact" in it untrustworthy.
   */
  promptLike: boolean;
  /**
   * The user does not capitalize (only sentence starts and "I" are upper case),
   * so lower-case names and places ("i live in lisbon") are accepted.
   */
  casual: boolean;
  sentences: string[];
  clauses: Clause[];
}

const PROMPT_LIKE: readonly RegExp[] = [
  /^\s*(?:system|assistant|developer|ai)\s*(?:prompt)?\s*:/im,
  /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|system|original)\s+(?:instructions|prompts?|messages|rules|directives)\b/i,
  /\byou\s+are\s+(?:now\s+)?(?:a|an)\s+(?:[\w-]+\s+){0,4}(?:assistant|ai|language model|llm|chatbot|bot|gpt)\b/i,
  /\byou\s+are\s+now\s+(?:in\s+)?(?:dan|developer mode|jailbroken|unrestricted)\b/i,
  /\b(?:your|the)\s+(?:new\s+)?(?:system prompt|system message|instructions are)\b/i,
  /<\|?(?:im_start|im_end|system|endoftext|assistant|user)\|?>/i,
  /\[\/?INST\]|<<\/?SYS>>/,
  /^#{1,4}\s*(?:system|instructions?)\b/im,
  /\bact\s+as\s+(?:a|an|my|if)\b/i,
];

export function isPromptLike(text: string): boolean {
  return PROMPT_LIKE.some((re) => re.test(text));
}

const ABBREVIATIONS = /(?:^|\s)(?:mr|mrs|ms|dr|prof|st|mt|jr|sr|vs|etc|e\.g|i\.e|a\.m|p\.m|u\.s|u\.k|no|approx)\.$/i;

/** Sentences, keeping their end punctuation. Newlines always end a sentence. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    const parts = line.split(/(?<=[.!?])\s+/);
    let current = "";
    for (const part of parts) {
      current = current ? `${current} ${part}` : part;
      if (!ABBREVIATIONS.test(current)) {
        if (current.trim()) out.push(current.trim());
        current = "";
      }
    }
    if (current.trim()) out.push(current.trim());
  }
  return out;
}

const LEAD =
  /^(?:(?:(?:hi|hello|hey|hiya|well|oh|so|and|but|also|actually|btw|by the way|fyi|just so you know|for (?:the record|context|reference|what it's worth)|ps|p\.s\.|anyway|anyways|good (?:morning|afternoon|evening)|jarvus|fun fact|quick update|update|oh and|as i said|as i told you|as i mentioned|honestly|to be honest|tbh)\b[,!:.]?|(?:yes|no|yeah|yep|nope|sure|right|ok|okay)[,!:.])\s*)+/i;

/** Phrases that look conditional but only soften a request. */
const POLITE_CONDITIONS =
  /,?\s*\bif (?:possible|you can|you could|you don't mind|you do not mind|that's (?:ok|okay|alright|fine)|you would|you please|you will)\b,?/gi;

const QUESTION_START =
  /^(?:(?:do|does|did|am|is|are|was|were|can|could|would|will|shall|should|have|has|had|may|might)(?:n't|\s+not)?\s+(?:i|you|we|he|she|it|they|my|your|there|this|that|u)\b|(?:what|who|whom|whose|where|when|why|which|how)(?:\s+\w+)?(?:'s|'re|'m|\s+(?:is|are|was|were|am|do|does|did|can|could|would|will|should|have|has|had)\b)|(?:what|who|where|why|how)\b\s*$|(?:whats|wheres|whos|hows)\b)/i;

const POLITE_REQUEST = /^(?:please\s+)?(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|kindly\s+)?/i;

/** Conditional or imagined scenes: taint the clause and the rest of the sentence. */
const CONDITIONAL =
  /\b(?:if|imagine|imagining|suppose|supposing|pretend|pretending|what if|let's say|lets say|assuming|hypothetically|in a world where|unless|role-?play(?:ing)?|in theory)\b/i;

/** Uncertainty and irrealis: taint only the clause. */
const UNCERTAIN =
  /\b(?:i|we)\s+(?:might|may|could|should)\b|\b(?:i|we)\s+would\b(?!\s+(?:really\s+)?(?:like|love|prefer|rather)\b)|\bi'd\b(?!\s+(?:really\s+)?(?:like|love|prefer|rather)\b)|\b(?:maybe|perhaps|probably|possibly|wish|wonder|wondering|not sure|unsure|considering|thinking (?:about|of)|fantasi[sz]e|dreaming (?:of|about)|hypothetical)\b|\bi (?:think|guess|suppose|believe|assume|doubt|imagine)\b|\b(?:don't|do not) know (?:if|whether)\b/i;

const REPORTED =
  /\b(?:said|says|say|tells?|told (?:me|you|him|her|them|everyone)|thinks?|thought|claims?|claimed|believes?|believed|assumes?|assumed|mentioned|wrote|reckons?|insists?|insisted|guessed)\s+(?:that\s+)?(?:i|i'm|i've|im|my)\b|\baccording to\b/i;

/** Where one statement ends and the next begins inside a sentence. */
const CLAUSE_BREAK =
  /\s*;\s*|\s+-\s+|,?\s+(?:and|but|so|because|cause|though|although|while|whereas|plus)\s+(?=(?:also\s+)?(?:if|i|i'm|i've|i'd|i'll|im|my|we|we're|our|please|always|never|don't|do not|stop|call|address|use|keep|answer|reply|respond|talk|speak|be)\b)|,\s+(?=(?:if|i|i'm|i've|i'd|im|my|we|we're|do|does|did|can|could|would|will|what|what's|where|who|how|is|are|please|always|never|don't|stop|call|use|keep|answer|reply|respond)\b)/i;

/** "I'm 34 and live in Lisbon": a second verb that shares the subject "I". */
const SHARED_SUBJECT =
  /\s+(?:and|but)\s+(?:also\s+)?(?=(?:live|work|have|love|like|enjoy|hate|dislike|moved|speak|own|prefer|study|want|plan|am|just moved|recently moved)\b)/gi;

const TAG_QUESTION = /^(?:right|correct|isn't it|aren't i|don't i|am i not|no|yes|true|huh|ok|okay|remember)\??$/i;

interface RawClause {
  text: string;
  /** Joined to the previous clause by a bare comma (same thought) rather than a conjunction. */
  commaJoined: boolean;
}

function splitClauses(sentence: string): RawClause[] {
  const out: RawClause[] = [];
  const withSubjects = sentence.replace(SHARED_SUBJECT, " and I ");
  let rest = withSubjects;
  let commaJoined = false;
  for (;;) {
    const m = CLAUSE_BREAK.exec(rest);
    if (!m || m.index === 0) {
      if (rest.trim()) out.push({ text: rest.trim(), commaJoined });
      break;
    }
    const head = rest.slice(0, m.index).trim();
    // "Me and my wife live in Oslo": a bare pronoun is not a clause of its own.
    if (/^(?:me|i|we|us)$/i.test(head)) {
      const next = CLAUSE_BREAK.exec(rest.slice(m.index + m[0].length));
      const cut = next ? m.index + m[0].length + next.index : rest.length;
      const joined = rest.slice(0, cut).trim();
      if (joined) out.push({ text: joined, commaJoined });
      if (!next) break;
      commaJoined = next[0].trim() === ",";
      rest = rest.slice(cut + next[0].length);
      continue;
    }
    if (head) out.push({ text: head, commaJoined });
    commaJoined = m[0].trim() === ",";
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

export function stripLead(text: string): string {
  return text.replace(LEAD, "").trim();
}

/** Removes code and long quotations: other people's words are not the user's facts. */
function dropForeignText(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/`[^`]*`/g, " ")
    .replace(/"(?:[^"\s]+\s+){3,}[^"]*"/g, " ")
    .replace(/^\s*>.*$/gm, " ");
}

export function analyzeMessage(raw: string): AnalyzedMessage {
  const text = cleanText(raw);
  const promptLike = isPromptLike(text);
  const body = dropForeignText(text);
  const sentences = splitSentences(body);
  const clauses: Clause[] = [];

  sentences.forEach((sentence, sentenceIndex) => {
    const endsWithQuestion = /\?\s*$/.test(sentence);
    const parts = splitClauses(sentence.replace(POLITE_CONDITIONS, ""));
    const lastIndex = parts.length - 1;
    const tagged = endsWithQuestion && parts.length > 1 && TAG_QUESTION.test(parts[lastIndex]!.text.replace(/[?!.]+$/, "").trim());
    // A conditional taints its own clause, every later one, and the clause it is comma-joined to before it.
    const conditionalAt = parts.findIndex((p) => CONDITIONAL.test(p.text));
    parts.forEach((part, i) => {
      const body = stripLead(part.text);
      const polite = POLITE_REQUEST.test(body);
      const question = tagged || QUESTION_START.test(body) || (endsWithQuestion && i === lastIndex);
      const hypothetical =
        (conditionalAt !== -1 && (i >= conditionalAt || (i === conditionalAt - 1 && parts[conditionalAt]!.commaJoined))) ||
        UNCERTAIN.test(body);
      clauses.push({
        text: body.replace(/[.!?]+$/, "").trim(),
        question: question && !polite,
        politeRequest: polite,
        hypothetical,
        reported: REPORTED.test(body),
        sentence: sentenceIndex,
      });
    });
  });

  const stripped = text.replace(/(^|[.!?]\s+|\n)\S/g, "").replace(/\bI\b/g, "");
  return { promptLike, casual: !/[A-Z]/.test(stripped), sentences, clauses };
}
