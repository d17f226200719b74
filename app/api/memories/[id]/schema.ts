import { z } from "zod";

/** PATCH /api/memories/:id: the user's correction of a memory. */
export const updateMemorySchema = z
  .strictObject({
    content: z.string().trim().min(1).max(500).optional(),
    importance: z.number().min(0).max(1).optional(),
  })
  .refine((body) => body.content !== undefined || body.importance !== undefined, {
    message: "Send content, importance, or both.",
  });
