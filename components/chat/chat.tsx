"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { ArrowUp, EyeOff, Square } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { PageHeader } from "@/components/shell/app-shell";
import { CONVERSATIONS_CHANGED, useShell } from "@/components/shell/shell-context";
import { Button } from "@/components/ui/button";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import { Tooltip } from "@/components/ui/tooltip";
import type { ChatUIMessage } from "@/lib/ai/tools";
import { sendJson } from "@/lib/http/send-json";
import { apiFetch } from "@/lib/http/visitor-session";
import { ChatBanners } from "./chat-banners";
import { MessageView } from "./message-view";

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

/** A first line as a provisional list title; the server's own title replaces it on the next reload. */
const provisionalTitle = (text: string) => text.trim().split("\n")[0]!.slice(0, 60) || "New chat";

export function Chat({
  conversationId,
  initialMessages,
  isNew,
  initialTitle,
  initialTemporary,
  model,
}: {
  conversationId: string;
  initialMessages: ChatUIMessage[];
  isNew: boolean;
  initialTitle?: string;
  initialTemporary: boolean;
  model: ModelInfo;
}) {
  const shell = useShell();
  const [input, setInput] = useState("");
  const [started, setStarted] = useState(!isNew);
  const [temporary, setTemporary] = useState(initialTemporary);
  const temporaryRef = useRef(temporary);
  temporaryRef.current = temporary;
  const [editingId, setEditingId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const composer = useRef<HTMLTextAreaElement>(null);
  const scroller = useRef<HTMLElement>(null);
  // First load and New chat (a full load) both land here: ready to type.
  useEffect(() => composer.current?.focus(), []);

  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatUIMessage>({
        api: "/api/chat",
        // Sends, regenerations and edits alike wait for a first visit's session.
        fetch: apiFetch,
        // The server keeps the history; send only the new (or retried) message.
        prepareSendMessagesRequest: ({ id, messages }) => ({
          body: { id, message: messages.at(-1), ...(temporaryRef.current ? { temporary: true } : {}) },
        }),
      }),
    [],
  );

  const { messages, setMessages, sendMessage, status, error, regenerate, stop, clearError } = useChat<ChatUIMessage>({
    id: conversationId,
    messages: initialMessages,
    transport,
    generateId: () => crypto.randomUUID(),
    // At most one render per 40 ms while a reply streams: long chats stay smooth on slow devices.
    experimental_throttle: 40,
    onFinish: () => window.dispatchEvent(new Event(CONVERSATIONS_CHANGED)),
  });

  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const busy = status === "submitted" || status === "streaming";
  const listed = shell.conversations.find((c) => c.id === conversationId);
  const title = temporary ? "Temporary chat" : (listed?.title ?? initialTitle ?? "New chat");
  useEffect(() => {
    document.title = `${title} · Jarvus`;
  }, [title]);

  async function send(text: string) {
    if (!started) {
      setStarted(true);
      // The conversation now exists: give it its own address without a reload, and show it in the list at once.
      window.history.replaceState(null, "", `/chat/${conversationId}`);
      if (!temporaryRef.current) {
        shell.addConversation({ id: conversationId, title: provisionalTitle(text), updatedAt: new Date().toISOString() });
        shell.setActiveId(conversationId);
      }
    }
    void sendMessage({ text });
    setTimeout(() => window.dispatchEvent(new Event(CONVERSATIONS_CHANGED)), 300);
  }

  async function submit(event?: React.FormEvent) {
    event?.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    setInput("");
    await send(text);
  }

  /** Edit and resend: the server takes back the message and all after it, then the new text goes as a new message. */
  async function resend(messageId: string, text: string) {
    setActionError(null);
    const index = messages.findIndex((m) => m.id === messageId);
    if (index < 0 || busy) return;
    const res = await sendJson(`/api/conversations/${conversationId}/messages/${encodeURIComponent(messageId)}`, "DELETE").catch(
      () => null,
    );
    // 404: it never reached the server (a failed send); nothing to take back.
    if (!res || (!res.ok && res.status !== 404)) {
      setActionError("Could not change that message. Try again.");
      return;
    }
    setEditingId(null);
    clearError();
    setMessages(messages.slice(0, index));
    await send(text);
    composer.current?.focus();
  }

  // Stable handlers for the memoised messages; they call the latest closures.
  const latest = useRef({ resend, regenerate, clearError });
  latest.current = { resend, regenerate, clearError };
  const onResend = useCallback((messageId: string, text: string) => void latest.current.resend(messageId, text), []);
  const onEdit = useCallback((messageId: string, on: boolean) => {
    setActionError(null);
    setEditingId(on ? messageId : null);
  }, []);
  const onRegenerate = useCallback(() => {
    latest.current.clearError();
    void latest.current.regenerate();
  }, []);

  // Not re-rendered by every streamed chunk.
  const header = useMemo(
    () => (
      <PageHeader title={title} testId="chat-title">
        {temporary && (
          <span className="inline-flex items-center gap-1 rounded-full bg-muted px-2 py-0.5 text-xs text-muted-foreground" data-testid="temporary-badge">
            <EyeOff className="size-3" /> Temporary
          </span>
        )}
        {model.kind === "offline" ? (
          <Tooltip content="No language model is configured (set OPENAI_API_KEY). Replies come from Jarvus's offline deterministic model.">
            <span
              tabIndex={0}
              className="rounded-full bg-warning-soft px-2 py-0.5 text-xs font-medium whitespace-nowrap text-warning"
              data-testid="offline-badge"
            >
              Offline model
            </span>
          </Tooltip>
        ) : (
          <span className="truncate rounded-full bg-accent px-2 py-0.5 text-xs text-accent-foreground" data-testid="model-badge">
            {model.label}
          </span>
        )}
      </PageHeader>
    ),
    [title, temporary, model.kind, model.label],
  );

  const lastUser = messages.findLast((m) => m.role === "user");
  const last = messages.at(-1);
  const announcement =
    status === "submitted" ? "Jarvus is thinking…" : status === "streaming" ? "Jarvus is replying…" : last?.role === "assistant" && started ? "Reply ready." : "";

  return (
    <main className="flex min-h-0 flex-1 flex-col" data-testid="chat" data-status={status}>
      {header}

      <ChatBanners temporary={temporary} memoryEnabled={shell.memoryEnabled} onTurnMemoryOn={() => void shell.setMemoryEnabled(true)} />

      {/* Announces the reply's progress once; the message list itself is not live, so streamed text is not re-read. */}
      <p role="status" aria-live="polite" className="sr-only" data-testid="chat-announcer">
        {announcement}
      </p>

      <section ref={scroller} className="min-h-0 flex-1 overflow-y-auto" data-testid="messages" aria-label="Messages">
        <div className="mx-auto flex w-full max-w-3xl flex-col gap-4 px-4 py-6">
          {messages.length === 0 && (
            <div className="mt-[12vh] flex flex-col items-center gap-4 text-center">
              <h2 className="text-2xl font-semibold tracking-tight">What can I help with?</h2>
              <p className="max-w-md text-sm text-muted-foreground">
                Ask anything. Try “what time is it in Lisbon?” or “what is 12 * (3 + 4)?”. Tell me about yourself and I’ll
                remember it.
              </p>
              {!started && (
                <label className="flex cursor-pointer items-center gap-2 rounded-full border border-border px-3 py-1.5 text-sm">
                  <Switch
                    aria-label="Temporary chat"
                    checked={temporary}
                    onCheckedChange={setTemporary}
                    data-testid="temporary-switch"
                  />
                  <span>Temporary chat</span>
                </label>
              )}
            </div>
          )}
          {messages.map((m) => {
            const streamingThis = busy && m.id === last?.id;
            return (
              <MessageView
                key={m.id}
                message={m}
                streaming={streamingThis}
                showFooter={m.role === "assistant" && !streamingThis}
                canRegenerate={!busy && m.role === "assistant" && m.id === last?.id}
                onRegenerate={onRegenerate}
                canEdit={!busy && m.role === "user" && m.id === lastUser?.id}
                editing={editingId === m.id}
                onEdit={onEdit}
                onResend={onResend}
              />
            );
          })}
          {status === "submitted" && (
            <p className="animate-pulse text-sm text-muted-foreground" data-testid="thinking">
              Thinking…
            </p>
          )}
          {actionError && (
            <p role="alert" className="text-sm text-destructive">
              {actionError}
            </p>
          )}
          {error && (
            <div
              className="flex items-center justify-between gap-3 rounded-lg border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive"
              role="alert"
              data-testid="chat-error"
            >
              <span>{readableError(error)}</span>
              <Button
                variant="outline"
                size="sm"
                data-testid="retry"
                onClick={() => {
                  clearError();
                  void regenerate();
                }}
              >
                Retry
              </Button>
            </div>
          )}
        </div>
      </section>

      <form className="mx-auto w-full max-w-3xl shrink-0 px-3 pb-3 sm:px-4 sm:pb-4" onSubmit={(e) => void submit(e)}>
        <div className="flex items-end gap-2 rounded-2xl border border-input bg-card p-2 shadow-sm focus-within:border-ring focus-within:ring-2 focus-within:ring-ring/20">
          <Textarea
            ref={composer}
            aria-label="Message"
            data-testid="composer-input"
            placeholder={temporary ? "Message Jarvus (temporary)…" : "Message Jarvus…"}
            value={input}
            rows={1}
            className="max-h-48 min-h-10 flex-1 border-0 bg-transparent px-2 py-2 shadow-none focus-visible:ring-0 [field-sizing:content]"
            onChange={(e) => setInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) void submit(e);
            }}
          />
          {busy ? (
            <Button size="icon" variant="secondary" className="rounded-full" onClick={() => void stop()} data-testid="stop" aria-label="Stop">
              <Square className="fill-current" />
            </Button>
          ) : (
            <Button type="submit" size="icon" className="rounded-full" disabled={!input.trim()} data-testid="send" aria-label="Send">
              <ArrowUp />
            </Button>
          )}
        </div>
        <p className="mt-1.5 hidden text-center text-xs text-muted-foreground sm:block">Enter to send, Shift+Enter for a new line.</p>
      </form>
    </main>
  );
}
