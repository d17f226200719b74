import { getOrCreateSession } from "@/lib/auth/session";
import { withErrorHandling } from "@/lib/http/errors";

export const GET = withErrorHandling(async () => {
  const { userId } = await getOrCreateSession();
  return Response.json({ userId });
});
