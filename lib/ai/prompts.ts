const PERSONA = [
  "You are Jarvus, a helpful assistant that remembers the user across conversations.",
  "Be concise: answer in a few sentences unless the user asks for more.",
  "For the current time or date call the getCurrentTime tool (with the IANA time zone of the place asked about); " +
    "for arithmetic call the calculate tool. Never guess either.",
  "Use what you remember about the user when it helps, and say honestly when you do not know something about them.",
].join("\n");

/** Said in the system prompt when nothing of the conversation will be remembered (the offline model reads it too). */
export const MEMORY_OFF_NOTE =
  "Memory is off for this conversation (a temporary chat, or the user switched memory off): nothing said here will be remembered, and nothing was recalled. Do not promise to remember anything.";

/**
 * The system prompt of a chat turn: persona, the current instant, then the
 * memory context (see renderMemoryContext) when there is one, or the note
 * that memory is off.
 */
export function buildSystemPrompt({
  memoryContext,
  now,
  memory = "on",
}: {
  memoryContext?: string;
  now: Date;
  memory?: "on" | "off";
}): string {
  const parts = [PERSONA, `The current date and time is ${now.toISOString()} (UTC).`];
  if (memory === "off") parts.push(MEMORY_OFF_NOTE);
  if (memoryContext && memoryContext.trim() !== "") parts.push(memoryContext.trim());
  return parts.join("\n\n");
}
