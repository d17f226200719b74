/**
 * Corrections: "not X, it's Y", "it's Y, not X", "actually Y, not X", "I meant Y".
 * Y is stored in the slot X was said in, so it carries that slot's key and
 * supersedes; X is not stored. The slot is found in what the user said before:
 * an earlier sentence of this message, or the user's previous message in the
 * conversation. Y is put in X's place in that statement and the ordinary rules
 * read it again, so "I meant Porto" after "I live in Lisbon" is a home city and
 * after "What's the weather in Oslo?" (a question) is nothing.
 */
import { normalizeValue } from "./normalize";
import type { AnalyzedMessage, Clause } from "./sentences";

export interface Correction {
  /** Index of the correcting sentence in its message. */
  sentence: number;
  /** What was wrong, when the user says it. */
  wrong: string | null;
  right: string;
}

const APOLOGY = /^(?:(?:sorry|oops|whoops|my bad|no|nope|wait|correction|actually|i mean|to be clear|typo)\b[,:!.]?\s*)+/i;

const WORD = "[\\p{L}\\p{N}][\\p{L}\\p{N}'.&-]*";
const VALUE = `(${WORD}(?:\\s+${WORD}){0,3})`;
const SHORTEST_VALUE = `(${WORD}(?:\\s+${WORD}){0,3}?)`;

const NOT_THEN_RIGHT = new RegExp(
  `^not\\s+${SHORTEST_VALUE}\\s*(?:,|-|;|\\.\\.\\.)?\\s*(?:(?:it's|it is|it was|that's|i meant|i mean|but|rather|instead)\\s+)?${VALUE}$`,
  "iu",
);
const RIGHT_THEN_NOT = new RegExp(`^(?:(?:it's|it is|that's|i said|i meant|i mean|it should be|should be)\\s+)?${VALUE}\\s*,?\\s+not\\s+${VALUE}$`, "iu");
const MEANT = new RegExp(`^(?:i meant|i mean|meant|i said)\\s+${VALUE}$`, "iu");

/** Ys that are not values: "I meant what I said", "not now, maybe later". */
const NOT_A_VALUE = /^(?:what|that|this|it|it's|yes|no|maybe|later|now|just|really|so|well|fine|ok|okay|nothing|something|everything|anything|the other)\b/i;

function bareSentence(sentence: string): string {
  return sentence.replace(APOLOGY, "").replace(/[.!?]+$/, "").trim();
}

/** The corrections the user makes in this message, sentence by sentence. */
export function findCorrections(message: AnalyzedMessage): Correction[] {
  const out: Correction[] = [];
  message.sentences.forEach((sentence, index) => {
    if (/\?\s*$/.test(sentence)) return;
    const text = bareSentence(sentence);
    const notRight = NOT_THEN_RIGHT.exec(text);
    const rightNot = notRight ? null : RIGHT_THEN_NOT.exec(text);
    const meant = notRight || rightNot ? null : MEANT.exec(text);
    const [wrong, right] = notRight ? [notRight[1]!, notRight[2]!] : rightNot ? [rightNot[2]!, rightNot[1]!] : meant ? [null, meant[1]!] : [null, null];
    if (right === null || NOT_A_VALUE.test(right) || (wrong !== null && NOT_A_VALUE.test(wrong))) return;
    out.push({ sentence: index, wrong, right });
  });
  return out;
}

/**
 * "My name's not Bob, it's Rob" → "My name's Rob": a statement that corrects
 * itself, rewritten to what it asserts. One clause per such sentence.
 */
export function selfCorrectedStatements(message: AnalyzedMessage): string[] {
  const out: string[] = [];
  for (const sentence of message.sentences) {
    const m = /^(.+?)\s+(not|isn't|is not|'s not)\s+[^,;]+?\s*[,;-]?\s+(?:it's|it is|but|rather|it's actually)\s+(.+?)[.!]*$/i.exec(bareSentence(sentence));
    // Only a value may follow ("…, it's Rob"); "I'm not tired, but I…" is two statements, not a correction.
    if (!m || /^(?:it|it's|that|that's|this|not|i'm|i am|im)$/i.test(m[1]!.trim())) continue;
    if (m[3]!.split(/\s+/).length > 4 || /^(?:i|i'm|we|you|he|she|they|it|that)\b/i.test(m[3]!)) continue;
    const verb = /^(?:isn't|is not)$/i.test(m[2]!) ? " is" : "";
    out.push(`${m[1]!.replace(/\s+$/, "")}${verb} ${m[3]!}`);
  }
  return out;
}

export interface Reader<T> {
  /** Every memory one clause of the user's yields. */
  read: (text: string) => T[];
  value: (memory: T) => string | null;
  /** Same slot: the same key, or the same category for keyless facts. */
  sameSlot: (a: T, b: T) => boolean;
}

export interface Corrected<T> {
  added: T[];
  /** Memories of this message that the correction takes back. */
  retracted: T[];
}

function wordPattern(text: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`, "iu");
}

function matchesRight<T>(reader: Reader<T>, memory: T, right: string): boolean {
  const value = reader.value(memory);
  return value !== null && normalizeValue(value) === normalizeValue(right);
}

/** Y in the statement where X (or, for "I meant Y", a value of the same slot) was said. */
function correctOne<T>(reader: Reader<T>, correction: Correction, candidates: readonly string[]): { added: T[]; wrongValues: T[] } | null {
  for (const text of candidates) {
    if (correction.wrong !== null) {
      const wrong = wordPattern(correction.wrong);
      if (!wrong.test(text)) continue;
      const added = reader.read(text.replace(wrong, correction.right)).filter((m) => matchesRight(reader, m, correction.right));
      if (added.length > 0) return { added, wrongValues: reader.read(text).filter((m) => added.some((a) => reader.sameSlot(a, m))) };
      continue;
    }
    for (const said of reader.read(text)) {
      const value = reader.value(said);
      if (!value || !wordPattern(value).test(text)) continue;
      const added = reader
        .read(text.replace(wordPattern(value), correction.right))
        .filter((m) => reader.sameSlot(m, said) && matchesRight(reader, m, correction.right));
      if (added.length > 0) return { added, wrongValues: [said] };
    }
  }
  return null;
}

function usable(clause: Clause): boolean {
  return !clause.question && !clause.hypothetical && !clause.reported;
}

/**
 * The memories the message's corrections give, looked up in this message's
 * earlier sentences first (latest first), then in the user's previous message.
 */
export function applyCorrections<T>(message: AnalyzedMessage, previous: AnalyzedMessage | null, reader: Reader<T>): Corrected<T> {
  const added: T[] = [];
  const retracted: T[] = [];
  const before = previous ? previous.clauses.filter(usable).map((c) => c.text).reverse() : [];
  for (const correction of findCorrections(message)) {
    const earlier = message.clauses.filter((c) => c.sentence < correction.sentence && usable(c)).map((c) => c.text).reverse();
    const inMessage = correctOne(reader, correction, earlier);
    if (inMessage) {
      added.push(...inMessage.added);
      retracted.push(...inMessage.wrongValues);
      continue;
    }
    const inPrevious = correctOne(reader, correction, before);
    if (inPrevious) added.push(...inPrevious.added);
  }
  return { added, retracted };
}
