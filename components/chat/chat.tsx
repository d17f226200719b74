"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ChatUIMessage } from "@/lib/ai/tools";
import { CONVERSATIONS_CHANGED } from "./conversation-list";
import { MemoryStatus } from "./memory-status";
import { MessageView } from "./message-view";
import { UsedMemories } from "./used-memories";

interface ModelInfo {
  kind: "offline" | "openai";
  label: string;
}

/** The server answers errors as `{ code, message }`; the transport hands us the raw body. */
function readableError(error: Error): string {
  try {
    const body = JSON.parse(error.message) as { message?: unknown };
    if (typeof body.message === "string") return body.message;
  } catch {
    // not JSON: a network failure or a stream error
  }
  return error.message || "Something went wrong.";
}

export function Chat({
  conversationId,
  initialMessages,
  isNew,
  model,
}: {
  conversationId: string;
  initialMessages: ChatUIMessage[];
  isNew: boolean;
  model: ModelInfo;
}) {
  const [input, setInput] = useState("");
  const started = useRef(!isNew);
  const bottom = useRef<HTMLDivElement>(null);
  // A first visit has no session yet. Establish it once, before anything is
  // sent, so parallel first requests do not each mint a different guest user.
  const session = useRef<Promise<unknown> | null>(null);
  useEffect(() => {
    session.current = fetch("/api/session", { cache: "no-store" }).catch(() => undefined);
  }, []);

  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: "/api/chat",
        // The server keeps the history; send only the new (or retried) message.
        prepareSendMessagesRequest: ({ id, messages }) => ({ body: { id, message: messages.at(-1) } }),
      }),
    [],
  );

  const { messages, sendMessage, status, error, regenerate, stop, clearError } = useChat<ChatUIMessage>({
    id: conversationId,
    messages: initialMessages,
    transport,
    generateId: () => crypto.randomUUID(),
    onFinish: () => window.dispatchEvent(new Event(CONVERSATIONS_CHANGED)),
  });

  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [messages]);

  const busy = status === "submitted" || status === "streaming";

  async function submit(event?: React.FormEvent) {
    event?.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    setInput("");
    await session.current;
    if (!started.current) {
      started.current = true;
      // The conversation now exists: give it its own address without a reload.
      window.history.replaceState(null, "", `/chat/${conversationId}`);
    }
    void sendMessage({ text });
    setTimeout(() => window.dispatchEvent(new Event(CONVERSATIONS_CHANGED)), 300);
  }

  return (
    <main className="chat" data-testid="chat" data-status={status}>
      <header className="chat-head">
        <h1>Chat</h1>
        {model.kind === "offline" ? (
          <span
            className="badge badge-offline"
            data-testid="offline-badge"
            title="No language model is configured (set OPENAI_API_KEY). Replies come from Jarvus's offline deterministic model."
          >
            Offline model
          </span>
        ) : (
          <span className="badge" data-testid="model-badge">
            {model.label}
          </span>
        )}
      </header>

      <section className="messages" aria-live="polite" data-testid="messages">
        {messages.length === 0 && (
          <p className="empty muted">
            Ask anything. Try “what time is it in Lisbon?” or “what is 12 * (3 + 4)?”.
          </p>
        )}
        {messages.map((m) => (
          <MessageView
            key={m.id}
            message={m}
            footer={
              m.role === "assistant" && !(busy && m.id === messages.at(-1)?.id) ? (
                <>
                  {m.metadata?.memoryIds ? <UsedMemories memoryIds={m.metadata.memoryIds} /> : null}
                  {m.metadata?.turnId ? <MemoryStatus turnId={m.metadata.turnId} /> : null}
                </>
              ) : null
            }
          />
        ))}
        {status === "submitted" && <p className="muted thinking">Thinking…</p>}
        {error && (
          <div className="error-banner" role="alert" data-testid="chat-error">
            <span>{readableError(error)}</span>
            <button
              type="button"
              className="button"
              data-testid="retry"
              onClick={() => {
                clearError();
                void regenerate();
              }}
            >
              Retry
            </button>
          </div>
        )}
        <div ref={bottom} />
      </section>

      <form className="composer" onSubmit={(e) => void submit(e)}>
        <textarea
          aria-label="Message"
          data-testid="composer-input"
          placeholder="Message Jarvus…"
          value={input}
          rows={2}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) void submit(e);
          }}
        />
        {busy ? (
          <button type="button" className="button" onClick={() => void stop()} data-testid="stop">
            Stop
          </button>
        ) : (
          <button type="submit" className="button primary" disabled={!input.trim()} data-testid="send">
            Send
          </button>
        )}
      </form>
    </main>
  );
}
