import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { getActiveMemoriesByUserId } from "@/db/queries/memories";
import { createExtractMemories } from "@/inngest/functions/extract-memories";
import { createOfflineExtractor } from "@/lib/memory/extractors/offline";
import { loadTurn, PREVIOUS_MESSAGE_CHARS } from "@/lib/memory/pipeline";
import { seedTurn } from "./fixtures";

describe("loadTurn: the previous exchange", () => {
  it("is absent for the first turn of a conversation", async () => {
    const first = await seedTurn({ userText: "Hi!", assistantText: "Hello! Shall I call you Captain?" });
    const loaded = await loadTurn(first.turnId);
    expect(loaded).not.toBeNull();
    expect(loaded!.previous).toBeUndefined();
    expect("previous" in loaded!).toBe(false);
  });

  it("is the latest earlier turn of the same conversation, never another conversation's", async () => {
    const first = await seedTurn({ userText: "I live in Lisbon.", assistantText: "Lisbon is lovely!" });
    const second = await seedTurn({
      userText: "Ahoy!",
      assistantText: "Ahoy! Shall I call you Captain?",
      userId: first.userId,
      conversationId: first.conversationId,
    });
    // Same user, another conversation, written after: not part of this conversation's history.
    await seedTurn({ userText: "Unrelated", assistantText: "Sure.", userId: first.userId });
    const third = await seedTurn({ userText: "yes, please do", userId: first.userId, conversationId: first.conversationId });

    expect((await loadTurn(second.turnId))!.previous).toEqual({ userMessage: "I live in Lisbon.", assistantMessage: "Lisbon is lovely!" });
    const loaded = (await loadTurn(third.turnId))!;
    expect(loaded.previous).toEqual({ userMessage: "Ahoy!", assistantMessage: "Ahoy! Shall I call you Captain?" });
    // It travels through step state as JSON.
    expect(JSON.parse(JSON.stringify(loaded))).toEqual(loaded);
  });

  it("keeps only the end of long messages, where an offer or the corrected statement is", async () => {
    const long = `${"Here is a long answer. ".repeat(400)}Do you want me to keep answers short?`;
    const first = await seedTurn({ userText: "Explain everything.", assistantText: long });
    const second = await seedTurn({ userText: "yes", userId: first.userId, conversationId: first.conversationId });
    const previous = (await loadTurn(second.turnId))!.previous!;
    expect(previous.assistantMessage.length).toBeLessThanOrEqual(PREVIOUS_MESSAGE_CHARS);
    expect(previous.assistantMessage.endsWith("Do you want me to keep answers short?")).toBe(true);
  });

  it("lets the extraction pipeline store a confirmed offer", async () => {
    const first = await seedTurn({ userText: "Ahoy!", assistantText: "Ahoy! Shall I call you Captain?" });
    const second = await seedTurn({ userText: "yes, please do", userId: first.userId, conversationId: first.conversationId });
    const engine = new InngestTestEngine({
      function: createExtractMemories({ extractor: () => createOfflineExtractor() }),
      events: [{ name: "chat/turn.completed", data: second }],
    });
    const { result } = await engine.execute();
    expect(result).toMatchObject({ status: "done" });
    const procedural = await getActiveMemoriesByUserId({ userId: first.userId, type: "procedural" });
    expect(procedural.map((m) => [m.key, m.content])).toEqual([["address_as", "Address the user as Captain"]]);
  });
});

describe("loadTurn: who wrote the reply", () => {
  it("marks the offline model's reply, so its template text never becomes a memory", async () => {
    const stock = "Noted! I'm the offline model, so I can't look that up, but I'll remember it.";
    const offline = await seedTurn({ userText: "I'm planning a trip to Porto in June.", assistantText: stock, model: "offline" });
    const real = await seedTurn({ userText: "I'm planning a trip to Oslo in May.", assistantText: "Oslo in May is bright.", model: "gpt-4o-mini" });
    expect((await loadTurn(offline.turnId))!.replyAuthor).toBe("offline-model");
    expect((await loadTurn(real.turnId))!.replyAuthor).toBe("model");

    const engine = new InngestTestEngine({
      function: createExtractMemories({ extractor: () => createOfflineExtractor() }),
      events: [{ name: "chat/turn.completed", data: offline }],
    });
    expect((await engine.execute()).result).toMatchObject({ status: "done" });
    const stored = await getActiveMemoriesByUserId({ userId: offline.userId, type: "episodic" });
    expect(stored.map((m) => m.content).join(" ")).toContain("Porto");
    expect(stored.some((m) => /offline model|replied/.test(m.content))).toBe(false);
  });
});
