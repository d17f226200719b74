"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import type { MemoryCounts, MemoryListView, MemoryType, MemoryView } from "@/lib/memory/view";
import { ForgetAll } from "./forget-all";
import { memoryTabs, readErrorMessage } from "./format";
import { MemoryItem } from "./memory-item";
import { apiFetch } from "@/lib/http/visitor-session";

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
  const searchBox = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  // Where focus goes once the list without the deleted memory is on screen: a memory id, or the search box.
  const pendingFocus = useRef<string | null>(null);
  useEffect(() => {
    const target = pendingFocus.current;
    if (!target) return;
    pendingFocus.current = null;
    const next = target === "search" ? null : list.current?.querySelector<HTMLElement>(`[data-memory-id="${target}"] button`);
    (next ?? searchBox.current)?.focus();
  }, [view]);

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
        const res = await apiFetch(`/api/memories?${params}`, { signal: controller.signal, cache: "no-store" });
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
    // Focus moves to the next memory (else the previous, else the search box), never to the page.
    const ids = view.memories.map((m) => m.id);
    const at = ids.indexOf(gone.id);
    pendingFocus.current = ids[at + 1] ?? ids[at - 1] ?? "search";
    setView((v) => ({
      memories: v.memories.filter((m) => m.id !== gone.id),
      counts: gone.invalidatedAt ? v.counts : { ...v.counts, [gone.type]: Math.max(0, v.counts[gone.type] - 1) },
    }));
  }

  const tab = memoryTabs.find((t) => t.type === type) ?? memoryTabs[0]!;
  const searching = debouncedQuery !== "";

  return (
    <Tabs
      value={type}
      onValueChange={(t) => setType(t as MemoryType)}
      className="flex flex-col gap-3"
      data-testid="memory-browser"
      // Tabs follow focus only on Enter/Space: every switch is a request.
      activationMode="manual"
    >
      <TabsList aria-label="Memory types">
        {memoryTabs.map((t) => (
          <TabsTrigger
            key={t.type}
            value={t.type}
            aria-label={`${t.label}, ${view.counts[t.type]} ${searching ? "matching" : "active"}`}
            data-testid={`memory-tab-${t.type}`}
          >
            {t.label}
            <span
              className="rounded-full bg-accent px-1.5 text-xs font-semibold text-accent-foreground tabular-nums"
              data-testid={`memory-count-${t.type}`}
            >
              {view.counts[t.type]}
            </span>
          </TabsTrigger>
        ))}
      </TabsList>

      <div className="flex flex-wrap items-center gap-3">
        <Input
          ref={searchBox}
          type="search"
          className="min-w-48 flex-1"
          placeholder={`Search ${tab.label.toLowerCase()}…`}
          aria-label="Search memories"
          maxLength={200}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="memory-search"
        />
        <label className="inline-flex cursor-pointer items-center gap-2 text-sm text-muted-foreground">
          <input
            type="checkbox"
            className="size-4 accent-primary"
            checked={includeInactive}
            onChange={(e) => setIncludeInactive(e.target.checked)}
            data-testid="memory-include-inactive"
          />
          Include inactive
        </label>
        <ForgetAll onForgotten={() => setView({ memories: [], counts: noCounts })} />
      </div>

      {error && (
        <div
          role="alert"
          className="flex items-center justify-between gap-3 rounded-lg border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive"
          data-testid="memories-error"
        >
          <span>{error}</span>
          <Button variant="outline" size="sm" onClick={() => setReloads((n) => n + 1)}>
            Retry
          </Button>
        </div>
      )}

      {memoryTabs.map((t) => (
        <TabsContent key={t.type} value={t.type}>
          {t.type === type && (
            <div
              className={loading ? "opacity-60 transition-opacity" : undefined}
              aria-busy={loading}
              data-testid="memory-panel"
              data-state={loading ? "loading" : "idle"}
            >
              {loadedType !== type ? (
                <p className="py-10 text-center text-muted-foreground" data-testid="memories-loading">
                  Loading…
                </p>
              ) : view.memories.length === 0 ? (
                <p className="py-10 text-center text-muted-foreground" data-testid="memories-empty">
                  {searching ? `No ${tab.label.toLowerCase()} match “${debouncedQuery}”.` : tab.empty}
                </p>
              ) : (
                <ul ref={list} className="flex flex-col gap-2" data-testid="memory-list">
                  {view.memories.map((m) => (
                    <MemoryItem key={m.id} memory={m} onSaved={replace} onDeleted={remove} />
                  ))}
                </ul>
              )}
            </div>
          )}
        </TabsContent>
      ))}
    </Tabs>
  );
}
