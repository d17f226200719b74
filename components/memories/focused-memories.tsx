"use client";

import { useState } from "react";
import type { MemoryView } from "@/lib/memory/view";
import { MemoryItem } from "./memory-item";

/**
 * The memories a link pointed at — one reply's (`?turn=`) or a single one
 * (`?id=`, from "Used N memories") — above the full browser, editable alike.
 */
export function FocusedMemories({ title, initial, missing }: { title: string; initial: MemoryView[]; missing: string }) {
  const [memories, setMemories] = useState(initial);
  return (
    <section className="flex flex-col gap-2 rounded-lg border border-primary/40 bg-accent/50 p-4" data-testid="focused-memories" aria-label={title}>
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2 className="font-semibold">{title}</h2>
        <a href="/memories">Show all memories</a>
      </div>
      {memories.length === 0 ? (
        <p className="text-sm text-muted-foreground" data-testid="focused-empty">
          {missing}
        </p>
      ) : (
        <ul className="flex flex-col gap-2">
          {memories.map((m) => (
            <MemoryItem
              key={m.id}
              memory={m}
              onSaved={(updated) => setMemories((list) => list.map((x) => (x.id === updated.id ? updated : x)))}
              onDeleted={(gone) => setMemories((list) => list.filter((x) => x.id !== gone.id))}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
