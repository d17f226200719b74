import { useEffect, useState } from "react";
import type { MemoryDetailsView, MemoryHistoryView } from "@/lib/memory/view";
import { formatDate, readErrorMessage } from "./format";
import { apiFetch } from "@/lib/http/visitor-session";

function describe(h: MemoryHistoryView): string {
  const on = formatDate(h.createdAt);
  switch (h.action) {
    case "add":
      return `Remembered on ${on}: “${h.content ?? ""}”`;
    case "supersede":
      return `Superseded on ${on}: “${h.previousContent ?? ""}” → “${h.content ?? ""}”`;
    case "invalidate":
      return `Stopped on ${on}: “${h.previousContent ?? ""}”`;
    case "edit":
      return h.previousContent === h.content
        ? `Importance edited on ${on}`
        : `Edited on ${on}: “${h.previousContent ?? ""}” → “${h.content ?? ""}”`;
    case "delete":
      return `Deleted on ${on}`;
  }
}

/** The memory's own history and the older values it replaced (GET /api/memories/:id). */
export function MemoryHistory({ id, memoryId }: { id: string; memoryId: string }) {
  const [details, setDetails] = useState<MemoryDetailsView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    void (async () => {
      try {
        const res = await apiFetch(`/api/memories/${memoryId}`, { signal: controller.signal, cache: "no-store" });
        if (!res.ok) throw new Error(await readErrorMessage(res, "Could not load the history."));
        setDetails((await res.json()) as MemoryDetailsView);
      } catch (e) {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : "Could not load the history.");
      }
    })();
    return () => controller.abort();
  }, [memoryId]);

  if (error) {
    return (
      <p id={id} role="alert" className="text-sm text-destructive" data-testid="memory-history">
        {error}
      </p>
    );
  }
  if (!details) {
    return (
      <p id={id} className="text-sm text-muted-foreground" data-testid="memory-history" aria-busy="true">
        Loading history…
      </p>
    );
  }
  const chain = [details, ...details.predecessors];
  const successorOf = (supersededBy: string | null) => chain.find((m) => m.id === supersededBy)?.content;

  return (
    <section id={id} className="border-t border-dashed border-border pt-2 text-sm [&_h3]:mt-1.5 [&_h3]:mb-1 [&_h3]:text-xs [&_h3]:font-medium [&_h3]:tracking-wide [&_h3]:text-muted-foreground [&_h3]:uppercase [&_ol]:flex [&_ol]:list-decimal [&_ol]:flex-col [&_ol]:gap-0.5 [&_ol]:pl-5" aria-label="Memory history" data-testid="memory-history">
      {details.predecessors.length > 0 && (
        <>
          <h3>Earlier values</h3>
          <ol>
            {details.predecessors.map((p) => (
              <li key={p.id} data-testid="memory-predecessor">
                {p.content} → {successorOf(p.supersededBy) ?? "a newer value"}
                {p.invalidatedAt && <>, superseded on {formatDate(p.invalidatedAt)}</>}
              </li>
            ))}
          </ol>
        </>
      )}
      <h3>Changes</h3>
      {details.history.length === 0 ? (
        <p className="text-sm text-muted-foreground">No recorded changes.</p>
      ) : (
        <ol>
          {details.history.map((h) => (
            <li key={h.id} data-testid="memory-history-entry" data-action={h.action}>
              {describe(h)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
