/**
 * Conditional instructions: "when I ask for a recipe, give metric units", "if I
 * ask about code, answer in TypeScript", "summarise in one line whenever I say
 * 'tl;dr'". The condition is kept: each condition has its own key
 * (`when:<condition>`), so it never supersedes the general instruction of the
 * same kind ("use imperial units"). A conditional is an instruction only when
 * its condition is real and present ("when I was a kid…", "if I had more
 * time…" are not) and its other half tells the assistant what to do ("…I'll
 * cook dinner" does not).
 */
import { slug } from "./normalize";
import { conditionAboutUser, toThirdPerson } from "./perspective";
import { type AnalyzedMessage, stripLead } from "./sentences";

export interface ConditionalInstruction {
  /** Index of its sentence in the message. */
  sentence: number;
  key: string;
  /** "When the user asks for a recipe, give metric units". */
  content: string;
  /** The action in the user's words, from the assistant's side: "give metric units". */
  action: string;
}

const CONJUNCTION = "(when|whenever|if|every time|each time|any time|anytime)";

const ABOUT_USER = /^(?:i|i'm|i've|my|we|we're|our)\b/i;
const ABOUT_TOPIC = /^(?:it|it's|the|there|there's)\b/i;
/**
 * Conditions on the assistant are standing only when they are about what it
 * knows ("if you don't know the answer, say so"); "when you're done, send it"
 * is about the task at hand.
 */
const ABOUT_ASSISTANT = /^you(?:'re| are)?\s+(?:don't|do not|can't|cannot|aren't|are not|'re not|not|unsure|uncertain|not sure|have no idea|have to guess|need to guess)\b|^you're (?:not sure|unsure)\b/i;

/** The condition's verb is in the past or unreal ("when I was a kid", "if I had more time", "if you were me"). */
const PAST =
  /^(?:i|you|we|it|my \S+|the \S+)\s+(?:was|were|had|did|used|went|got|came|saw|knew|thought|said|could|would|might|wish|[a-z]+ed)\b/i;
/** Verbs ending in -ed that are present tense. */
const PRESENT_ED = /^(?:i|you|we|it|my \S+|the \S+)\s+(?:need|feed|speed|proceed|exceed|succeed|bleed|breed|seed|shed|embed)\b/i;

const IMPERATIVE = new RegExp(
  "^(?:(?:please|kindly|just|always|also|then|never|don't|do not)\\s+)*(?:answer|reply|respond|give|use|include|add|show|write|explain|keep|be|" +
    "summari[sz]e|call|address|format|list|translate|suggest|start|end|tell|remind|ask|say|offer|provide|mention|skip|avoid|stop|" +
    "switch|convert|put|return|make|check|search|look|double-check|warn|point|focus|assume|treat|recommend|review|correct|fix|" +
    "send|quiz|help|speak|talk|let|break|number|highlight|cite|link|describe|compare|sort|rank|calculate|round|reply|respond|" +
    "go|stick|prefer|default|lead|open|close|finish|simplify|shorten|expand|elaborate|clarify|reassure|encourage|remember|note|" +
    "cheer|comfort|motivate|play|sing|pick|choose|refuse|decline|ignore|pause|wait|slow|repeat|rephrase|reword|spell|define|" +
    "teach|guide|walk|draw|plan|schedule|track|log|save|forget|bring|share|greet|thank|praise|challenge|test|grade|rate|" +
    "score|verify|confirm|use|show|exclude|remove|drop|leave|omit|mark|label|tag|flag|cut|trim|bold|quote|recap|outline)\\b",
  "i",
);

/** The two halves of a conditional sentence, or null. */
function halves(sentence: string): { condition: string; action: string } | null {
  const forward = new RegExp(`^${CONJUNCTION}\\s+([^,]+?)\\s*,\\s*(?:then\\s+)?(.+)$`, "i").exec(sentence);
  if (forward) return isRealCondition(forward[2]!, true) ? { condition: forward[2]!, action: forward[3]! } : null;
  // "Answer in Spanish if I write in Spanish": after the action only a condition on the user counts
  // ("tell me when you're ready", "let me know if it works" are about this conversation).
  const reversed = new RegExp(`^(.+?)\\s+${CONJUNCTION}\\s+(.+)$`, "i").exec(sentence);
  if (reversed && ABOUT_USER.test(reversed[3]!)) return isRealCondition(reversed[3]!, false) ? { condition: reversed[3]!, action: reversed[1]! } : null;
  return null;
}

function isRealCondition(condition: string, leading: boolean): boolean {
  const subject = ABOUT_USER.test(condition) || (leading && (ABOUT_TOPIC.test(condition) || ABOUT_ASSISTANT.test(condition)));
  return subject && (!PAST.test(condition) || PRESENT_ED.test(condition));
}

function sentenceText(sentence: string): string {
  return stripLead(sentence)
    .replace(/,?\s*\bif (?:possible|you can|you could|you don't mind|that's (?:ok|okay|fine))\b,?/gi, "")
    .replace(/[.!]+$/, "")
    .trim();
}

/** The conditional instructions in the message, one per sentence. */
export function findConditionalInstructions(message: AnalyzedMessage): ConditionalInstruction[] {
  const out: ConditionalInstruction[] = [];
  message.sentences.forEach((raw, index) => {
    if (/\?\s*$/.test(raw)) return;
    const parts = halves(sentenceText(raw));
    if (!parts || !IMPERATIVE.test(parts.action)) return;
    const trimmed = parts.action.replace(/^(?:please|kindly)\s+/i, "").replace(/,?\s*(?:please|thanks|thank you)$/i, "").trim();
    // The action opens with its verb; it is no longer the start of the sentence ("Use bullet points when…").
    const action = trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
    const condition = conditionAboutUser(parts.condition);
    const key = `when:${slug(condition.replace(/^the user(?:'s)?\s+/, "").replace(/'/g, ""))}`.slice(0, 120);
    out.push({ sentence: index, key, content: `When ${condition}, ${toThirdPerson(action)}`.slice(0, 500), action });
  });
  return out;
}
