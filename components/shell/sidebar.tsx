"use client";

import { Brain, Import, SquarePen } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { AccountMenu, type AccountSummary } from "@/components/account/account-menu";
import { ThemeToggle } from "@/components/theme/theme-toggle";
import { Button } from "@/components/ui/button";
import { Switch } from "@/components/ui/switch";
import { cn } from "@/lib/cn";
import { ConversationActions } from "./conversation-actions";
import { groupByDate } from "./date-groups";
import { useShell, type ConversationItem } from "./shell-context";

/**
 * The navigation: New chat, the conversations by date, Memories and Import,
 * and the settings (Use memory, theme). The same component sits beside the
 * page on wide screens and in the drawer on phones. At the foot, who the
 * visitor is (a guest, or the account).
 */
export function Sidebar({ account = null }: { account?: AccountSummary | null }) {
  const { conversations, activeId, setActiveId, setNavOpen, memoryEnabled, setMemoryEnabled } = useShell();
  const pathname = usePathname();
  const [settingError, setSettingError] = useState<string | null>(null);
  // Grouped by the viewer's own calendar: only known in the browser, so the first render is ungrouped.
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => setNow(new Date()), [conversations]);
  const groups = now ? groupByDate(conversations, now) : [{ group: null, items: conversations }];

  const navLink = (href: string) =>
    cn(
      "flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-sidebar-foreground no-underline hover:bg-accent",
      pathname === href && "bg-accent font-medium",
    );

  return (
    <nav aria-label="Conversations" className="flex h-full min-h-0 flex-col gap-2 p-3" data-testid="sidebar">
      <div className="flex h-9 items-center px-2">
        <span className="text-base font-semibold tracking-tight">Jarvus</span>
      </div>
      {/* A full load: every visit to / makes a fresh conversation id. */}
      <Button asChild variant="outline" className="justify-start">
        <a href="/" data-testid="new-chat">
          <SquarePen /> New chat
        </a>
      </Button>
      <div className="flex flex-col">
        <Link href="/memories" className={navLink("/memories")} data-testid="memories-link" onClick={() => setNavOpen(false)}>
          <Brain className="size-4" /> Memories
        </Link>
        <Link href="/import" className={navLink("/import")} data-testid="import-link" onClick={() => setNavOpen(false)}>
          <Import className="size-4" /> Import history
        </Link>
      </div>

      <div className="-mx-1 min-h-0 flex-1 overflow-y-auto px-1" data-testid="conversation-list">
        {conversations.length === 0 && <p className="px-2 py-1 text-sm text-muted-foreground">No conversations yet</p>}
        {groups.map(({ group, items }) => (
          <section key={group ?? "all"} className="mt-3 first:mt-1" aria-label={group ?? undefined} data-testid="conversation-group" data-group={group ?? undefined}>
            {group && <h2 className="px-2 pb-1 text-xs font-medium text-muted-foreground">{group}</h2>}
            <ul className="flex flex-col gap-px">
              {items.map((c) => (
                <ConversationRow
                  key={c.id}
                  conversation={c}
                  active={c.id === activeId}
                  onOpen={() => {
                    setActiveId(c.id);
                    setNavOpen(false);
                  }}
                />
              ))}
            </ul>
          </section>
        ))}
      </div>

      <div className="flex items-center gap-1 border-t border-border pt-2">
        <label className="flex min-w-0 flex-1 cursor-pointer items-center justify-between gap-3 rounded-md px-2 py-1.5 text-sm">
          <span className="flex flex-col">
            <span className="font-medium">Use memory</span>
            <span className="text-xs text-muted-foreground">{memoryEnabled ? "On" : "Off"}</span>
          </span>
          <Switch
            aria-label="Use memory"
            checked={memoryEnabled}
            onCheckedChange={(on) => {
              setSettingError(null);
              void setMemoryEnabled(on).then(setSettingError);
            }}
            data-testid="memory-switch"
          />
        </label>
        <ThemeToggle />
      </div>
      <div>
        {settingError && (
          <p role="alert" className="px-2 text-xs text-destructive">
            {settingError}
          </p>
        )}
      </div>
      <AccountMenu account={account} />
    </nav>
  );
}

function ConversationRow({ conversation, active, onOpen }: { conversation: ConversationItem; active: boolean; onOpen: () => void }) {
  return (
    <li
      className={cn("group flex items-center gap-1 rounded-md pr-1 hover:bg-accent", active && "bg-accent")}
      data-testid="conversation-item"
      data-active={active ? "true" : undefined}
    >
      <Link
        href={`/chat/${conversation.id}`}
        title={conversation.title}
        aria-current={active ? "page" : undefined}
        onClick={onOpen}
        className={cn(
          "min-w-0 flex-1 truncate px-2 py-1.5 text-sm text-sidebar-foreground no-underline",
          active && "font-medium text-accent-foreground",
        )}
      >
        {conversation.title}
      </Link>
      <ConversationActions conversation={conversation} />
    </li>
  );
}
