import type { MemoryContext, MemoryFact } from "@/lib/ai/memory-context";
import { normalize } from "./intents";
import { joinList, type Reply } from "./reply";

/**
 * Answers questions about the user from the memories in the system prompt.
 * Facts are stored in the third person ("User's name is Zed"); the offline
 * model turns them to the second person when it lists them.
 */

const IRREGULAR: Record<string, string> = { is: "are", was: "were", has: "have", does: "do", goes: "go" };

/** "User's name is Zed" → "your name is Zed"; "User lives in Lisbon" → "you live in Lisbon". */
export function toSecondPerson(content: string): string {
  const text = content.trim().replace(/\.$/, "");
  const possessive = /^(?:the )?user's\s+(.*)$/i.exec(text);
  if (possessive) return `your ${possessive[1]}`;
  const subject = /^(?:the )?user\s+(\S+)(.*)$/i.exec(text);
  if (!subject) return text.charAt(0).toLowerCase() + text.slice(1);
  const verb = subject[1]!.toLowerCase();
  const rest = subject[2] ?? "";
  let base = IRREGULAR[verb];
  if (!base) {
    if (/ies$/.test(verb)) base = `${verb.slice(0, -3)}y`;
    else if (/(?:ss|sh|ch|x|z|o)es$/.test(verb)) base = verb.slice(0, -2);
    else if (/[^s]s$/.test(verb)) base = verb.slice(0, -1);
    else base = verb;
  }
  return `you ${base}${rest}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function factValue(fact: MemoryFact): string {
  return fact.value?.trim() || toSecondPerson(fact.content);
}

function byKey(context: MemoryContext, key: string): MemoryFact | undefined {
  return context.facts.find((f) => f.key === key);
}

function byCategory(context: MemoryContext, category: string): MemoryFact[] {
  return context.facts.filter((f) => f.category === category);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

interface Question {
  pattern: RegExp;
  answer: (context: MemoryContext) => Reply;
}

const TELL_ME = "Tell me and I'll remember it.";

function keyed(key: string, known: (value: string) => string, unknown: string): (c: MemoryContext) => Reply {
  return (context) => {
    const fact = byKey(context, key);
    return fact ? { lead: known(factValue(fact)) } : { lead: unknown, more: [TELL_ME] };
  };
}

function categorised(
  category: string,
  known: (values: string) => string,
  intro: string,
  unknown: string,
): (c: MemoryContext) => Reply {
  return (context) => {
    const values = unique(byCategory(context, category).map(factValue));
    if (values.length === 0) return { lead: unknown, more: [TELL_ME] };
    return { lead: known(joinList(values)), list: { intro, items: values } };
  };
}

const QUESTIONS: Question[] = [
  {
    pattern: /\b(?:what(?:'s| is) my name|who am i\b|do you (?:know|remember) my name|what am i called|what do you call me)/,
    answer: keyed("name", (v) => `Your name is ${v}.`, "I don't know your name yet."),
  },
  {
    pattern:
      /\b(?:where do i live|where(?:'s| is) my home|(?:which|what) (?:city|town|country) do i live|where am i from|where do i come from|where(?:'s| is) home)\b/,
    answer: (context) => {
      const city = byKey(context, "home_city");
      const country = byKey(context, "home_country");
      if (city && country) return { lead: `You live in ${factValue(city)}, ${factValue(country)}.` };
      if (city || country) return { lead: `You live in ${factValue((city ?? country)!)}.` };
      return { lead: "I don't know where you live yet.", more: [TELL_ME] };
    },
  },
  {
    pattern: /\b(?:how old am i|what(?:'s| is) my age)\b/,
    answer: keyed("age", (v) => `You're ${v}.`, "I don't know your age yet."),
  },
  {
    pattern: /\b(?:when(?:'s| is) my birthday|when was i born|what(?:'s| is) my (?:birthday|date of birth))\b/,
    answer: keyed("birthday", (v) => `Your birthday is ${v}.`, "I don't know your birthday yet."),
  },
  {
    pattern:
      /\b(?:where do i work|who do i work for|what(?:'s| is) my (?:job|occupation|profession|employer)|what do i do for (?:a )?(?:living|work))\b/,
    answer: (context) => {
      const job = byKey(context, "job_title");
      const employer = byKey(context, "employer");
      if (job && employer) return { lead: `You work as ${factValue(job)} at ${factValue(employer)}.` };
      if (job) return { lead: `You work as ${factValue(job)}.` };
      if (employer) return { lead: `You work at ${factValue(employer)}.` };
      return { lead: "I don't know what you do for work yet.", more: [TELL_ME] };
    },
  },
  {
    pattern: /\b(?:who(?:'s| is) my (?:partner|wife|husband|girlfriend|boyfriend)|what(?:'s| is) my partner'?s name|am i married)\b/,
    answer: keyed("partner", (v) => `Your partner is ${v}.`, "I don't know about a partner of yours yet."),
  },
  {
    pattern: /\b(?:(?:what )?am i allergic|what (?:am i|are my|do i have) allerg|(?:do i have|what are) (?:any )?(?:my )?allerg(?:y|ies)|what allergies)/,
    answer: categorised(
      "allergy",
      (v) => `You're allergic to ${v}.`,
      "You're allergic to:",
      "I don't know of any allergies of yours.",
    ),
  },
  {
    pattern: /\b(?:what(?:'s| is) my diet|am i (?:vegetarian|vegan)|what (?:can't|can i not|don't) i eat)\b/,
    answer: (context) => {
      const diet = byKey(context, "diet") ?? byCategory(context, "diet")[0];
      return diet
        ? { lead: `Your diet: ${factValue(diet)}.` }
        : { lead: "I don't know about your diet yet.", more: [TELL_ME] };
    },
  },
  {
    pattern: /\b(?:do i have (?:a |any )?pets?|what(?:'s| is) my (?:pet|dog|cat)(?:'s name)?|what pets? do i have)\b/,
    answer: categorised("pet", (v) => `About your pets: ${v}.`, "Your pets:", "I don't know of any pets of yours."),
  },
  {
    pattern: /\b(?:what do i (?:like|love|enjoy)|what are my (?:hobbies|interests|favou?rites?))\b/,
    answer: categorised("like", (v) => `You like ${v}.`, "You like:", "I don't know what you like yet."),
  },
  {
    pattern: /\b(?:what do i (?:dislike|hate)|what don't i like)\b/,
    answer: categorised("dislike", (v) => `You dislike ${v}.`, "You dislike:", "I don't know what you dislike yet."),
  },
  {
    pattern:
      /\b(?:what do you (?:know|remember) about me|what have you (?:learned|learnt|remembered) about me|tell me (?:about|what you know about) (?:me|myself)|what do you know of me|do you remember me)\b/,
    answer: (context) => {
      const items = unique(context.facts.map((f) => capitalize(toSecondPerson(f.content))));
      if (items.length === 0) {
        return { lead: "I don't know anything about you yet.", more: ["Tell me about yourself and I'll remember it."] };
      }
      return {
        lead: `Here's what I know about you: ${items.map((i) => i.charAt(0).toLowerCase() + i.slice(1)).join("; ")}.`,
        list: { intro: "Here's what I know about you:", items },
      };
    },
  },
  {
    pattern:
      /\b(?:what did we (?:talk|chat) about|what did we discuss|what have we (?:talked about|discussed)|(?:our|the) last (?:conversation|chat)|previous (?:conversation|chat)s?)\b/,
    answer: (context) => {
      const items = context.episodes.map((e) => `${e.date}: ${e.content.replace(/\.$/, "")}`);
      if (items.length === 0) return { lead: "I don't remember any earlier conversations with you yet." };
      return {
        lead: `Here's what I remember from our earlier conversations: ${items.join("; ")}.`,
        list: { intro: "From our earlier conversations:", items },
      };
    },
  },
];

function isQuestion(normalized: string): boolean {
  return (
    normalized.includes("?") ||
    /^(?:(?:hey|hi|so|ok|okay|and|jarvus)[, ]+)*(?:what|who|where|when|how|which|do|does|did|am|is|are|can|could|tell me|remind me)\b/.test(
      normalized,
    )
  );
}

/** A reply from memory when the message asks about the user, else null. */
export function answerFromMemory(text: string, context: MemoryContext): Reply | null {
  const normalized = normalize(text);
  // Only questions: "I'm allergic to peanuts" is news, not a question about allergies.
  if (!isQuestion(normalized)) return null;
  const question = QUESTIONS.find((q) => q.pattern.test(normalized));
  return question ? question.answer(context) : null;
}
