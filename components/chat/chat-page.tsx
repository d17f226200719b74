import { AppShell } from "@/components/shell/app-shell";
import { loadShell } from "@/components/shell/load-shell";
import { getChatModel } from "@/lib/ai/models";
import type { ChatUIMessage } from "@/lib/ai/tools";
import { getSession } from "@/lib/auth/session";
import { Chat } from "./chat";

/** The chat screen: the user's conversations beside the open one. */
export async function ChatPage({
  conversationId,
  initialMessages,
  isNew = false,
  title,
  temporary = false,
}: {
  conversationId: string;
  initialMessages: ChatUIMessage[];
  isNew?: boolean;
  title?: string;
  temporary?: boolean;
}) {
  const session = await getSession();
  const shell = await loadShell(session);
  const model = getChatModel();
  return (
    <AppShell conversations={shell.conversations} activeId={isNew ? null : conversationId} memoryEnabled={shell.memoryEnabled} account={shell.account}>
      <Chat
        key={conversationId}
        conversationId={conversationId}
        initialMessages={initialMessages}
        isNew={isNew}
        initialTitle={title}
        initialTemporary={temporary}
        model={{ kind: model.kind, label: model.label }}
      />
    </AppShell>
  );
}
