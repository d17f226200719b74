"use client";

import { Check, Copy, Pencil, RefreshCw } from "lucide-react";
import { memo, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { Tooltip } from "@/components/ui/tooltip";
import type { ChatUIMessage } from "@/lib/ai/tools";
import { cn } from "@/lib/cn";
import { Markdown } from "./markdown";
import { MemoryStatus } from "./memory-status";
import { ToolCall } from "./tool-call";
import { UsedMemories } from "./used-memories";

const textOf = (message: ChatUIMessage) =>
  message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n\n");

/**
 * One message with its actions. Memoised: while a reply streams only that
 * reply re-renders, so a long conversation stays cheap (the handlers take the
 * message id and are stable; the AI SDK keeps unchanged messages identical).
 */
export const MessageView = memo(function MessageView({
  message,
  streaming = false,
  showFooter = false,
  canRegenerate = false,
  onRegenerate,
  canEdit = false,
  editing = false,
  onEdit,
  onResend,
}: {
  message: ChatUIMessage;
  streaming?: boolean;
  /** Under a finished reply: "Used N memories" and its memory status. */
  showFooter?: boolean;
  canRegenerate?: boolean;
  onRegenerate?: () => void;
  canEdit?: boolean;
  editing?: boolean;
  onEdit?: (messageId: string, on: boolean) => void;
  onResend?: (messageId: string, text: string) => void;
}) {
  const isUser = message.role === "user";
  const text = textOf(message);
  return (
    <article
      className={cn(
        "group/message flex min-w-0 gap-1",
        // Your messages: actions below the bubble on touch screens, beside it (on hover) from 768 px.
        isUser ? "flex-col items-end md:flex-row-reverse md:items-center md:justify-start" : "flex-col items-start",
      )}
      data-testid={`message-${message.role}`}
      aria-label={isUser ? "You" : "Jarvus"}
      data-turn-id={message.metadata?.turnId}
    >
      {editing ? (
        <EditMessage initial={text} onCancel={() => onEdit?.(message.id, false)} onSend={(t) => onResend?.(message.id, t)} />
      ) : (
        <div
          className={cn(
            "min-w-0 max-w-full leading-relaxed",
            isUser ? "max-w-[85%] rounded-2xl bg-user-bubble px-4 py-2.5 text-user-bubble-foreground" : "w-full",
          )}
        >
          {message.parts.map((part, index) => {
            if (part.type === "text") {
              return isUser ? (
                <p key={index} className="break-words whitespace-pre-wrap" data-testid="message-text">
                  {part.text}
                </p>
              ) : (
                <Markdown key={index}>{part.text}</Markdown>
              );
            }
            if (part.type.startsWith("tool-") || part.type === "dynamic-tool") {
              return <ToolCall key={index} part={part as Parameters<typeof ToolCall>[0]["part"]} />;
            }
            return null;
          })}
        </div>
      )}
      {!streaming && !editing && (
        <div
          className={cn(
            "flex items-center gap-0.5 text-muted-foreground",
            // Always visible on touch screens; on hover/focus elsewhere, except the last reply's.
            isUser && "md:opacity-0 md:group-hover/message:opacity-100 md:focus-within:opacity-100",
          )}
        >
          {text && <CopyButton text={text} />}
          {canEdit && (
            <Tooltip content="Edit and resend">
              <Button variant="ghost" size="icon-sm" aria-label="Edit message" data-testid="edit-message" onClick={() => onEdit?.(message.id, true)}>
                <Pencil />
              </Button>
            </Tooltip>
          )}
          {canRegenerate && (
            <Tooltip content="Regenerate">
              <Button variant="ghost" size="icon-sm" aria-label="Regenerate reply" data-testid="regenerate" onClick={onRegenerate}>
                <RefreshCw />
              </Button>
            </Tooltip>
          )}
        </div>
      )}
      {showFooter && (message.metadata?.memoryIds || message.metadata?.turnId) && (
        <div className="w-full">
          {message.metadata?.memoryIds ? <UsedMemories memoryIds={message.metadata.memoryIds} /> : null}
          {message.metadata?.turnId ? <MemoryStatus turnId={message.metadata.turnId} /> : null}
        </div>
      )}
    </article>
  );
});

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <Tooltip content={copied ? "Copied" : "Copy"}>
      <Button
        variant="ghost"
        size="icon-sm"
        aria-label={copied ? "Copied" : "Copy message"}
        data-testid="copy-message"
        data-copied={copied ? "true" : undefined}
        onClick={() => void navigator.clipboard.writeText(text).then(() => setCopied(true), () => setCopied(false))}
      >
        {copied ? <Check /> : <Copy />}
      </Button>
    </Tooltip>
  );
}

function EditMessage({ initial, onCancel, onSend }: { initial: string; onCancel: () => void; onSend: (text: string) => void }) {
  const [text, setText] = useState(initial);
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = field.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const send = () => text.trim() && onSend(text.trim());
  return (
    <form
      className="flex w-full max-w-[85%] flex-col gap-2 rounded-2xl border border-input bg-card p-2"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <Textarea
        ref={field}
        aria-label="Edit message"
        value={text}
        rows={2}
        className="border-0 [field-sizing:content] focus-visible:ring-0"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            send();
          }
          if (e.key === "Escape") onCancel();
        }}
        data-testid="edit-input"
      />
      <div className="flex justify-end gap-2">
        <Button variant="ghost" size="sm" onClick={onCancel} data-testid="edit-cancel">
          Cancel
        </Button>
        <Button type="submit" size="sm" disabled={!text.trim()} data-testid="edit-send">
          Send
        </Button>
      </div>
    </form>
  );
}
