import type { Metadata } from "next";
import { FocusedMemories } from "@/components/memories/focused-memories";
import { MemoryBrowser } from "@/components/memories/memory-browser";
import { PageFrame } from "@/components/shell/page-frame";
import { buttonClass } from "@/components/ui/button";
import { countActiveMemoriesByUserId, listMemoriesByUserId } from "@/db/queries/memories";
import { getSession } from "@/lib/auth/session";
import { toMemoryView, type MemoryListView } from "@/lib/memory/view";
import { isUuid } from "@/lib/uuid";

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
  const link = `${buttonClass({ variant: "outline", size: "sm" })} no-underline text-foreground`;
  return (
    <PageFrame
      title="Memories"
      testId="memories-page"
      actions={
        <div className="hidden gap-2 sm:flex">
          <a className={link} href="/import" data-testid="import-history">
            Import
          </a>
          <a className={link} href="/api/memories/export" download data-testid="export-memories">
            Export JSON
          </a>
        </div>
      }
    >
      <div className="flex flex-col gap-3">
        {/* A full load: every visit to / makes a fresh conversation id. */}
        <a href="/" className="w-fit text-sm no-underline hover:underline" data-testid="back-to-chat">
          ← Back to chat
        </a>
        <p className="text-sm text-muted-foreground">
          What Jarvus remembers from your conversations. Correct or delete anything; nothing here leaves your account.
        </p>
        {/* On phones the header has no room: the same two links here. */}
        <div className="flex gap-2 sm:hidden">
          <a className={link} href="/import">
            Import
          </a>
          <a className={link} href="/api/memories/export" download>
            Export JSON
          </a>
        </div>
      </div>
      {focus && (
        <FocusedMemories
          title={turn ? "Memories from this reply" : "This memory"}
          initial={focus}
          missing={turn ? "This reply left no memories (or they were deleted)." : "This memory no longer exists: it was deleted."}
        />
      )}
      <MemoryBrowser initial={initial} />
    </PageFrame>
  );
}
