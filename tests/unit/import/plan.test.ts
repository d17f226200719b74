import { describe, expect, it } from "vitest";
import { derivedUuid, planConversation } from "@/lib/import/plan";
import type { ImportedConversation } from "@/lib/import/types";

const at = (minute: number) => new Date(Date.UTC(2023, 4, 1, 10, minute));
const conversation = (messages: [string, string, number][], externalId: string | null = "c1"): ImportedConversation => ({
  externalId,
  title: null,
  messages: messages.map(([role, text, minute]) => ({ role: role as "user" | "assistant", text, createdAt: at(minute) })),
});

describe("planConversation", () => {
  it("joins runs of one speaker, pairs each user message with the reply after it, and keeps the times", () => {
    const plan = planConversation(
      "u1",
      conversation([
        ["assistant", "Welcome!", 0],
        ["user", "I moved", 1],
        ["user", "to Lisbon", 2],
        ["assistant", "Nice", 3],
        ["user", "Thanks", 4],
      ]),
    );
    expect(plan.messages.map((m) => [m.role, m.parts[0]!.text])).toEqual([
      ["assistant", "Welcome!"],
      ["user", "I moved\n\nto Lisbon"],
      ["assistant", "Nice"],
      ["user", "Thanks"],
    ]);
    expect(plan.turns).toHaveLength(2);
    expect(plan.turns[0]).toMatchObject({ userMessageId: plan.messages[1]!.id, assistantMessageId: plan.messages[2]!.id, createdAt: at(1), completedAt: at(3) });
    // The user's last words have no reply: still a turn, so they are remembered.
    expect(plan.turns[1]).toMatchObject({ userMessageId: plan.messages[3]!.id, assistantMessageId: null, createdAt: at(4) });
    expect(plan.title).toBe("I moved");
    expect([plan.createdAt, plan.updatedAt]).toEqual([at(0), at(4)]);
  });

  it("derives every id from the user and the content: the same history gives the same ids, another user others", () => {
    const history = conversation([["user", "hi", 1], ["assistant", "hello", 2], ["user", "hi", 1]]);
    const a = planConversation("u1", history);
    const again = planConversation("u1", history);
    const other = planConversation("u2", history);
    expect(again).toEqual(a);
    expect(other.id).not.toBe(a.id);
    expect(other.messages[0]!.id).not.toBe(a.messages[0]!.id);
    // The same words at the same instant twice are two messages.
    expect(new Set(a.messages.map((m) => m.id)).size).toBe(3);
    // Without an external id the content is the key.
    expect(planConversation("u1", { ...history, externalId: null }).importKey).toMatch(/^sha:/);
    expect(a.importKey).toBe("ext:c1");
  });

  it("makes RFC 9562 version 8 uuids", () => {
    expect(derivedUuid("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
