import {
  countActiveMemoriesByUserId,
  deleteAllMemoriesByUserId,
  listMemoriesByUserId,
} from "@/db/queries/memories";
import { getOrCreateSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/parse";
import { toMemoryView, type MemoryListView } from "@/lib/memory/view";
import { forgetAllMemoriesSchema, listMemoriesQuerySchema } from "./schema";

const noStore = { "cache-control": "no-store" };

export const GET = withErrorHandling(async (request: Request) => {
  const params = new URL(request.url).searchParams;
  const parsed = listMemoriesQuerySchema.safeParse({
    type: params.get("type"),
    q: params.get("q"),
    includeInactive: params.get("includeInactive"),
  });
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new AppError("bad_request:memories", `Invalid query: ${detail}`);
  }
  const { userId } = await getOrCreateSession();
  const [rows, counts] = await Promise.all([
    listMemoriesByUserId({ userId, ...parsed.data }),
    countActiveMemoriesByUserId({ userId }),
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
  const { userId } = await getOrCreateSession();
  await deleteAllMemoriesByUserId({ userId });
  return new Response(null, { status: 204 });
});
