import "server-only";
import { saveImportedHistory, type SavedImport } from "@/db/queries/imports";
import { planConversation } from "./plan";
import type { ParsedImport } from "./types";

export { parseImport } from "./parse";
export { ImportValidationError } from "./types";
export type { ParsedImport } from "./types";

/**
 * Stores validated history for the user (one transaction) and returns what
 * was new. The caller hands the new turns to the memory pipeline
 * (`sendTurnEvents` with source "import").
 */
export async function importHistory({ userId, parsed }: { userId: string; parsed: ParsedImport }): Promise<SavedImport> {
  return saveImportedHistory({
    userId,
    format: parsed.format,
    conversations: parsed.conversations.filter((c) => c.messages.length > 0).map((c) => planConversation(userId, c)),
  });
}
