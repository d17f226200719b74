import type { ChatUIMessage } from "@/lib/ai/tools";
import { Markdown } from "./markdown";
import { ToolCall } from "./tool-call";

export function MessageView({ message, footer }: { message: ChatUIMessage; footer?: React.ReactNode }) {
  return (
    <article
      className={`message message-${message.role}`}
      data-testid={`message-${message.role}`}
      aria-label={message.role === "user" ? "You" : "Jarvus"}
      data-turn-id={message.metadata?.turnId}
    >
      {message.parts.map((part, index) => {
        if (part.type === "text") {
          return message.role === "user" ? (
            <p key={index} className="user-text">
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
      {footer}
    </article>
  );
}
