import type { StoredMessage } from "@/db/queries/messages";
import { messageMetadataSchema, type ChatUIMessage } from "@/lib/ai/tools";

/** A stored message as the AI SDK UI sees it; assistant messages carry their turn id. */
export function toUIMessage(message: StoredMessage): ChatUIMessage {
  const stored = messageMetadataSchema.partial().safeParse(message.metadata);
  return {
    id: message.id,
    role: message.role,
    parts: message.parts as ChatUIMessage["parts"],
    metadata: {
      ...(stored.success ? stored.data : {}),
      createdAt: message.createdAt.toISOString(),
      ...(message.turnId ? { turnId: message.turnId } : {}),
    },
  };
}

/** The plain text of a message's text parts. */
export function textOf(message: { parts: ReadonlyArray<{ type: string; text?: string }> }): string {
  return message.parts
    .filter((p) => p.type === "text" && typeof p.text === "string")
    .map((p) => p.text)
    .join("\n");
}

/** A conversation title from its first message: the first line, shortened at a word. */
export function titleFrom(text: string): string {
  const line = text.trim().split("\n")[0]?.trim() ?? "";
  if (line.length <= 60) return line || "New chat";
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(" ");
  return `${cut.slice(0, space > 30 ? space : 60)}…`;
}
