import { History, Pencil, Trash2 } from "lucide-react";
import Link from "next/link";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { fieldClass } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { cn } from "@/lib/cn";
import type { MemoryView } from "@/lib/memory/view";
import { formatDate, importanceLabel, importanceLevels, readErrorMessage } from "./format";
import { MemoryHistory } from "./memory-history";
import { sendJson } from "@/lib/http/send-json";

type Mode = "view" | "edit" | "confirm-delete";

const MAX_CONTENT = 500;

function tools(memory: MemoryView): string[] {
  const value = memory.data.tools;
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
}

/** One memory: what it says, where it came from, and the user's controls over it. */
export function MemoryItem({
  memory,
  onSaved,
  onDeleted,
}: {
  memory: MemoryView;
  onSaved: (memory: MemoryView) => void;
  onDeleted: (memory: MemoryView) => void;
}) {
  const [mode, setMode] = useState<Mode>("view");
  const [content, setContent] = useState(memory.content);
  const [importance, setImportance] = useState(String(memory.importance));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  // After saving or cancelling an edit, focus goes back to the Edit button it started from.
  const backToEdit = () => requestAnimationFrame(() => editButton.current?.focus());

  function startEdit() {
    setContent(memory.content);
    setImportance(String(memory.importance));
    setError(null);
    setMode("edit");
  }

  async function save() {
    const trimmed = content.trim();
    const level = Number(importance);
    if (trimmed === "" || trimmed.length > MAX_CONTENT) {
      setError(`Write between 1 and ${MAX_CONTENT} characters.`);
      return;
    }
    if (importance.trim() === "" || !Number.isFinite(level) || level < 0 || level > 1) {
      setError("Choose how important this is.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await sendJson(`/api/memories/${memory.id}`, "PATCH", { content: trimmed, importance: level });
      if (!res.ok) {
        setError(await readErrorMessage(res, "Could not save the memory. Try again."));
        return;
      }
      onSaved((await res.json()) as MemoryView);
      setMode("view");
      backToEdit();
    } catch {
      setError("Could not save the memory. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      const res = await sendJson(`/api/memories/${memory.id}`, "DELETE");
      // 404: already gone (another tab deleted it); either way it leaves the list.
      if (res.ok || res.status === 404) {
        onDeleted(memory);
        return;
      }
      setError(await readErrorMessage(res, "Could not delete the memory. Try again."));
    } catch {
      setError("Could not delete the memory. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  const inactive = memory.invalidatedAt !== null;
  const usedTools = tools(memory);

  // The level the current score falls in; the exact score stays unless another level is chosen.
  const currentLevel = importanceLevels.find((l) => memory.importance >= l.min) ?? importanceLevels[3];

  return (
    <li
      className={cn("flex flex-col gap-1.5 rounded-lg border border-border bg-card px-4 py-3", inactive && "bg-muted/60")}
      data-testid="memory-item"
      data-memory-id={memory.id}
      data-active={inactive ? "false" : "true"}
    >
      {mode === "edit" ? (
        <form
          className="flex flex-col gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Textarea
            value={content}
            onChange={(e) => setContent(e.target.value)}
            // Enter saves, as in the chat composer; Shift+Enter is a new line.
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                void save();
              }
              if (e.key === "Escape") {
                setMode("view");
                backToEdit();
              }
            }}
            maxLength={MAX_CONTENT}
            rows={2}
            className="resize-y [field-sizing:content]"
            aria-label="Memory content"
            data-testid="memory-edit-content"
            autoFocus
          />
          <label className="inline-flex items-center gap-2 text-sm text-muted-foreground">
            Importance
            <select
              value={importance}
              onChange={(e) => setImportance(e.target.value)}
              className={cn(fieldClass, "h-8 w-auto py-0")}
              data-testid="memory-edit-importance"
            >
              {importanceLevels.map((l) => (
                <option key={l.label} value={l === currentLevel ? String(memory.importance) : String(l.value)}>
                  {l.label}
                </option>
              ))}
            </select>
          </label>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" size="sm" disabled={busy} data-testid="memory-save">
              Save
            </Button>
            <Button
              variant="outline"
              size="sm"
              disabled={busy}
              onClick={() => {
                setError(null);
                setMode("view");
                backToEdit();
              }}
              data-testid="memory-cancel"
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <>
          <p
            className={cn("leading-relaxed whitespace-pre-wrap [overflow-wrap:anywhere]", inactive && "text-muted-foreground line-through")}
            data-testid="memory-content"
          >
            {memory.content}
          </p>
          <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted-foreground">
            {inactive && (
              <span className="rounded-full bg-muted px-2 py-0.5 font-medium" data-testid="memory-inactive">
                {memory.supersededBy ? "Superseded" : "Stopped"} on {formatDate(memory.invalidatedAt!)}
              </span>
            )}
            <span data-testid="memory-importance" data-importance={memory.importance} title={`Importance score ${memory.importance.toFixed(2)}`}>
              {importanceLabel(memory.importance)}
            </span>
            <span>
              Created <time dateTime={memory.createdAt}>{formatDate(memory.createdAt)}</time>
            </span>
            <span>
              Valid from <time dateTime={memory.validFrom}>{formatDate(memory.validFrom)}</time>
            </span>
            {usedTools.length > 0 && <span>Tools: {usedTools.join(", ")}</span>}
            {memory.source.conversationId ? (
              <Link href={`/chat/${memory.source.conversationId}`} data-testid="memory-source">
                Source conversation
              </Link>
            ) : (
              // Deleting a chat clears its memories' source (the API answers conversationId null): say so, no dead link.
              <span data-testid="memory-source-deleted">Source chat deleted</span>
            )}
          </div>
          {mode === "confirm-delete" ? (
            <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Confirm delete">
              <span className="text-sm">Delete this memory?</span>
              <Button variant="destructive" size="sm" disabled={busy} onClick={() => void remove()} data-testid="memory-delete-confirm">
                Yes, delete
              </Button>
              <Button
                variant="outline"
                size="sm"
                disabled={busy}
                onClick={() => setMode("view")}
                data-testid="memory-delete-cancel"
                autoFocus
              >
                Keep
              </Button>
            </div>
          ) : (
            <div className="-ml-2 flex flex-wrap items-center gap-0.5">
              {/* A superseded or stopped memory is a record of the past: it can be deleted, not rewritten. */}
              {!inactive && (
                <Button
                  ref={editButton}
                  variant="ghost"
                  size="sm"
                  onClick={startEdit}
                  aria-label={`Edit memory: ${memory.content}`}
                  data-testid="memory-edit"
                >
                  <Pencil /> Edit
                </Button>
              )}
              <Button
                variant="ghost"
                size="sm"
                className="text-destructive hover:bg-destructive/10 hover:text-destructive"
                onClick={() => {
                  setError(null);
                  setMode("confirm-delete");
                }}
                aria-label={`Delete memory: ${memory.content}`}
                data-testid="memory-delete"
              >
                <Trash2 /> Delete
              </Button>
              <Button
                variant="ghost"
                size="sm"
                aria-expanded={historyOpen}
                aria-controls={`memory-history-${memory.id}`}
                onClick={() => setHistoryOpen((open) => !open)}
                data-testid="memory-history-toggle"
              >
                <History /> {historyOpen ? "Hide history" : "Show history"}
              </Button>
            </div>
          )}
        </>
      )}
      {error && (
        <p role="alert" className="text-sm text-destructive" data-testid="memory-error">
          {error}
        </p>
      )}
      {historyOpen && (
        // Keyed by updatedAt: after an edit the history is read again.
        <MemoryHistory key={memory.updatedAt} id={`memory-history-${memory.id}`} memoryId={memory.id} />
      )}
    </li>
  );
}
