import { z } from "zod";
import { MAX_MESSAGE_CHARS } from "@/app/api/chat/schema";

/** POST /api/memories/recall: the message to recall for, and optionally another token budget. */
export const recallRequestSchema = z.strictObject({
  query: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  budget: z.number().int().min(1).max(32_000).optional(),
});
