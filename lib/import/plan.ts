import { createHash } from "node:crypto";
import { titleFrom } from "@/lib/chat/ui-messages";
import type { ImportedConversation, ImportedMessage } from "./types";

/**
 * How imported history becomes rows: consecutive messages of one role join
 * into one message (and so consecutive user messages into one turn), each
 * user message and the reply after it become a turn, and every id is derived
 * from the user and the content, so importing the same history again finds
 * the same rows and adds nothing (while a later export's new messages are
 * added to the conversation they belong to).
 */
export interface PlannedMessage {
  id: string;
  role: "user" | "assistant";
  parts: { type: "text"; text: string }[];
  createdAt: Date;
  /** Positions of the imported messages this one joins (a run of one speaker). */
  from: number[];
}

export interface PlannedTurn {
  id: string;
  userMessageId: string;
  /** Null when the history ends with the user's words. */
  assistantMessageId: string | null;
  /** When the user said it: memories of the turn are valid from then. */
  createdAt: Date;
  completedAt: Date;
}

export interface PlannedConversation {
  id: string;
  importKey: string;
  title: string;
  createdAt: Date;
  updatedAt: Date;
  messages: PlannedMessage[];
  turns: PlannedTurn[];
}

function digest(...parts: string[]): Buffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\u0000");
  return h.digest();
}

/** A uuid (RFC 9562 version 8, "custom") fixed by its inputs. */
export function derivedUuid(...parts: string[]): string {
  const b = digest(...parts).subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Runs of one speaker become one message, timed at its first part. */
function joinRuns(messages: ImportedMessage[]): (ImportedMessage & { from: number[] })[] {
  const out: (ImportedMessage & { from: number[] })[] = [];
  messages.forEach((m, i) => {
    const last = out.at(-1);
    if (last && last.role === m.role) {
      last.text = `${last.text}\n\n${m.text}`;
      last.from.push(i);
    } else out.push({ ...m, from: [i] });
  });
  return out;
}

export function importKeyOf(conversation: ImportedConversation): string {
  if (conversation.externalId) return `ext:${conversation.externalId}`;
  const content = conversation.messages.map((m) => [m.role, m.createdAt.toISOString(), m.text]);
  return `sha:${digest(JSON.stringify(content)).toString("hex")}`;
}

export function planConversation(userId: string, conversation: ImportedConversation): PlannedConversation {
  const importKey = importKeyOf(conversation);
  const id = derivedUuid("conversation", userId, importKey);
  const seen = new Map<string, number>();
  const messages: PlannedMessage[] = joinRuns(conversation.messages).map((m) => {
    // The same words at the same instant twice are two messages.
    const fingerprint = `${m.role}\u0000${m.createdAt.toISOString()}\u0000${m.text}`;
    const nth = seen.get(fingerprint) ?? 0;
    seen.set(fingerprint, nth + 1);
    return {
      id: `imp-${digest("message", id, fingerprint, String(nth)).toString("hex").slice(0, 40)}`,
      role: m.role,
      parts: [{ type: "text", text: m.text }],
      createdAt: m.createdAt,
      from: m.from,
    };
  });
  const turns: PlannedTurn[] = [];
  messages.forEach((m, i) => {
    if (m.role !== "user") return;
    const reply = messages[i + 1]?.role === "assistant" ? messages[i + 1]! : null;
    turns.push({
      id: derivedUuid("turn", m.id),
      userMessageId: m.id,
      assistantMessageId: reply?.id ?? null,
      createdAt: m.createdAt,
      completedAt: reply?.createdAt ?? m.createdAt,
    });
  });
  const firstUser = conversation.messages.find((m) => m.role === "user")?.text ?? "";
  return {
    id,
    importKey,
    title: conversation.title?.trim() || titleFrom(firstUser || "Imported chat"),
    createdAt: messages[0]?.createdAt ?? new Date(),
    updatedAt: messages.at(-1)?.createdAt ?? new Date(),
    messages,
    turns,
  };
}
