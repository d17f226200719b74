"use client";

import { Check, Copy, Pencil, RefreshCw } from "lucide-react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { Tooltip } from "@/components/ui/tooltip";
import type { ChatUIMessage } from "@/lib/ai/tools";
import { cn } from "@/lib/cn";
import { Markdown } from "./markdown";
import { ToolCall } from "./tool-call";

const textOf = (message: ChatUIMessage) =>
  message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n\n");

export function MessageView({
  message,
  footer,
  streaming = false,
  canRegenerate = false,
  onRegenerate,
  canEdit = false,
  editing = false,
  onEdit,
  onResend,
}: {
  message: ChatUIMessage;
  footer?: ReactNode;
  streaming?: boolean;
  canRegenerate?: boolean;
  onRegenerate?: () => void;
  canEdit?: boolean;
  editing?: boolean;
  onEdit?: (on: boolean) => void;
  onResend?: (text: string) => void;
}) {
  const isUser = message.role === "user";
  const text = textOf(message);
  return (
    <article
      className={cn("group/message flex min-w-0 flex-col gap-1", isUser ? "items-end" : "items-start")}
      data-testid={`message-${message.role}`}
      aria-label={isUser ? "You" : "Jarvus"}
      data-turn-id={message.metadata?.turnId}
    >
      {editing ? (
        <EditMessage initial={text} onCancel={() => onEdit?.(false)} onSend={(t) => onResend?.(t)} />
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
              <Button variant="ghost" size="icon-sm" aria-label="Edit message" data-testid="edit-message" onClick={() => onEdit?.(true)}>
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
      {footer && <div className="w-full">{footer}</div>}
    </article>
  );
}

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
