"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { sendJson } from "@/lib/http/send-json";
import { apiFetch, visitorSession } from "@/lib/http/visitor-session";

export interface ConversationItem {
  id: string;
  title: string;
  updatedAt: string;
}

/** Fired when a reply finishes, so the list picks up new and renamed chats. */
export const CONVERSATIONS_CHANGED = "jarvus:conversations-changed";

interface ShellState {
  conversations: ConversationItem[];
  /** The open conversation: set the moment a link is clicked or a chat starts, not when the page arrives. */
  activeId: string | null;
  setActiveId: (id: string | null) => void;
  /** A chat that just got its first message, shown at the top before the server's list says so. */
  addConversation: (item: ConversationItem) => void;
  reload: () => Promise<void>;
  rename: (id: string, title: string) => Promise<string | null>;
  remove: (id: string) => Promise<string | null>;
  memoryEnabled: boolean;
  setMemoryEnabled: (on: boolean) => Promise<string | null>;
  navOpen: boolean;
  setNavOpen: (open: boolean) => void;
  /** The menu button that opened the drawer: focus goes back to it when the drawer closes. */
  navOpener: React.RefObject<HTMLElement | null>;
}

const ShellContext = createContext<ShellState | null>(null);

export function useShell(): ShellState {
  const state = useContext(ShellContext);
  if (!state) throw new Error("useShell outside <ShellProvider>");
  return state;
}

export function ShellProvider({
  initialConversations,
  initialActiveId,
  initialMemoryEnabled,
  children,
}: {
  initialConversations: ConversationItem[];
  initialActiveId: string | null;
  initialMemoryEnabled: boolean;
  children: ReactNode;
}) {
  const [conversations, setConversations] = useState(initialConversations);
  const [activeId, setActiveId] = useState(initialActiveId);
  const [memoryEnabled, setMemory] = useState(initialMemoryEnabled);
  const [navOpen, setNavOpen] = useState(false);
  const navOpener = useRef<HTMLElement | null>(null);

  // Whichever page a visitor lands on, their session is asked for as it loads (API calls wait for it).
  useEffect(() => void visitorSession(), []);

  // A client-side navigation keeps this provider: the page it lands on names its conversation.
  useEffect(() => setActiveId(initialActiveId), [initialActiveId]);

  const reload = useCallback(async () => {
    const res = await apiFetch("/api/conversations", { cache: "no-store" });
    if (res.ok) setConversations(((await res.json()) as { conversations: ConversationItem[] }).conversations);
  }, []);

  useEffect(() => {
    const onChange = () => void reload();
    window.addEventListener(CONVERSATIONS_CHANGED, onChange);
    return () => window.removeEventListener(CONVERSATIONS_CHANGED, onChange);
  }, [reload]);

  const addConversation = useCallback((item: ConversationItem) => {
    setConversations((list) => (list.some((c) => c.id === item.id) ? list : [item, ...list]));
  }, []);

  const rename = useCallback(async (id: string, title: string) => {
    const res = await sendJson(`/api/conversations/${id}`, "PATCH", { title });
    if (!res.ok) return "Could not rename the conversation. Try again.";
    const renamed = (await res.json()) as ConversationItem;
    setConversations((list) => list.map((c) => (c.id === id ? { ...c, title: renamed.title } : c)));
    return null;
  }, []);

  const remove = useCallback(async (id: string) => {
    const res = await sendJson(`/api/conversations/${id}`, "DELETE");
    // 404: already gone (another tab); either way it leaves the list.
    if (!res.ok && res.status !== 404) return "Could not delete the conversation. Try again.";
    setConversations((list) => list.filter((c) => c.id !== id));
    return null;
  }, []);

  const setMemoryEnabled = useCallback(async (on: boolean) => {
    setMemory(on);
    const res = await sendJson("/api/settings", "PATCH", { memoryEnabled: on });
    if (res.ok) return null;
    setMemory(!on);
    return "Could not change the memory setting. Try again.";
  }, []);

  const value = useMemo(
    () => ({
      conversations,
      activeId,
      setActiveId,
      addConversation,
      reload,
      rename,
      remove,
      memoryEnabled,
      setMemoryEnabled,
      navOpen,
      setNavOpen,
      navOpener,
    }),
    [conversations, activeId, addConversation, reload, rename, remove, memoryEnabled, setMemoryEnabled, navOpen],
  );
  return <ShellContext.Provider value={value}>{children}</ShellContext.Provider>;
}
