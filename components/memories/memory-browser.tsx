"use client";

import { useEffect, useRef, useState } from "react";
import type { MemoryCounts, MemoryListView, MemoryType, MemoryView } from "@/lib/memory/view";
import { ForgetAll } from "./forget-all";
import { memoryTabs, readErrorMessage } from "./format";
import { MemoryItem } from "./memory-item";

const SEARCH_DEBOUNCE_MS = 250;
const noCounts: MemoryCounts = { semantic: 0, procedural: 0, episodic: 0 };

/**
 * The memories of the user, a tab per type: search, the inactive toggle, and
 * "forget everything". The server renders the first view (active facts); every
 * later view comes from GET /api/memories.
 */
export function MemoryBrowser({ initial }: { initial: MemoryListView }) {
  const [type, setType] = useState<MemoryType>("semantic");
  const [query, setQuery] = useState("");
  const [debouncedQuery, setDebouncedQuery] = useState("");
  const [includeInactive, setIncludeInactive] = useState(false);
  const [view, setView] = useState<MemoryListView>(initial);
  // The tab the shown list belongs to: another tab's list is never shown under this one.
  const [loadedType, setLoadedType] = useState<MemoryType>("semantic");
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const initialRender = useRef(true);

  useEffect(() => {
    const timer = setTimeout(() => setDebouncedQuery(query.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  useEffect(() => {
    // The server already rendered the first view.
    if (initialRender.current) {
      initialRender.current = false;
      return;
    }
    const controller = new AbortController();
    const params = new URLSearchParams({ type });
    if (debouncedQuery) params.set("q", debouncedQuery);
    if (includeInactive) params.set("includeInactive", "true");
    setLoading(true);
    void (async () => {
      try {
        const res = await fetch(`/api/memories?${params}`, { signal: controller.signal, cache: "no-store" });
        if (!res.ok) throw new Error(await readErrorMessage(res, "Could not load memories. Try again."));
        setView((await res.json()) as MemoryListView);
        setLoadedType(type);
        setError(null);
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(e instanceof Error ? e.message : "Could not load memories. Try again.");
      }
      setLoading(false);
    })();
    return () => controller.abort();
  }, [type, debouncedQuery, includeInactive, reloads]);

  function replace(updated: MemoryView) {
    setView((v) => ({ ...v, memories: v.memories.map((m) => (m.id === updated.id ? updated : m)) }));
  }

  function remove(gone: MemoryView) {
    setView((v) => ({
      memories: v.memories.filter((m) => m.id !== gone.id),
      counts: gone.invalidatedAt ? v.counts : { ...v.counts, [gone.type]: Math.max(0, v.counts[gone.type] - 1) },
    }));
  }

  const tab = memoryTabs.find((t) => t.type === type) ?? memoryTabs[0]!;
  const searching = debouncedQuery !== "";

  return (
    <div className="memory-browser" data-testid="memory-browser">
      <div className="memory-tabs" role="tablist" aria-label="Memory types">
        {memoryTabs.map((t) => (
          <button
            key={t.type}
            type="button"
            role="tab"
            id={`memory-tab-${t.type}`}
            aria-selected={t.type === type}
            aria-controls="memory-panel"
            aria-label={`${t.label}, ${view.counts[t.type]} active`}
            className="memory-tab"
            data-testid={`memory-tab-${t.type}`}
            onClick={() => setType(t.type)}
          >
            {t.label}
            <span className="memory-count" data-testid={`memory-count-${t.type}`}>
              {view.counts[t.type]}
            </span>
          </button>
        ))}
      </div>

      <div className="memory-toolbar">
        <input
          type="search"
          className="memory-search"
          placeholder={`Search ${tab.label.toLowerCase()}…`}
          aria-label="Search memories"
          maxLength={200}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="memory-search"
        />
        <label className="memory-toggle">
          <input
            type="checkbox"
            checked={includeInactive}
            onChange={(e) => setIncludeInactive(e.target.checked)}
            data-testid="memory-include-inactive"
          />
          Include inactive
        </label>
        <ForgetAll
          onForgotten={() => setView({ memories: [], counts: noCounts })}
        />
      </div>

      {error && (
        <div role="alert" className="error-banner" data-testid="memories-error">
          <span>{error}</span>
          <button type="button" className="button" onClick={() => setReloads((n) => n + 1)}>
            Retry
          </button>
        </div>
      )}

      <div
        role="tabpanel"
        id="memory-panel"
        className="memory-panel"
        aria-labelledby={`memory-tab-${type}`}
        aria-busy={loading}
        data-testid="memory-panel"
        data-state={loading ? "loading" : "idle"}
      >
        {loadedType !== type ? (
          <p className="memories-empty muted" data-testid="memories-loading">
            Loading…
          </p>
        ) : view.memories.length === 0 ? (
          <p className="memories-empty muted" data-testid="memories-empty">
            {searching ? `No ${tab.label.toLowerCase()} match “${debouncedQuery}”.` : tab.empty}
          </p>
        ) : (
          <ul className="memory-list" data-testid="memory-list">
            {view.memories.map((m) => (
              <MemoryItem key={m.id} memory={m} onSaved={replace} onDeleted={remove} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
