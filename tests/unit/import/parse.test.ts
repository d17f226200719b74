import { describe, expect, it } from "vitest";
import { ImportValidationError, parseImport } from "@/lib/import";

const jarvus = (messages: unknown[], extra: Record<string, unknown> = {}) => ({
  format: "jarvus",
  conversations: [{ externalId: "c1", title: "Trip", messages, ...extra }],
});
const msg = (role: string, text: string, createdAt: string) => ({ role, text, createdAt });

function failure(body: unknown): ImportValidationError {
  try {
    parseImport(body);
  } catch (error) {
    if (error instanceof ImportValidationError) return error;
    throw error;
  }
  throw new Error("expected a validation error");
}

describe("the Jarvus format", () => {
  it("keeps each message's role, text and time, oldest first", () => {
    const parsed = parseImport(
      jarvus([msg("assistant", "Hi!", "2023-05-01T10:00:05Z"), msg("user", "I live in Lisbon", "2023-05-01T10:00:00+00:00")]),
    );
    expect(parsed.format).toBe("jarvus");
    expect(parsed.conversations[0]).toMatchObject({ externalId: "c1", title: "Trip" });
    expect(parsed.conversations[0]!.messages.map((m) => [m.role, m.createdAt.toISOString()])).toEqual([
      ["user", "2023-05-01T10:00:00.000Z"],
      ["assistant", "2023-05-01T10:00:05.000Z"],
    ]);
  });

  it("names the first bad path", () => {
    const body = {
      format: "jarvus",
      conversations: [
        { messages: [msg("user", "ok", "2023-01-01T00:00:00Z")] },
        { messages: [msg("user", "ok", "2023-01-01T00:00:00Z"), msg("user", "bad", "yesterday")] },
      ],
    };
    expect(failure(body).path).toBe("conversations[1].messages[1].createdAt");
    expect(failure(jarvus([msg("system", "x", "2023-01-01T00:00:00Z")])).path).toBe("conversations[0].messages[0].role");
    expect(failure({ format: "jarvus", conversations: [] }).path).toBe("conversations");
    expect(failure({ conversations: [] }).path).toBe("(body)");
    expect(failure({ format: "other", conversations: [] }).path).toBe("format");
  });
});

/** A ChatGPT export conversation: a tree with an edited (abandoned) branch, a system root and a tool node. */
function chatGptConversation() {
  const node = (id: string, parent: string | null, children: string[], role: string | null, text: string | null, time: number | null, extra = {}) => ({
    id,
    parent,
    children,
    message: role
      ? { id: `m-${id}`, author: { role }, content: { content_type: "text", parts: text === null ? [] : [text] }, create_time: time, metadata: extra }
      : null,
  });
  return {
    id: "conv-1",
    title: "Lisbon trip",
    create_time: 1_700_000_000,
    current_node: "d2",
    mapping: {
      root: node("root", null, ["sys"], null, null, null),
      sys: node("sys", "root", ["a"], "system", "You are ChatGPT", null, { is_visually_hidden_from_conversation: true }),
      a: node("a", "sys", ["b1", "b2"], "user", "I'm planning a trip", 1_700_000_010),
      b1: node("b1", "a", ["c1"], "assistant", "Where to? (old branch)", 1_700_000_020),
      c1: node("c1", "b1", [], "user", "Porto (old branch)", 1_700_000_030),
      b2: node("b2", "a", ["t"], "assistant", "Where to?", 1_700_000_040),
      t: node("t", "b2", ["d2"], "tool", "search results", 1_700_000_045),
      d2: node("d2", "t", [], "user", "Lisbon, in May", 1_700_000_050),
    },
  };
}

describe("ChatGPT's conversations.json", () => {
  it("follows the current branch up from current_node, keeping user and assistant text only", () => {
    const parsed = parseImport([chatGptConversation()]);
    expect(parsed.format).toBe("chatgpt");
    const c = parsed.conversations[0]!;
    expect(c).toMatchObject({ externalId: "conv-1", title: "Lisbon trip" });
    expect(c.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "I'm planning a trip"],
      ["assistant", "Where to?"],
      ["user", "Lisbon, in May"],
    ]);
    expect(c.messages[2]!.createdAt.toISOString()).toBe(new Date(1_700_000_050_000).toISOString());
  });

  it("without current_node, takes the newest leaf", () => {
    const { current_node: _dropped, ...conversation } = chatGptConversation();
    expect(parseImport([conversation]).conversations[0]!.messages.at(-1)!.text).toBe("Lisbon, in May");
  });

  it("falls back to the time before, and names the path of a message without any", () => {
    const conversation = chatGptConversation();
    conversation.mapping.d2.message!.create_time = null;
    expect(parseImport([conversation]).conversations[0]!.messages.at(-1)!.createdAt.getTime()).toBe(1_700_000_045_000);
    const timeless = { ...chatGptConversation(), create_time: null };
    for (const n of Object.values(timeless.mapping)) if (n.message) n.message.create_time = null;
    expect(failure([timeless]).path).toBe("[0].mapping.a.message.create_time");
    expect(failure([{ title: "x" }]).path).toBe("[0].mapping");
  });
});
