import type { ReactNode } from "react";
import { getSession } from "@/lib/auth/session";
import { AppShell, PageHeader } from "./app-shell";
import { loadShell } from "./load-shell";

/** A page other than the chat (memories, import) inside the same frame: sidebar, header, a scrolling column. */
export async function PageFrame({
  title,
  actions,
  testId,
  children,
}: {
  title: string;
  actions?: ReactNode;
  testId: string;
  children: ReactNode;
}) {
  const session = await getSession();
  const shell = await loadShell(session);
  return (
    <AppShell conversations={shell.conversations} activeId={null} memoryEnabled={shell.memoryEnabled} account={shell.account}>
      <PageHeader title={title}>{actions}</PageHeader>
      <main className="min-h-0 flex-1 overflow-y-auto" data-testid={testId}>
        <div className="mx-auto flex w-full max-w-3xl flex-col gap-5 px-4 py-6">{children}</div>
      </main>
    </AppShell>
  );
}
