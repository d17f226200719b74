import { getOrCreateSession } from "@/lib/auth/session";
import { withErrorHandling } from "@/lib/http/errors";

/**
 * The one place a guest session is created: pages call it on first load (a GET, so no cross-site
 * form can). `account` is `{ email, name }` when signed in to an account, null for a guest.
 */
export const GET = withErrorHandling(async (request: Request) => {
  const { userId, account } = await getOrCreateSession(request);
  return Response.json({ userId, account: account && { email: account.email, name: account.name } }, { headers: { "cache-control": "no-store" } });
});
