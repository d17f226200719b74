"use client";

import { Menu } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetTitle } from "@/components/ui/sheet";
import type { AccountSummary } from "@/components/account/account-menu";
import { ShellProvider, useShell, type ConversationItem } from "./shell-context";
import { Sidebar } from "./sidebar";

/**
 * Every page's frame: exactly the viewport's height (100dvh, so the composer
 * stays above a phone's keyboard and toolbars), the sidebar beside the page
 * from 768 px, and in a drawer below that.
 */
export function AppShell({
  conversations,
  activeId,
  memoryEnabled,
  account = null,
  children,
}: {
  conversations: ConversationItem[];
  activeId: string | null;
  memoryEnabled: boolean;
  /** Signed in: the account's name and email; null for a guest. */
  account?: AccountSummary | null;
  children: ReactNode;
}) {
  return (
    <ShellProvider initialConversations={conversations} initialActiveId={activeId} initialMemoryEnabled={memoryEnabled}>
      <div className="flex h-dvh overflow-hidden bg-background">
        <aside className="hidden w-64 shrink-0 border-r border-border bg-sidebar md:block">
          <Sidebar account={account} />
        </aside>
        <MobileNav account={account} />
        <div className="flex min-w-0 flex-1 flex-col">{children}</div>
      </div>
    </ShellProvider>
  );
}

function MobileNav({ account }: { account: AccountSummary | null }) {
  const { navOpen, setNavOpen, navOpener } = useShell();
  return (
    <Sheet open={navOpen} onOpenChange={setNavOpen}>
      <SheetContent
        data-testid="nav-drawer"
        // Opened from a button outside Radix's Trigger: hand focus back to it ourselves.
        onCloseAutoFocus={(e) => {
          e.preventDefault();
          if (navOpener.current?.isConnected) navOpener.current.focus();
        }}
      >
        <SheetTitle className="sr-only">Navigation</SheetTitle>
        <SheetDescription className="sr-only">Conversations, memories and settings</SheetDescription>
        <Sidebar account={account} />
      </SheetContent>
    </Sheet>
  );
}

/** The menu button that opens the drawer; only below 768 px, where the sidebar is hidden. */
export function NavButton() {
  const { setNavOpen, navOpener } = useShell();
  return (
    <Button
      variant="ghost"
      size="icon"
      className="-ml-2 md:hidden"
      aria-label="Open menu"
      aria-haspopup="dialog"
      data-testid="nav-open"
      onClick={(e) => {
        navOpener.current = e.currentTarget;
        setNavOpen(true);
      }}
    >
      <Menu />
    </Button>
  );
}

/** A page's top bar: the menu button on phones, a title, and what the page puts on the right. */
export function PageHeader({ title, children, testId }: { title: ReactNode; children?: ReactNode; testId?: string }) {
  return (
    <header className="flex h-14 shrink-0 items-center gap-2 border-b border-border px-4">
      <NavButton />
      <h1 className="min-w-0 flex-1 truncate text-base font-semibold" data-testid={testId}>
        {title}
      </h1>
      {children}
    </header>
  );
}
