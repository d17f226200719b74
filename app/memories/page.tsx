import type { Metadata } from "next";
import { MemoryBrowser } from "@/components/memories/memory-browser";
import { countActiveMemoriesByUserId, listMemoriesByUserId } from "@/db/queries/memories";
import { getSession } from "@/lib/auth/session";
import { toMemoryView, type MemoryListView } from "@/lib/memory/view";
import "./memories.css";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Memories · Jarvus" };

/** What Jarvus remembers about the visitor; a visitor without a session has nothing yet. */
export default async function MemoriesPage() {
  const session = await getSession();
  let initial: MemoryListView = { memories: [], counts: { semantic: 0, procedural: 0, episodic: 0 } };
  if (session) {
    const [rows, counts] = await Promise.all([
      listMemoriesByUserId({ userId: session.userId, type: "semantic" }),
      countActiveMemoriesByUserId({ userId: session.userId }),
    ]);
    initial = { memories: rows.map(toMemoryView), counts };
  }
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
        <a className="button" href="/api/memories/export" download data-testid="export-memories">
          Export JSON
        </a>
      </header>
      <MemoryBrowser initial={initial} />
    </main>
  );
}
