import { randomUUID } from "node:crypto";
import {
  convertToModelMessages,
  createUIMessageStream,
  createUIMessageStreamResponse,
  stepCountIs,
  streamText,
} from "ai";
import { after } from "next/server";
import { claimConversation } from "@/db/queries/conversations";
import { getMessageById, getMessagesByConversationId } from "@/db/queries/messages";
import { getOrCreateSession } from "@/lib/auth/session";
import { getChatModel } from "@/lib/ai/models";
import { buildSystemPrompt } from "@/lib/ai/prompts";
import { chatTools, type ChatUIMessage } from "@/lib/ai/tools";
import { sendTurnCompleted } from "@/inngest/send";
import { completeTurn } from "@/lib/chat/complete-turn";
import { textOf, titleFrom, toUIMessage } from "@/lib/chat/ui-messages";
import { AppError, withErrorHandling } from "@/lib/http/errors";
import { parseJsonBody } from "@/lib/http/parse";
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

  const { userId } = await getOrCreateSession();

  // A message id seen before is a retry of that message, and only in its own conversation.
  const known = await getMessageById({ id: body.message.id });
  if (known && (known.userId !== userId || known.conversationId !== body.id || known.role !== "user")) {
    throw new AppError("bad_request:chat", "That message id is already in use.");
  }
  if (!(await claimConversation({ userId, id: body.id, title: titleFrom(text) }))) {
    throw new AppError("not_found:conversation", "No such conversation.");
  }

  const history = await getMessagesByConversationId({ userId, conversationId: body.id });
  const userMessage: ChatUIMessage = { id: body.message.id, role: "user", parts: body.message.parts };
  const uiMessages = [...history.filter((m) => m.id !== userMessage.id).map(toUIMessage), userMessage];

  const chatModel = getChatModel();
  const turnId = randomUUID();
  const assistantMessageId = randomUUID();
  const modelMessages = await convertToModelMessages(uiMessages, { tools: chatTools });

  let settle: (message: ChatUIMessage | null) => void = () => {};
  const finished = new Promise<ChatUIMessage | null>((resolve) => (settle = resolve));

  // After the response: persist the exchange, then hand it to the memory pipeline.
  after(async () => {
    const saved = await completeTurn({
      userId,
      conversationId: body.id,
      turnId,
      userMessage,
      assistantMessage: finished,
    });
    if (saved.turnId) await sendTurnCompleted({ turnId: saved.turnId, userId, conversationId: body.id });
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
      const memoryContext = await getMemoryContext({ userId, query: text });
      const result = streamText({
        model: chatModel.model,
        system: buildSystemPrompt({ memoryContext, now: new Date() }),
        messages: modelMessages,
        tools: chatTools,
        stopWhen: stepCountIs(5),
        onFinish: () => writer.setOutcome({ status: "completed" }),
        onError: ({ error }) => {
          writer.setOutcome({ status: "failed", error });
          console.error("[chat] model stream failed", error);
        },
      });
      // Keep generating if the browser goes away, so the reply is still saved.
      void result.consumeStream();
      writer.merge(result.toUIMessageStream({ sendStart: false }));
    },
    onFinish: ({ responseMessage, outcome }) => {
      const produced = responseMessage.parts.some((p) => p.type !== "step-start");
      settle(outcome.status === "completed" && produced ? responseMessage : null);
    },
    onError: (error) => {
      settle(null);
      console.error("[chat] reply failed", error);
      return "The assistant could not finish this reply. Your message was saved; try again.";
    },
  });
  return createUIMessageStreamResponse({ stream });
});
