import { z } from "zod";

/** PATCH /api/conversations/:id: a new title. */
export const renameConversationSchema = z.strictObject({
  title: z.string().trim().min(1).max(120),
});
