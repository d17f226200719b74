"use client";

import Link from "next/link";
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { sendJson } from "@/lib/http/send-json";

export interface ConversationItem {
  id: string;
  title: string;
  updatedAt: string;
}

/** Fired by the chat when a reply finishes, so the list picks up new and renamed chats. */
export const CONVERSATIONS_CHANGED = "jarvus:conversations-changed";

export function ConversationList({
  activeId,
  conversations: initial,
  footer,
}: {
  activeId: string | null;
  conversations: ConversationItem[];
  /** Below the list: who the visitor is (components/account/account-menu.tsx). */
  footer?: ReactNode;
}) {
  const [conversations, setConversations] = useState(initial);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const res = await fetch("/api/conversations", { cache: "no-store" });
    if (res.ok) setConversations(((await res.json()) as { conversations: ConversationItem[] }).conversations);
  }, []);

  useEffect(() => {
    const onChange = () => void reload();
    window.addEventListener(CONVERSATIONS_CHANGED, onChange);
    return () => window.removeEventListener(CONVERSATIONS_CHANGED, onChange);
  }, [reload]);

  async function remove(conversation: ConversationItem) {
    setError(null);
    const res = await sendJson(`/api/conversations/${conversation.id}`, "DELETE");
    if (!res.ok && res.status !== 404) {
      setError("Could not delete the conversation. Try again.");
      return;
    }
    if (conversation.id === activeId || window.location.pathname.endsWith(conversation.id)) {
      window.location.assign("/");
      return;
    }
    setConversations((list) => list.filter((c) => c.id !== conversation.id));
  }

  return (
    <nav className="sidebar" aria-label="Conversations">
      <div className="sidebar-head">
        <span className="brand">Jarvus</span>
        {/* A full load: every visit to / makes a fresh conversation id. */}
        <a className="button" href="/" data-testid="new-chat">
          New chat
        </a>
      </div>
      <a className="sidebar-link" href="/memories">
        Memories
      </a>
      <a className="sidebar-link" href="/import" data-testid="import-link">
        Import history
      </a>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <ul className="conversation-list" data-testid="conversation-list">
        {conversations.length === 0 && <li className="muted">No conversations yet</li>}
        {conversations.map((c) => (
          <li key={c.id} className={c.id === activeId ? "active" : undefined} data-testid="conversation-item">
            <Link href={`/chat/${c.id}`} title={c.title}>
              {c.title}
            </Link>
            <button
              type="button"
              className="icon-button"
              aria-label={`Delete conversation ${c.title}`}
              data-testid="delete-conversation"
              onClick={() => void remove(c)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {footer}
    </nav>
  );
}
