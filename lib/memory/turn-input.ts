import { textOf } from "@/lib/chat/ui-messages";
import type { ToolCallRecord } from "./types";

interface PartLike {
  type: string;
  text?: string;
  toolName?: string;
  state?: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
}

/** The text of a stored message's text parts, trimmed. */
export function textOfParts(parts: unknown[]): string {
  return textOf({ parts: parts as PartLike[] }).trim();
}

/** The finished tool calls of an assistant message (`tool-<name>` and dynamic tool parts). */
export function toolCallsOfParts(parts: unknown[]): ToolCallRecord[] {
  const calls: ToolCallRecord[] = [];
  for (const part of parts as PartLike[]) {
    const isTool = part.type.startsWith("tool-") || part.type === "dynamic-tool";
    if (!isTool) continue;
    const toolName = part.toolName ?? part.type.slice("tool-".length);
    if (part.state === "output-available") {
      calls.push({ toolName, input: part.input, output: part.output });
    } else if (part.state === "output-error") {
      calls.push({ toolName, input: part.input, output: undefined, error: part.errorText ?? "failed" });
    }
  }
  return calls;
}
