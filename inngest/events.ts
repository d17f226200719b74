import { eventType } from "inngest";
import { z } from "zod";

/**
 * Every event the app sends or reacts to, with its schema. The SDK validates
 * incoming event data against these before a function runs.
 */

/** A chat turn was saved; its memories are to be extracted. Event id = turn id (deduplicated for 24 h). */
export const turnCompleted = eventType("chat/turn.completed", {
  schema: z.object({
    userId: z.uuid(),
    conversationId: z.uuid(),
    turnId: z.uuid(),
  }),
});

export type TurnCompletedData = z.infer<NonNullable<typeof turnCompleted.schema>>;
