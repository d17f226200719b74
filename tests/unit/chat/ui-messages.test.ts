import { describe, expect, it } from "vitest";
import { textOf, titleFrom, toUIMessage } from "@/lib/chat/ui-messages";

describe("ui messages", () => {
  it("joins only text parts", () => {
    expect(
      textOf({ parts: [{ type: "text", text: "a" }, { type: "step-start" }, { type: "text", text: "b" }] }),
    ).toBe("a\nb");
  });

  it("titles a conversation from the first line, cut at a word", () => {
    expect(titleFrom("  Plan my trip\nmore")).toBe("Plan my trip");
    expect(titleFrom("")).toBe("New chat");
    const long = titleFrom("word ".repeat(30));
    expect(long.length).toBeLessThanOrEqual(61);
    expect(long.endsWith("…")).toBe(true);
    expect(long).not.toMatch(/wor…$/);
  });

  it("puts the turn id on assistant messages only", () => {
    const createdAt = new Date("2026-11-23T10:00:00Z");
    const assistant = toUIMessage({ id: "a", role: "assistant", parts: [], metadata: {}, createdAt, turnId: "t1" });
    const user = toUIMessage({ id: "u", role: "user", parts: [], metadata: {}, createdAt, turnId: null });
    expect(assistant.metadata).toEqual({ createdAt: createdAt.toISOString(), turnId: "t1" });
    expect(user.metadata).toEqual({ createdAt: createdAt.toISOString() });
  });

  it("keeps what was stored about a reply, but not an unknown shape", () => {
    const createdAt = new Date("2026-11-23T10:00:00Z");
    const partial = toUIMessage({ id: "a", role: "assistant", parts: [], metadata: { partial: true }, createdAt, turnId: "t" });
    expect(partial.metadata).toMatchObject({ partial: true, turnId: "t" });
    const odd = toUIMessage({ id: "b", role: "assistant", parts: [], metadata: { partial: "yes" }, createdAt, turnId: null });
    expect(odd.metadata).toEqual({ createdAt: createdAt.toISOString() });
  });
});
