import type { MemoryInstruction } from "@/lib/ai/memory-context";

/**
 * A reply of the offline model before styling. The user's standing
 * instructions (procedural memories) decide how it is written out.
 */
export interface Reply {
  /** The answer, one sentence. */
  lead: string;
  /** Follow-up sentences, dropped when the user asked for brevity. */
  more?: string[];
  /** When the answer is a list: its intro ("You're allergic to:") and items, shown as bullets when asked for. */
  list?: { intro: string; items: string[] };
  /** The lead already addresses the user ("Hello, Captain!"): do not add the address again. */
  addressed?: boolean;
}

export interface ReplyStyle {
  /** How to address the user ("Captain"), from the address_as instruction. */
  addressAs?: string;
  bullets: boolean;
  brief: boolean;
}

const BRIEF = /\b(?:brief|short|shorter|concise|terse|succinct|one sentence|few words|to the point)\b/i;
/** A length limit ("Keep answers under 3 sentences", "at most 100 words"): the offline replies are a sentence or two, so any limit means brief. */
const LIMITED = /\b(?:under|below|at most|no more than|not more than|max|maximum|fewer than|less than|within|up to|no longer than)\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few)\b/i;
const BULLETS = /\bbullet|\blists?\b/i;

/** Reads the style from the standing instructions: address_as, response_format, length (and their wording). */
export function styleFrom(instructions: MemoryInstruction[]): ReplyStyle {
  const style: ReplyStyle = { bullets: false, brief: false };
  for (const instruction of instructions) {
    const key = instruction.key.toLowerCase();
    const value = instruction.value?.trim() ?? "";
    const text = `${value} ${instruction.content}`;
    if (key === "address_as") {
      const name = value || /\baddress (?:the user|me) as (.+?)\.?$/i.exec(instruction.content)?.[1]?.trim();
      if (name) style.addressAs = name;
    } else if (key === "response_format") {
      if (BULLETS.test(text)) style.bullets = true;
      if (BRIEF.test(text)) style.brief = true;
    } else if (key === "length" || key === "tone" || key === "verbosity") {
      if (BRIEF.test(text) || (key === "length" && LIMITED.test(text))) style.brief = true;
    }
  }
  return style;
}

/** "Your name is Zed." + "Captain" → "Your name is Zed, Captain." */
function addressed(sentence: string, name: string): string {
  const match = /^(.*?)([.!?:]*)$/s.exec(sentence);
  const body = match?.[1] ?? sentence;
  const end = match?.[2] || ".";
  return `${body}, ${name}${end}`;
}

/** Natural-language list: "a", "a and b", "a, b and c". */
export function joinList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function renderReply(reply: Reply, style: ReplyStyle): string {
  const more = style.brief ? [] : (reply.more ?? []);
  const address = (s: string) => (style.addressAs && !reply.addressed ? addressed(s, style.addressAs) : s);
  if (style.bullets) {
    if (reply.list && reply.list.items.length > 0) {
      const items = style.brief ? reply.list.items.slice(0, 3) : reply.list.items;
      return [address(reply.list.intro), ...items.map((i) => `- ${i}`), ...more.map((m) => `- ${m}`)].join("\n");
    }
    return [address(reply.lead), ...more].map((line) => `- ${line}`).join("\n");
  }
  return [address(reply.lead), ...more].join(" ");
}
