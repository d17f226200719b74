import {
  countActiveMemoriesByUserId,
  deleteAllMemoriesByUserId,
  listMemoriesByUserId,
} from "@/db/queries/memories";
import { requireSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody, queryParam } from "@/lib/http/parse";
import { toMemoryView, type MemoryListView } from "@/lib/memory/view";
import { forgetAllMemoriesSchema, listMemoriesQuerySchema } from "./schema";

const noStore = { "cache-control": "no-store" };

export const GET = withErrorHandling(async (request: Request) => {
  const url = new URL(request.url);
  const parsed = listMemoriesQuerySchema.safeParse({
    type: queryParam(url, "type", "memories"),
    q: queryParam(url, "q", "memories"),
    includeInactive: queryParam(url, "includeInactive", "memories"),
    turn: queryParam(url, "turn", "memories"),
    ids: queryParam(url, "ids", "memories"),
  });
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new AppError("bad_request:memories", `Invalid query: ${detail}`);
  }
  const { userId } = await requireSession();
  const [rows, counts] = await Promise.all([
    listMemoriesByUserId({ userId, ...parsed.data }),
    countActiveMemoriesByUserId({ userId, q: parsed.data.q }),
  ]);
  const body: MemoryListView = { memories: rows.map(toMemoryView), counts };
  return Response.json(body, { headers: noStore });
});

/** "Forget everything": only with an explicit `{ confirm: true }` body. */
export const DELETE = withErrorHandling(async (request: Request) => {
  try {
    await parseJsonBody(request, forgetAllMemoriesSchema, { surface: "memories", maxBytes: 1024 });
  } catch (error) {
    // A missing or malformed body is as unconfirmed as a wrong one.
    if (error instanceof AppError && error.code === "bad_request:json") {
      throw new AppError("bad_request:memories", "Send { \"confirm\": true } to forget all memories.", {
        cause: error,
      });
    }
    throw error;
  }
  const { userId } = await requireSession();
  await deleteAllMemoriesByUserId({ userId });
  return new Response(null, { status: 204 });
});
