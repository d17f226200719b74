import { getUserSettingsById, updateUserSettingsById } from "@/db/queries/users";
import { requireSession } from "@/lib/auth/session";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/parse";
import { updateSettingsSchema } from "./schema";

const gone = () => new AppError("unauthorized:session", "Your session's user no longer exists.");

export const GET = withErrorHandling(async () => {
  const { userId } = await requireSession();
  const settings = await getUserSettingsById({ id: userId });
  if (!settings) throw gone();
  return Response.json(settings, { headers: { "cache-control": "no-store" } });
});

export const PATCH = withErrorHandling(async (request: Request) => {
  const changes = await parseJsonBody(request, updateSettingsSchema, { surface: "settings", maxBytes: 1024 });
  const { userId } = await requireSession();
  const settings = await updateUserSettingsById({ id: userId, ...changes });
  if (!settings) throw gone();
  return Response.json(settings);
});
