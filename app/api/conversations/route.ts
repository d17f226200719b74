import { getConversationsByUserId } from "@/db/queries/conversations";
import { requireSession } from "@/lib/auth/session";
import { withErrorHandling } from "@/lib/http/errors";

export const GET = withErrorHandling(async () => {
  const { userId } = await requireSession();
  const conversations = await getConversationsByUserId({ userId });
  return Response.json({ conversations });
});
