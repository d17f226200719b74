import { getOrCreateSession } from "@/lib/auth/session";
import { withErrorHandling } from "@/lib/http/errors";

/** The one place a session is created: pages call it on first load (a GET, so no cross-site form can). */
export const GET = withErrorHandling(async (request: Request) => {
  const { userId } = await getOrCreateSession(request);
  return Response.json({ userId }, { headers: { "cache-control": "no-store" } });
});
