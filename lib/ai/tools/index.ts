import type { InferUITools, ToolSet, UIDataTypes, UIMessage } from "ai";
import { z } from "zod";
import { calculate } from "./calculate";
import { getCurrentTime } from "./get-current-time";

/** Every tool the chat model may call. Both the OpenAI and the offline model see exactly these. */
export const chatTools = { getCurrentTime, calculate } satisfies ToolSet;

export type ChatTools = typeof chatTools;
export type ChatToolName = keyof ChatTools;

export const messageMetadataSchema = z.object({
  turnId: z.string().optional(),
  createdAt: z.string().optional(),
  model: z.enum(["offline", "openai"]).optional(),
  /** The stream ended before the reply was complete; this is what had arrived. */
  partial: z.boolean().optional(),
  /** The memories that entered this reply's context, in prompt order. */
  memoryIds: z.array(z.string()).optional(),
});
export type MessageMetadata = z.infer<typeof messageMetadataSchema>;

/** The UI message of this app: tool parts are `tool-getCurrentTime` and `tool-calculate`. */
export type ChatUIMessage = UIMessage<MessageMetadata, UIDataTypes, InferUITools<ChatTools>>;

export type { CalculateOutput } from "./calculate";
export type { GetCurrentTimeOutput } from "./get-current-time";
