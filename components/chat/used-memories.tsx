"use client";

import Link from "next/link";
import { useState } from "react";
import type { MemoryType, MemoryView } from "@/lib/memory/view";
import { apiFetch } from "@/lib/http/visitor-session";

const TYPE_LABEL: Record<MemoryType, string> = { semantic: "Fact", procedural: "Instruction", episodic: "Episode" };

/**
 * "Used N memories" under a reply: collapsed, and opened on demand — only
 * then are the memories fetched (by id; they may have changed since). Each
 * links to itself on the memories page.
 */
export function UsedMemories({ memoryIds }: { memoryIds: string[] }) {
  const [memories, setMemories] = useState<MemoryView[] | null>(null);
  const [error, setError] = useState(false);
  if (memoryIds.length === 0) return null;

  async function load() {
    if (memories) return;
    try {
      const res = await apiFetch(`/api/memories?ids=${memoryIds.join(",")}`, { cache: "no-store" });
      if (!res.ok) throw new Error(String(res.status));
      const byId = new Map(((await res.json()) as { memories: MemoryView[] }).memories.map((m) => [m.id, m]));
      // In the order they entered the reply's context.
      setMemories(memoryIds.flatMap((id) => byId.get(id) ?? []));
    } catch {
      setError(true);
    }
  }

  const gone = memories ? memoryIds.length - memories.length : 0;
  return (
    <details className="mt-2 text-xs text-muted-foreground [&_summary]:w-fit [&_summary]:cursor-pointer [&_summary]:hover:text-foreground" data-testid="used-memories" onToggle={(e) => e.currentTarget.open && void load()}>
      <summary>
        Used {memoryIds.length} {memoryIds.length === 1 ? "memory" : "memories"}
      </summary>
      {error ? (
        <p className="mt-1 text-destructive">Could not load them. Close and open again to retry.</p>
      ) : !memories ? (
        <p className="mt-1">Loading…</p>
      ) : (
        <ul className="mt-1.5 flex list-disc flex-col gap-1 pl-5" data-testid="used-memory-list">
          {memories.map((m) => (
            <li key={m.id} data-testid="used-memory">
              <span className="font-semibold text-foreground">{TYPE_LABEL[m.type]}</span>{" "}
              <Link href={`/memories?id=${m.id}`} className="[overflow-wrap:anywhere]">{m.content}</Link>
              {m.invalidatedAt ? <span> (no longer current)</span> : null}
            </li>
          ))}
          {gone > 0 && (
            <li>
              {gone} {gone === 1 ? "memory has" : "memories have"} been deleted since.
            </li>
          )}
        </ul>
      )}
    </details>
  );
}
