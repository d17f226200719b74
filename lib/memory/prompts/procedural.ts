import type { TurnForExtraction } from "@/lib/memory/types";
import { COMMON_RULES, renderContext } from "./turn";

export const proceduralSystemPrompt = `${COMMON_RULES}

Your task: PROCEDURAL memories — how the assistant should behave for this user.

1. Instructions (kind "instruction"), from the user's message only, when the user says how the assistant should behave from now on.
   Keys: "address_as" (how to address the user), "response_format" (bullet points, tables, prose…), "units" (metric/imperial), "temperature_unit", "emoji", "length" (short/detailed, or a limit: "keep answers under 3 sentences" → value "under 3 sentences"), "language" (the language to answer in), "tone". Use another short snake_case key only when none fits.
   A conditional instruction keeps its condition and has a key of its own, so it never replaces the general instruction: "when I ask for a recipe, give metric units" → key "when:asks-for-a-recipe", content "When the user asks for a recipe, give metric units". A condition in the past or unreal ("when I was a kid…", "if I had more time…") is no instruction.
   content: an imperative for the assistant ("Address the user as Captain", "Format answers as bullet points", "Do not use emojis"); value: the bare value ("Captain", "bullet points", "none") or null.
   action:
   - "set" when the user states how the assistant should behave, including prohibitions: "don't use emojis", "stop using emojis", "no emojis" → set, key "emoji", value "none", content "Do not use emojis".
   - "stop" only when the user withdraws an earlier instruction without a replacement, so the assistant returns to its default: "you don't have to call me Captain anymore", "forget what I said about bullet points" → stop, with that instruction's key.
   A one-off request about the current answer is not an instruction.

2. Workflows (kind "workflow"), from the SUCCEEDED tool calls of the turn only (never from failed ones): what to call for that kind of request.
   key: "tool:<toolName>:<kind of request in kebab-case>", e.g. "tool:getCurrentTime:time-in-city", "tool:calculate:arithmetic".
   content: what worked, generalised from the actual arguments, starting "Worked before: " — it is a record of an approach, never phrased as the user's instruction: "Worked before: for the time in a city, getCurrentTime with the city's IANA time zone (e.g. Europe/Lisbon)".
   value: the tool name. One workflow per key. action: "set".

importance: 0–1; explicit instructions ≈ 0.8, workflows ≈ 0.5.`;

export function proceduralPrompt(turn: TurnForExtraction): string {
  return `${renderContext(turn)}\n\nExtract the user's instructions from userMessage and the workflows from the succeeded toolCalls.`;
}
