import { getImportStatusById } from "@/db/queries/imports";
import { requireSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseUuidParam } from "@/lib/http/parse";

/** GET /api/import/:id: `{ id, status, turns: { total, done, failed, pending } }`; someone else's id is 404. */
export const GET = withErrorHandling(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseUuidParam((await params).id, "import");
  const { userId } = await requireSession();
  const status = await getImportStatusById({ userId, id });
  if (!status) throw new AppError("not_found:import", "No such import.");
  return Response.json(status, { headers: { "cache-control": "no-store" } });
});
