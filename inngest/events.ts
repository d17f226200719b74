import { eventType } from "inngest";
import { z } from "zod";

/**
 * Every event the app sends or reacts to, with its schema. The SDK validates
 * incoming event data against these before a function runs.
 */

const turnSchema = z.object({
  userId: z.uuid(),
  conversationId: z.uuid(),
  turnId: z.uuid(),
});

/** A chat turn was saved; its memories are to be extracted. Event id = turn id (deduplicated for 24 h). */
export const turnCompleted = eventType("chat/turn.completed", { schema: turnSchema });

/**
 * A turn of imported history was saved (POST /api/import). Same payload and
 * pipeline as a live turn, in a throttled function of its own so a large
 * import drains slowly while live chat stays fast. Event id = turn id.
 */
export const turnImported = eventType("history/turn.imported", { schema: turnSchema });

export type TurnCompletedData = z.infer<typeof turnSchema>;
