import { exportMemoriesByUserId } from "@/db/queries/memories";
import { requireSession } from "@/lib/auth/session";
import { withErrorHandling } from "@/lib/http/errors";
import { toMemoryWithHistoryView } from "@/lib/memory/view";

/** Everything the user can still see, with history, as a file to keep. */
export const GET = withErrorHandling(async () => {
  const { userId } = await requireSession();
  const memories = await exportMemoriesByUserId({ userId });
  const exportedAt = new Date().toISOString();
  const body = { exportedAt, userId, memories: memories.map(toMemoryWithHistoryView) };
  return new Response(JSON.stringify(body, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="jarvus-memories-${exportedAt.slice(0, 10)}.json"`,
      "cache-control": "no-store",
    },
  });
});
