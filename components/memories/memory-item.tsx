import Link from "next/link";
import { useState } from "react";
import type { MemoryView } from "@/lib/memory/view";
import { formatDate, readErrorMessage } from "./format";
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

  function startEdit() {
    setContent(memory.content);
    setImportance(String(Math.round(memory.importance * 100) / 100));
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
      setError("Importance is a number from 0 to 1.");
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

  return (
    <li
      className={`memory-item${inactive ? " memory-inactive" : ""}`}
      data-testid="memory-item"
      data-memory-id={memory.id}
      data-active={inactive ? "false" : "true"}
    >
      {mode === "edit" ? (
        <form
          className="memory-edit-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <textarea
            value={content}
            onChange={(e) => setContent(e.target.value)}
            maxLength={MAX_CONTENT}
            rows={2}
            aria-label="Memory content"
            data-testid="memory-edit-content"
            autoFocus
          />
          <label className="memory-importance-field">
            Importance
            <input
              type="number"
              min={0}
              max={1}
              step={0.05}
              value={importance}
              onChange={(e) => setImportance(e.target.value)}
              aria-label="Importance (0 to 1)"
              data-testid="memory-edit-importance"
            />
          </label>
          <div className="memory-actions">
            <button type="submit" className="button primary" disabled={busy} data-testid="memory-save">
              Save
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                setError(null);
                setMode("view");
              }}
              data-testid="memory-cancel"
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          <p className="memory-content" data-testid="memory-content">
            {memory.content}
          </p>
          <div className="memory-meta muted">
            {inactive && (
              <span className="badge badge-inactive" data-testid="memory-inactive">
                {memory.supersededBy ? "Superseded" : "Stopped"} on {formatDate(memory.invalidatedAt!)}
              </span>
            )}
            <span data-testid="memory-importance">Importance {memory.importance.toFixed(2)}</span>
            <span>
              Created <time dateTime={memory.createdAt}>{formatDate(memory.createdAt)}</time>
            </span>
            <span>
              Valid from <time dateTime={memory.validFrom}>{formatDate(memory.validFrom)}</time>
            </span>
            {usedTools.length > 0 && <span>Tools: {usedTools.join(", ")}</span>}
            {memory.source.conversationId && (
              <Link href={`/chat/${memory.source.conversationId}`} data-testid="memory-source">
                Source conversation
              </Link>
            )}
          </div>
          {mode === "confirm-delete" ? (
            <div className="memory-actions memory-confirm" role="group" aria-label="Confirm delete">
              <span>Delete this memory?</span>
              <button
                type="button"
                className="button danger"
                disabled={busy}
                onClick={() => void remove()}
                data-testid="memory-delete-confirm"
              >
                Yes, delete
              </button>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => setMode("view")}
                data-testid="memory-delete-cancel"
                autoFocus
              >
                Keep
              </button>
            </div>
          ) : (
            <div className="memory-actions">
              <button
                type="button"
                className="button"
                onClick={startEdit}
                aria-label={`Edit memory: ${memory.content}`}
                data-testid="memory-edit"
              >
                Edit
              </button>
              <button
                type="button"
                className="button danger"
                onClick={() => {
                  setError(null);
                  setMode("confirm-delete");
                }}
                aria-label={`Delete memory: ${memory.content}`}
                data-testid="memory-delete"
              >
                Delete
              </button>
              <button
                type="button"
                className="button"
                aria-expanded={historyOpen}
                aria-controls={`memory-history-${memory.id}`}
                onClick={() => setHistoryOpen((open) => !open)}
                data-testid="memory-history-toggle"
              >
                {historyOpen ? "Hide history" : "Show history"}
              </button>
            </div>
          )}
        </>
      )}
      {error && (
        <p role="alert" className="error-text" data-testid="memory-error">
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
