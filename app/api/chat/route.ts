import { randomUUID } from "node:crypto";
import {
  convertToModelMessages,
  createUIMessageStream,
  createUIMessageStreamResponse,
  stepCountIs,
  streamText,
} from "ai";
import { after } from "next/server";
import { getMessagesByConversationId, saveUserMessage } from "@/db/queries/messages";
import { getTurnIdByUserMessageId } from "@/db/queries/turns";
import { getUserSettingsById } from "@/db/queries/users";
import { requireSession } from "@/lib/auth/session";
import { getChatModel } from "@/lib/ai/models";
import { buildSystemPrompt } from "@/lib/ai/prompts";
import { chatTools, type ChatUIMessage } from "@/lib/ai/tools";
import { sendTurnEvent } from "@/inngest/send";
import { completeTurn, type FinishedReply } from "@/lib/chat/complete-turn";
import { textOf, titleFrom, toUIMessage } from "@/lib/chat/ui-messages";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/parse";
import { enforceRateLimit } from "@/lib/http/rate-limit";
import { getMemoryContext } from "@/lib/memory/context";
import { chatRequestSchema, MAX_CHAT_BODY_BYTES, MAX_MESSAGE_CHARS } from "./schema";

export const maxDuration = 60;

export const POST = withErrorHandling(async (request: Request) => {
  const body = await parseJsonBody(request, chatRequestSchema, {
    surface: "chat",
    maxBytes: MAX_CHAT_BODY_BYTES,
  });
  const text = textOf(body.message);
  if (text.length > MAX_MESSAGE_CHARS) {
    throw new AppError("too_large:message", `A message may have at most ${MAX_MESSAGE_CHARS} characters.`);
  }
  if (text.trim() === "") throw new AppError("bad_request:chat", "The message is empty.");

  const { userId } = await requireSession();
  await enforceRateLimit("chat", userId);

  // Committed before the first byte of the reply: a crash from here on never loses what the user said.
  const saved = await saveUserMessage({
    userId,
    conversationId: body.id,
    title: titleFrom(text),
    message: { id: body.message.id, parts: body.message.parts },
    temporary: body.temporary,
  });
  if (saved.status === "not_found") throw new AppError("not_found:conversation", "No such conversation.");
  // Memory is off for a temporary chat and when the user switched it off: nothing recalled, nothing extracted.
  const memoryOn = !saved.temporary && ((await getUserSettingsById({ id: userId }))?.memoryEnabled ?? true);

  const history = await getMessagesByConversationId({ userId, conversationId: body.id });
  const userMessage: ChatUIMessage = { id: saved.messageId, role: "user", parts: body.message.parts };
  // What came before this message; a regenerated reply's predecessor is not part of its context.
  const at = history.findIndex((m) => m.id === userMessage.id);
  const uiMessages = [...(at >= 0 ? history.slice(0, at) : history).map(toUIMessage), userMessage];

  const chatModel = getChatModel();
  // A regenerated reply stays in its message's turn (saveTurn): the stream announces that turn,
  // so the reply's memory status follows the turn that exists.
  const turnId = (await getTurnIdByUserMessageId({ userId, userMessageId: saved.messageId })) ?? randomUUID();
  const assistantMessageId = randomUUID();
  const modelMessages = await convertToModelMessages(uiMessages, { tools: chatTools });

  let memoryIds: string[] = [];
  let settle: (reply: FinishedReply | null) => void = () => {};
  const finished = new Promise<FinishedReply | null>((resolve) => (settle = resolve));

  // After the response: persist the reply and the turn, then hand it to the memory pipeline.
  after(async () => {
    const turn = await completeTurn({ userId, conversationId: body.id, turnId, userMessage, reply: finished, memoryOn });
    if (turn.turnId && memoryOn && !turn.replaced) await sendTurnEvent({ turnId: turn.turnId, userId, conversationId: body.id });
  });

  const stream = createUIMessageStream<ChatUIMessage>({
    originalMessages: uiMessages,
    generateId: () => assistantMessageId,
    execute: async ({ writer }) => {
      // The reply opens at once with its turn id (the UI follows the turn's memory
      // status from it); memory retrieval then runs while the client already listens.
      writer.write({
        type: "start",
        messageId: assistantMessageId,
        messageMetadata: { turnId, model: chatModel.kind, createdAt: new Date().toISOString() },
      });
      const memory = memoryOn ? await getMemoryContext({ userId, query: text }) : { context: undefined, memoryIds: [] };
      memoryIds = memory.memoryIds;
      // What entered this reply's context, for "Used N memories" under it.
      writer.write({ type: "message-metadata", messageMetadata: { memoryIds } });
      const result = streamText({
        model: chatModel.model,
        system: buildSystemPrompt({ memoryContext: memory.context, now: new Date(), memory: memoryOn ? "on" : "off" }),
        messages: modelMessages,
        tools: chatTools,
        stopWhen: stepCountIs(5),
        onFinish: () => writer.setOutcome({ status: "completed" }),
        onError: ({ error }) => {
          writer.setOutcome({ status: "failed", error });
          console.error("[chat] model stream failed:", error instanceof Error ? error.message : error);
        },
      });
      // Keep generating if the browser goes away, so the reply is still saved.
      void result.consumeStream();
      writer.merge(result.toUIMessageStream({ sendStart: false }));
    },
    onFinish: ({ responseMessage, outcome }) => {
      const produced = responseMessage.parts.some((p) => p.type !== "step-start");
      // A reply cut off mid-way is kept as what had arrived, marked partial.
      settle(produced ? { message: responseMessage, partial: outcome.status !== "completed", memoryIds } : null);
    },
    onError: (error) => {
      settle(null);
      console.error("[chat] reply failed:", error instanceof Error ? error.message : error);
      return "The assistant could not finish this reply. Your message was saved; try again.";
    },
  });
  return createUIMessageStreamResponse({ stream });
});
