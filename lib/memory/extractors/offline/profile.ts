/**
 * Self-descriptions packed into one clause: "I'm Priya, 34, a nurse in Toronto",
 * "Dev here — 29, backend engineer at Stripe, based in Dublin", "About me: 52,
 * retired teacher, based in Perth". After an introduction every descriptor
 * between commas says "I'm …" on its own; this module spells those clauses out
 * ("I'm 34", "I'm a nurse", "I live in Toronto") so the ordinary rules read them.
 */
import { diets, familyRelations } from "./lexicon";
import { isKnownDemonym, jobTitleAt, nameAt, placeAt } from "./values";

const AGE = /^(\d{1,3})(?:\s*(?:y\/?o|yo|years?(?: old)?|yrs?(?: old)?))?$/i;
const AGED = /^(?:age|aged)\s+(\d{1,3})$/i;
const I_AM = /^(?:i'm|i am|im)\s+(.+)$/i;
const SIGNED = /^([A-Z][\p{L}'-]*(?:\s+[A-Z][\p{L}'-]*)?)\s+here\b\s*[,:]?\s*(.*)$/u;
const MY_NAME = /^[Mm]y (?:full |first )?name(?:'s|\s+is)\s+([A-Z][\p{L}'-]*(?:\s+[A-Z][\p{L}'-]*)?)\s*,\s*(.+)$/u;
const ABOUT_ME = /^(?:about me|a bit about me|a little about me|quick intro|intro|me)\s*:\s*(.+)$/i;

/** Descriptors are separated by commas, and by "and" when a descriptor follows ("27 and a pharmacist"). */
const SEPARATOR = /\s*[,;]\s*(?:and\s+)?|\s+and\s+(?=(?:a|an|the|\d|based|living|from|married|single|retired|engaged)\b)/i;

const STATE = /^(?:based|living|located|working|employed|studying|from|originally from|married|engaged|single|divorced|widowed|retired|unemployed|self-employed|freelancing|a freelancer|a (?:mom|mother|mum|dad|father|parent) of)\b/i;
const VERB_FIRST = /^(?:live|work|love|like|enjoy|have|speak|study|own)\b/i;
const COUNTED_FAMILY = new RegExp(
  `^(?:one|two|three|four|five|six|seven|eight|nine|ten|\\d+)\\s+(?:kids|children|sons|daughters|sisters|brothers|siblings|grandchildren|grandkids|${[...familyRelations].join("|")})$`,
  "i",
);

function isAge(segment: string): boolean {
  const m = AGE.exec(segment) ?? AGED.exec(segment);
  return m !== null && Number(m[1]) >= 1 && Number(m[1]) <= 120;
}

function isName(segment: string): boolean {
  return nameAt(segment, false) === segment;
}

/** A descriptor that can open a self-description: a name, an age, a job, a nationality or a diet. */
function isAnchor(segment: string): boolean {
  return (
    isName(segment) ||
    isAge(segment) ||
    jobTitleAt(segment, false) !== null ||
    isKnownDemonym(segment) ||
    diets.has(segment.toLowerCase().replace(/^an?\s+/, ""))
  );
}

/** "a nurse in Toronto" → the place, when a real place follows "in" (not "in the ICU"). */
function placeAfter(segment: string, preposition: "in" | "from"): string | null {
  const m = new RegExp(`\\s${preposition}\\s+(.*)$`, "i").exec(segment);
  if (!m) return null;
  const place = placeAt(m[1]!, false);
  return place && !/^[A-Z]{2,4}$/.test(place) ? place : null;
}

/** The clauses one descriptor stands for. */
function clausesOf(segment: string): string[] {
  if (isAge(segment)) return [`I'm ${AGED.exec(segment)?.[1] ?? segment}`];
  if (COUNTED_FAMILY.test(segment)) return [`I have ${segment}`];
  if (VERB_FIRST.test(segment)) return [`I ${segment}`];
  if (/^in\s+/i.test(segment)) return [`I live ${segment}`];
  // "retired teacher" is a job; "retired" alone, "based in Perth" are states.
  const hasArticle = /^(?:a|an|the)\s/i.test(segment);
  const isJob = !hasArticle && !/^(?:based|living|located|working|employed|studying|from|originally)\b/i.test(segment) && jobTitleAt(segment, false) !== null;
  if (!isJob && STATE.test(segment)) return [`I'm ${segment}`];
  const out: string[] = [];
  if (isJob) out.push(`I'm ${/^[aeiou]/i.test(segment) ? "an" : "a"} ${segment}`);
  else out.push(`I'm ${segment}`);
  if (jobTitleAt(segment.replace(/^(?:a|an)\s+/i, ""), false)) {
    const home = placeAfter(segment, "in");
    if (home) out.push(`I live in ${home}`);
  }
  const origin = placeAfter(segment, "from");
  if (origin) out.push(`I'm from ${origin}`);
  return out;
}

function segmentsOf(text: string): string[] {
  return text
    .split(SEPARATOR)
    .map((s) => s.trim().replace(/[.!]+$/, ""))
    .filter(Boolean);
}

/** The clause is an introduction with nothing after it ("Dev here", "I'm Priya"): descriptors may follow in the next clause. */
export function isBareIntroduction(clause: string): boolean {
  const signed = SIGNED.exec(clause);
  if (signed && signed[2] === "") return true;
  const iAm = I_AM.exec(clause);
  return iAm !== null && isName(iAm[1]!.trim());
}

/**
 * The clauses a packed self-description stands for, or [] when `clause` is not
 * one. `afterIntroduction`: the clause before it in the same sentence was a bare
 * introduction, so a clause of descriptors alone ("29, backend engineer at
 * Stripe, based in Dublin") describes the user too.
 */
export function profileClauses(clause: string, afterIntroduction: boolean): string[] {
  const out: string[] = [];
  let descriptors: string[];
  const signed = SIGNED.exec(clause);
  const myName = MY_NAME.exec(clause);
  const aboutMe = ABOUT_ME.exec(clause);
  const iAm = I_AM.exec(clause);
  if (signed && isName(signed[1]!) && signed[2] !== "") {
    out.push(`My name is ${signed[1]}`);
    descriptors = segmentsOf(signed[2]!);
  } else if (myName) {
    descriptors = segmentsOf(myName[2]!);
    if (!isAnchor(descriptors[0] ?? "")) return [];
  } else if (aboutMe) {
    descriptors = segmentsOf(aboutMe[1]!);
    if (!isAnchor(descriptors[0] ?? "")) return [];
  } else if (iAm) {
    descriptors = segmentsOf(iAm[1]!);
    // "I'm sorry, 2 minutes late", "I'm fine, thanks": only a real descriptor opens a self-description.
    if (descriptors.length < 2 || !isAnchor(descriptors[0]!)) return [];
    if (isName(descriptors[0]!)) descriptors = descriptors.slice(1);
  } else if (afterIntroduction) {
    descriptors = segmentsOf(clause);
    if (!isAnchor(descriptors[0] ?? "")) return [];
  } else {
    return [];
  }
  for (const segment of descriptors) out.push(...clausesOf(segment));
  return out;
}
