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
    <section className="focused-memories" data-testid="focused-memories" aria-label={title}>
      <div className="focused-head">
        <h2>{title}</h2>
        <a href="/memories">Show all memories</a>
      </div>
      {memories.length === 0 ? (
        <p className="muted" data-testid="focused-empty">
          {missing}
        </p>
      ) : (
        <ul className="memory-list">
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
