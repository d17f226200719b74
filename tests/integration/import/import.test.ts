import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getActiveMemoriesByUserId } from "@/db/queries/memories";
import { getImportStatusById } from "@/db/queries/imports";
import { getConversationsByUserId } from "@/db/queries/conversations";
import { getMessagesByConversationId } from "@/db/queries/messages";
import { createGuestUser } from "@/db/queries/users";
import { memories, turns } from "@/db/schema";
import { importHistory, parseImport } from "@/lib/import";
import { createOfflineExtractor } from "@/lib/memory/extractors/offline";
import { processTurnNow } from "@/lib/memory/pipeline";
import { seedTurn } from "../pipeline/fixtures";

const history = (messages: [string, string, string][], externalId = "trip") =>
  parseImport({
    format: "jarvus",
    conversations: [{ externalId, title: "Old chats", messages: messages.map(([role, text, createdAt]) => ({ role, text, createdAt })) }],
  });

const LISBON: [string, string, string][] = [
  ["user", "Hi! I live in Lisbon and I'm allergic to shellfish.", "2023-03-14T18:00:00Z"],
  ["assistant", "Good to know.", "2023-03-14T18:00:09Z"],
  ["user", "Can you plan a weekend in Porto?", "2023-03-14T18:02:00Z"],
  ["assistant", "Sure: day one…", "2023-03-14T18:02:30Z"],
];

describe("importing history", () => {
  it("keeps the original times, makes a pending imported turn per exchange, and adds nothing the second time", async () => {
    const { id: userId } = await createGuestUser();
    const first = await importHistory({ userId, parsed: history(LISBON) });
    expect(first.conversations).toBe(1);
    expect(first.turns).toHaveLength(2);

    const [conversation] = await getConversationsByUserId({ userId });
    expect(conversation?.updatedAt.toISOString()).toBe("2023-03-14T18:02:30.000Z");
    const stored = await getMessagesByConversationId({ userId, conversationId: conversation!.id });
    expect(stored.map((m) => [m.role, m.createdAt.toISOString()])).toEqual(LISBON.map(([role, , at]) => [role, new Date(at).toISOString()]));
    const rows = await getDb().select().from(turns).where(eq(turns.userId, userId));
    expect(rows.every((t) => t.source === "import" && t.memoryStatus === "pending" && t.importId === first.importId)).toBe(true);
    expect(rows.map((t) => t.createdAt.toISOString()).sort()).toEqual(["2023-03-14T18:00:00.000Z", "2023-03-14T18:02:00.000Z"]);

    const again = await importHistory({ userId, parsed: history(LISBON) });
    expect([again.conversations, again.turns.length]).toEqual([0, 0]);
    expect(await getMessagesByConversationId({ userId, conversationId: conversation!.id })).toHaveLength(4);

    // A later export of the same conversation adds only its new exchange.
    const later = await importHistory({
      userId,
      parsed: history([...LISBON, ["user", "I adopted a cat named Miso.", "2023-04-01T09:00:00Z"]]),
    });
    expect([later.conversations, later.turns.length]).toEqual([0, 1]);
    expect(await getImportStatusById({ userId, id: later.importId })).toEqual({
      id: later.importId,
      status: "processing",
      turns: { total: 1, done: 0, failed: 0, pending: 1 },
    });
  });

  it("recognises the same content again without externalIds, and only for the same user", async () => {
    const anonymous = () =>
      parseImport({
        format: "jarvus",
        conversations: [{ messages: LISBON.map(([role, text, createdAt]) => ({ role, text, createdAt })) }],
      });
    const { id: userId } = await createGuestUser();
    const first = await importHistory({ userId, parsed: anonymous() });
    expect([first.conversations, first.turns.length]).toEqual([1, 2]);
    const again = await importHistory({ userId, parsed: anonymous() });
    expect([again.conversations, again.turns.length]).toEqual([0, 0]);
    expect(await getConversationsByUserId({ userId })).toHaveLength(1);
    const { id: other } = await createGuestUser();
    const theirs = await importHistory({ userId: other, parsed: anonymous() });
    expect([theirs.conversations, theirs.turns.length]).toEqual([1, 2]);
  });

  it("reports progress as the pipeline works through the turns; another user's import is not found", async () => {
    const { id: userId } = await createGuestUser();
    const saved = await importHistory({ userId, parsed: history(LISBON) });
    const extractor = createOfflineExtractor();
    await processTurnNow(saved.turns[0]!.id, extractor);
    expect((await getImportStatusById({ userId, id: saved.importId }))?.turns).toEqual({ total: 2, done: 1, failed: 0, pending: 1 });
    await processTurnNow(saved.turns[1]!.id, extractor);
    expect(await getImportStatusById({ userId, id: saved.importId })).toMatchObject({ status: "done", turns: { done: 2, pending: 0 } });
    const { id: stranger } = await createGuestUser();
    expect(await getImportStatusById({ userId: stranger, id: saved.importId })).toBeUndefined();
  });

  it("memories are valid from when it was said, and an older fact imported later never supersedes a newer one", async () => {
    // Said today: Berlin.
    const live = await seedTurn({ userText: "I live in Berlin now." });
    const extractor = createOfflineExtractor();
    expect(await processTurnNow(live.turnId, extractor)).toBe("done");
    // Then March 2023 history arrives: Lisbon (older) and an allergy (new information).
    const saved = await importHistory({ userId: live.userId, parsed: history(LISBON) });
    for (const t of saved.turns) await processTurnNow(t.id, extractor);

    const facts = await getActiveMemoriesByUserId({ userId: live.userId, type: "semantic" });
    const city = facts.find((f) => f.key === "home_city");
    expect(city?.content).toMatch(/Berlin/);
    const allergy = facts.find((f) => /shellfish/i.test(f.content));
    expect(allergy?.validFrom.toISOString()).toBe("2023-03-14T18:00:00.000Z");
    // Lisbon never became the current value, and Berlin was not superseded.
    const berlin = await getDb().select().from(memories).where(and(eq(memories.userId, live.userId), eq(memories.key, "home_city")));
    expect(berlin.filter((m) => m.invalidatedAt === null).map((m) => m.content)).toEqual([city?.content]);
  });

  it("a conversation that opens with the other side's words keeps their start with the user's first turn, and only there", async () => {
    const { id: userId } = await createGuestUser();
    const saved = await importHistory({
      userId,
      parsed: history(
        [
          ["assistant", "Hey Evan! I finally went to the support group yesterday.", "2023-05-18T13:47:00Z"],
          ["user", "That's great news! I started pottery classes this week.", "2023-05-18T13:47:30Z"],
          ["assistant", "Pottery, nice!", "2023-05-18T13:48:00Z"],
          ["user", "My teacher is called Mira and she is very patient.", "2023-05-18T13:48:30Z"],
          ["assistant", "Sounds lovely.", "2023-05-18T13:49:00Z"],
        ],
        "opens-with-the-other-side",
      ),
    });
    const extractor = createOfflineExtractor();
    for (const t of saved.turns) expect(await processTurnNow(t.id, extractor)).toBe("done");
    const [first, second] = saved.turns;
    const episodes = await getActiveMemoriesByUserId({ userId, type: "episodic" });
    const of = (turnId: string) => episodes.filter((m) => m.sourceTurnId === turnId).map((m) => m.content);
    // Both rows share the turn's time, so their order is not fixed.
    expect(of(first!.id)).toHaveLength(2);
    expect(of(first!.id)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("I started pottery classes this week"),
        "assistant opened the conversation with “Hey Evan! I finally went to the support group yesterday.”",
      ]),
    );
    expect(of(second!.id).join("\n")).not.toContain("opened the conversation");
    // Dated as the exchange it opened.
    const opener = episodes.find((m) => m.content.startsWith("assistant opened"));
    expect(opener?.validFrom.toISOString()).toBe("2023-05-18T13:47:30.000Z");
    // The opener is the other side's, never a fact about the user.
    const facts = await getActiveMemoriesByUserId({ userId, type: "semantic" });
    expect(facts.map((f) => f.content).join("\n")).not.toMatch(/support group/i);
  });
});

