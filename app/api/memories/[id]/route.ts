import {
  deleteMemoryById,
  getMemoryWithPredecessorsById,
  updateMemoryById,
} from "@/db/queries/memories";
import { requireSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody, parseUuidParam } from "@/lib/http/parse";
import { toMemoryView, toMemoryWithHistoryView, type MemoryDetailsView } from "@/lib/memory/view";
import { updateMemorySchema } from "./schema";

interface Params {
  params: Promise<{ id: string }>;
}

// Unknown, deleted and someone else's memories all look the same: ids do not leak.
const notFound = () => new AppError("not_found:memory", "No such memory.");

/** The memory, its history, and the facts it superseded (for the history view). */
export const GET = withErrorHandling(async (_request: Request, { params }: Params) => {
  const id = parseUuidParam((await params).id, "memory");
  const { userId } = await requireSession();
  const memory = await getMemoryWithPredecessorsById({ userId, id });
  if (!memory) throw notFound();
  const body: MemoryDetailsView = {
    ...toMemoryWithHistoryView(memory),
    predecessors: memory.predecessors.map(toMemoryWithHistoryView),
  };
  return Response.json(body, { headers: { "cache-control": "no-store" } });
});

export const PATCH = withErrorHandling(async (request: Request, { params }: Params) => {
  const id = parseUuidParam((await params).id, "memory");
  const changes = await parseJsonBody(request, updateMemorySchema, { surface: "memory", maxBytes: 8 * 1024 });
  const { userId } = await requireSession();
  const memory = await updateMemoryById({ userId, id, ...changes });
  if (!memory) throw notFound();
  if (memory === "inactive") {
    throw new AppError("conflict:memory", "This memory was superseded or stopped; it is kept as history and cannot be edited.");
  }
  return Response.json(toMemoryView(memory));
});

export const DELETE = withErrorHandling(async (_request: Request, { params }: Params) => {
  const id = parseUuidParam((await params).id, "memory");
  const { userId } = await requireSession();
  if (!(await deleteMemoryById({ userId, id }))) throw notFound();
  return new Response(null, { status: 204 });
});
