import { BrainCircuit, EyeOff } from "lucide-react";
import { Button } from "@/components/ui/button";

/** Says plainly when this chat is not remembered: a temporary chat, or "Use memory" off. */
export function ChatBanners({
  temporary,
  memoryEnabled,
  onTurnMemoryOn,
}: {
  temporary: boolean;
  memoryEnabled: boolean;
  onTurnMemoryOn: () => void;
}) {
  const base = "flex items-center gap-2 border-b border-border bg-muted px-4 py-2 text-sm text-muted-foreground";
  if (temporary) {
    return (
      <div className={base} data-testid="temporary-banner">
        <EyeOff className="size-4 shrink-0" />
        <span>Temporary chat: not in your history, nothing recalled and nothing remembered.</span>
      </div>
    );
  }
  if (!memoryEnabled) {
    return (
      <div className={base} data-testid="memory-off-banner">
        <BrainCircuit className="size-4 shrink-0" />
        <span className="flex-1">Memory is off: Jarvus neither recalls nor remembers anything from this chat.</span>
        <Button variant="outline" size="sm" onClick={onTurnMemoryOn} data-testid="memory-on">
          Turn on
        </Button>
      </div>
    );
  }
  return null;
}
