import { getConversationsByUserId } from "@/db/queries/conversations";
import { getOrCreateSession } from "@/lib/auth/session";
import { withErrorHandling } from "@/lib/http/errors";

export const GET = withErrorHandling(async () => {
  const { userId } = await getOrCreateSession();
  const conversations = await getConversationsByUserId({ userId });
  return Response.json({ conversations });
});
