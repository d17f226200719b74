import "server-only";
import { getConversationsByUserId } from "@/db/queries/conversations";
import { getUserSettingsById } from "@/db/queries/users";
import type { AccountSummary } from "@/components/account/account-menu";
import type { Session } from "@/lib/auth/session";
import type { ConversationItem } from "./shell-context";

/** What the frame needs from the server for a visitor (none yet without a session). */
export async function loadShell(
  session: Session | null,
): Promise<{ conversations: ConversationItem[]; memoryEnabled: boolean; account: AccountSummary | null }> {
  const userId = session?.userId;
  const account = session?.account ? { email: session.account.email, name: session.account.name } : null;
  if (!userId) return { conversations: [], memoryEnabled: true, account };
  const [conversations, settings] = await Promise.all([
    getConversationsByUserId({ userId }),
    getUserSettingsById({ id: userId }),
  ]);
  return {
    conversations: conversations.map((c) => ({ id: c.id, title: c.title, updatedAt: c.updatedAt.toISOString() })),
    memoryEnabled: settings?.memoryEnabled ?? true,
    account,
  };
}
