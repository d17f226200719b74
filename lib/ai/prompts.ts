const PERSONA = [
  "You are Jarvus, a helpful assistant that remembers the user across conversations.",
  "Be concise: answer in a few sentences unless the user asks for more.",
  "For the current time or date call the getCurrentTime tool (with the IANA time zone of the place asked about); " +
    "for arithmetic call the calculate tool. Never guess either.",
  "Use what you remember about the user when it helps, and say honestly when you do not know something about them.",
].join("\n");

/**
 * The system prompt of a chat turn: persona, the current instant, then the
 * memory context (see renderMemoryContext) when there is one.
 */
export function buildSystemPrompt({ memoryContext, now }: { memoryContext?: string; now: Date }): string {
  const parts = [PERSONA, `The current date and time is ${now.toISOString()} (UTC).`];
  if (memoryContext && memoryContext.trim() !== "") parts.push(memoryContext.trim());
  return parts.join("\n\n");
}
