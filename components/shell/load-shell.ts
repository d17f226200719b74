import "server-only";
import { getConversationsByUserId } from "@/db/queries/conversations";
import { getUserSettingsById } from "@/db/queries/users";
import type { ConversationItem } from "./shell-context";

/** What the frame needs from the server for a visitor (none yet without a session). */
export async function loadShell(userId: string | undefined): Promise<{ conversations: ConversationItem[]; memoryEnabled: boolean }> {
  if (!userId) return { conversations: [], memoryEnabled: true };
  const [conversations, settings] = await Promise.all([
    getConversationsByUserId({ userId }),
    getUserSettingsById({ id: userId }),
  ]);
  return {
    conversations: conversations.map((c) => ({ id: c.id, title: c.title, updatedAt: c.updatedAt.toISOString() })),
    memoryEnabled: settings?.memoryEnabled ?? true,
  };
}
