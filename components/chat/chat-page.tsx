import { getConversationsByUserId } from "@/db/queries/conversations";
import { getChatModel } from "@/lib/ai/models";
import type { ChatUIMessage } from "@/lib/ai/tools";
import { getSession } from "@/lib/auth/session";
import { AccountMenu } from "@/components/account/account-menu";
import { Chat } from "./chat";
import { ConversationList } from "./conversation-list";

/** The chat screen: the user's conversations beside the open one. */
export async function ChatPage({
  conversationId,
  initialMessages,
  isNew = false,
}: {
  conversationId: string;
  initialMessages: ChatUIMessage[];
  isNew?: boolean;
}) {
  const session = await getSession();
  const conversations = session ? await getConversationsByUserId({ userId: session.userId }) : [];
  const model = getChatModel();
  return (
    <div className="app">
      <ConversationList
        activeId={isNew ? null : conversationId}
        conversations={conversations.map((c) => ({ ...c, updatedAt: c.updatedAt.toISOString() }))}
        footer={<AccountMenu account={session?.account ?? null} />}
      />
      <Chat
        key={conversationId}
        conversationId={conversationId}
        initialMessages={initialMessages}
        isNew={isNew}
        model={{ kind: model.kind, label: model.label }}
      />
    </div>
  );
}
