import { z } from "zod";
import { isUuid } from "@/lib/uuid";

/** Longest user message accepted, in characters (413 `too_large:message` beyond it). */
export const MAX_MESSAGE_CHARS = 8_000;
/** Largest request body accepted, in bytes (413 `too_large:chat` beyond it). */
export const MAX_CHAT_BODY_BYTES = 64 * 1024;

const textPartSchema = z.object({ type: z.literal("text"), text: z.string() });

export const chatRequestSchema = z.object({
  /** Conversation id, made by the client; a new id starts a new conversation. Stored lower-case. */
  id: z.uuid().transform((id) => id.toLowerCase()),
  /** Only the new message: the server loads the history itself. */
  message: z.object({
    /** Made by the client; a uuid is stored lower-case (the same message in either case), another id as sent. */
    id: z
      .string()
      .min(1)
      .max(100)
      .transform((id) => (isUuid(id) ? id.toLowerCase() : id)),
    role: z.literal("user"),
    parts: z.array(textPartSchema).min(1).max(20),
    metadata: z.unknown().optional(),
  }),
  /** On a new conversation's first message: a temporary chat (never listed, recalled from or remembered). */
  temporary: z.boolean().optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
