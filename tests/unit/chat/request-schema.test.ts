import { describe, expect, it } from "vitest";
import { chatRequestSchema } from "@/app/api/chat/schema";

const request = (conversationId: string, messageId: string) => ({
  id: conversationId,
  message: { id: messageId, role: "user", parts: [{ type: "text", text: "hi" }] },
});

describe("the chat request's ids", () => {
  it("stores uuids lower-case, so an upper-case id is the same conversation and the same message", () => {
    const conversation = crypto.randomUUID();
    const message = crypto.randomUUID();
    const parsed = chatRequestSchema.parse(request(conversation.toUpperCase(), message.toUpperCase()));
    expect(parsed.id).toBe(conversation);
    expect(parsed.message.id).toBe(message);
  });

  it("keeps a message id that is no uuid as sent (ids of other clients are case-sensitive)", () => {
    const parsed = chatRequestSchema.parse(request(crypto.randomUUID(), "Xy3kP9aQ"));
    expect(parsed.message.id).toBe("Xy3kP9aQ");
  });
});
