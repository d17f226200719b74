import type { Metadata } from "next";
import { FocusedMemories } from "@/components/memories/focused-memories";
import { MemoryBrowser } from "@/components/memories/memory-browser";
import { countActiveMemoriesByUserId, listMemoriesByUserId } from "@/db/queries/memories";
import { getSession } from "@/lib/auth/session";
import { toMemoryView, type MemoryListView } from "@/lib/memory/view";
import { isUuid } from "@/lib/uuid";
import "./memories.css";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Memories · Jarvus" };

/**
 * What Jarvus remembers about the visitor; a visitor without a session has
 * nothing yet. `?turn=<id>` (a reply's memory status) or `?id=<id>` ("Used N
 * memories") first shows just those.
 */
export default async function MemoriesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const turn = typeof params.turn === "string" && isUuid(params.turn) ? params.turn.toLowerCase() : undefined;
  const id = typeof params.id === "string" && isUuid(params.id) ? params.id.toLowerCase() : undefined;
  const session = await getSession();
  let initial: MemoryListView = { memories: [], counts: { semantic: 0, procedural: 0, episodic: 0 } };
  if (session) {
    const [rows, counts] = await Promise.all([
      listMemoriesByUserId({ userId: session.userId, type: "semantic" }),
      countActiveMemoriesByUserId({ userId: session.userId }),
    ]);
    initial = { memories: rows.map(toMemoryView), counts };
  }
  const focus =
    session && (turn || id)
      ? (await listMemoriesByUserId({ userId: session.userId, ...(turn ? { turn } : { ids: [id!] }) })).map(toMemoryView)
      : null;
  return (
    <main className="memories-page" data-testid="memories-page">
      <header className="memories-head">
        {/* A full load: every visit to / makes a fresh conversation id. */}
        <a href="/" className="memories-back" data-testid="back-to-chat">
          ← Back to chat
        </a>
        <div className="memories-title">
          <h1>Memories</h1>
          <p className="muted">
            What Jarvus remembers from your conversations. Correct or delete anything; nothing here leaves your
            account.
          </p>
        </div>
        <div className="memories-head-actions">
          <a className="button" href="/import" data-testid="import-history">
            Import history
          </a>
          <a className="button" href="/api/memories/export" download data-testid="export-memories">
            Export JSON
          </a>
        </div>
      </header>
      {focus && (
        <FocusedMemories
          title={turn ? "Memories from this reply" : "This memory"}
          initial={focus}
          missing={turn ? "This reply left no memories (or they were deleted)." : "This memory no longer exists: it was deleted."}
        />
      )}
      <MemoryBrowser initial={initial} />
    </main>
  );
}
