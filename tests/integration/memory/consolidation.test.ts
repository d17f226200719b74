import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import {
  deleteAllMemoriesByUserId,
  deleteMemoryById,
  exportMemoriesByUserId,
  getActiveMemoriesByUserId,
  getMemoryById,
  getMemoryHistoryByMemoryId,
  listMemoriesByUserId,
  updateMemoryById,
} from "@/db/queries/memories";
import { memories, memoryHistory, turns } from "@/db/schema";
import { storeEpisode, storeProceduralMemories, storeSemanticFacts } from "@/lib/memory/consolidate";
import type { EpisodicMemory, ProceduralMemory, SemanticFact } from "@/lib/memory/types";
import { createTurn, createUserWithConversation } from "./fixtures";

type Turn = Awaited<ReturnType<typeof createTurn>>;

function fact(content: string, value: string, overrides: Partial<SemanticFact> = {}): SemanticFact {
  return { key: null, category: "other", content, value, date: null, importance: 0.6, ...overrides };
}
const homeCity = (city: string) =>
  fact(`User lives in ${city}`, city, { key: "home_city", category: "location", importance: 0.8 });
const allergy = (what: string) => fact(`User is allergic to ${what}`, what, { category: "allergy", importance: 0.9 });

function instruction(key: string, content: string, value: string | null, action: "set" | "stop" = "set"): ProceduralMemory {
  return { key, kind: "instruction", action, content, value, importance: 0.7 };
}
function episode(did: string | null = "getCurrentTime (Europe/Lisbon) → 14:05"): EpisodicMemory {
  return { did, tools: ["getCurrentTime"], topics: ["travel"], importance: 0.4 };
}

async function newUser(): Promise<{ userId: string; conversationId: string; turn: (at?: Date) => Promise<Turn> }> {
  const { userId, conversationId } = await createUserWithConversation();
  return { userId, conversationId, turn: (createdAt) => createTurn({ userId, conversationId, createdAt }) };
}

/** Row counts of the user's memories and history: what must not move on a replay. */
async function footprint(userId: string) {
  const db = getDb();
  const [m] = await db.select({ n: count() }).from(memories).where(eq(memories.userId, userId));
  const [h] = await db.select({ n: count() }).from(memoryHistory).where(eq(memoryHistory.userId, userId));
  const active = await getActiveMemoriesByUserId({ userId });
  return { memories: m?.n, history: h?.n, active: active.map((a) => a.content).sort() };
}

async function allOf(userId: string) {
  return getDb().select().from(memories).where(eq(memories.userId, userId));
}

const none = { added: 0, updated: 0, superseded: 0 };

describe("semantic consolidation", () => {
  it("adds a fact with its structured data, source and history", async () => {
    const u = await newUser();
    const t = await u.turn();
    const counts = await storeSemanticFacts({ ...t, facts: [allergy("peanuts")] });
    expect(counts).toEqual({ added: 1, updated: 0, superseded: 0 });

    const [m] = await allOf(u.userId);
    expect(m).toMatchObject({
      type: "semantic",
      key: null,
      content: "User is allergic to peanuts",
      normalized: "is allergic to peanuts",
      data: { category: "allergy", value: "peanuts", date: null },
      importance: expect.closeTo(0.9, 5),
      sourceTurnId: t.turnId,
      sourceConversationId: t.conversationId,
      invalidatedAt: null,
      deletedAt: null,
    });
    // valid_from is when the user said it: the turn's time.
    const [turnRow] = await getDb().select().from(turns).where(eq(turns.id, t.turnId));
    expect(m?.validFrom.getTime()).toBe(turnRow?.createdAt.getTime());

    const history = await getMemoryHistoryByMemoryId({ userId: u.userId, memoryId: m!.id });
    expect(history).toEqual([
      expect.objectContaining({ action: "add", content: "User is allergic to peanuts", previousContent: null, turnId: t.turnId }),
    ]);
  });

  it("treats a repeated fact as a no-op, from the same or a later turn", async () => {
    const u = await newUser();
    await storeSemanticFacts({ ...(await u.turn()), facts: [allergy("peanuts")] });
    const before = await footprint(u.userId);
    const again = await storeSemanticFacts({
      ...(await u.turn()),
      facts: [fact("The user is allergic to peanuts.", "peanuts", { category: "allergy" }), allergy("peanuts")],
    });
    expect(again).toEqual(none);
    expect(await footprint(u.userId)).toEqual(before);
  });

  it("does not add a near-duplicate, but keeps facts that differ in value or polarity", async () => {
    const u = await newUser();
    await storeSemanticFacts({
      ...(await u.turn()),
      facts: [
        fact("User likes hiking in the mountains", "hiking in the mountains", { category: "like" }),
        fact("User's favourite programming language for hobby projects is Rust", "Rust", { category: "preference" }),
        fact("User likes strong coffee in the morning", "coffee", { category: "like" }),
      ],
    });
    const counts = await storeSemanticFacts({
      ...(await u.turn()),
      facts: [
        // Near-duplicates of the first: not added.
        fact("User likes hiking in mountains", "hiking in mountains", { category: "like" }),
        fact("user likes hiking in the mountains!!", "hiking", { category: "like" }),
        // Text almost the same, value different: a new fact.
        fact("User's favourite programming language for hobby projects is Go", "Go", { category: "preference" }),
        // One word flips the meaning: a new fact.
        fact("User does not like strong coffee in the morning", "coffee", { category: "dislike" }),
      ],
    });
    expect(counts).toEqual({ added: 2, updated: 0, superseded: 0 });
    const active = (await getActiveMemoriesByUserId({ userId: u.userId, type: "semantic" })).map((m) => m.content);
    expect(active).toHaveLength(5);
    expect(active.filter((c) => c.includes("hiking"))).toHaveLength(1);
  });

  it("supersedes a single-valued fact, keeping the old one invalidated with its history", async () => {
    const u = await newUser();
    const t1 = await u.turn();
    await storeSemanticFacts({ ...t1, facts: [homeCity("Lisbon")] });
    const t2 = await u.turn();
    const counts = await storeSemanticFacts({
      ...t2,
      facts: [fact("User moved to Berlin", "Berlin", { key: "home_city", category: "location" })],
    });
    expect(counts).toEqual({ added: 1, updated: 0, superseded: 1 });

    const rows = await allOf(u.userId);
    const lisbon = rows.find((r) => r.content === "User lives in Lisbon");
    const berlin = rows.find((r) => r.content === "User moved to Berlin");
    expect(lisbon?.invalidatedAt).toBeInstanceOf(Date);
    expect(lisbon?.supersededBy).toBe(berlin?.id);
    expect(berlin).toMatchObject({ key: "home_city", invalidatedAt: null, supersededBy: null, sourceTurnId: t2.turnId });

    const active = await getActiveMemoriesByUserId({ userId: u.userId });
    expect(active.map((m) => m.content)).toEqual(["User moved to Berlin"]);
    const listed = await listMemoriesByUserId({ userId: u.userId, includeInactive: true });
    expect(listed.map((m) => m.content).sort()).toEqual(["User lives in Lisbon", "User moved to Berlin"]);

    expect(await getMemoryHistoryByMemoryId({ userId: u.userId, memoryId: lisbon!.id })).toEqual([
      expect.objectContaining({ action: "add", turnId: t1.turnId }),
      expect.objectContaining({
        action: "supersede",
        previousContent: "User lives in Lisbon",
        content: "User moved to Berlin",
        turnId: t2.turnId,
      }),
    ]);
    expect(await getMemoryHistoryByMemoryId({ userId: u.userId, memoryId: berlin!.id })).toEqual([
      expect.objectContaining({ action: "add", content: "User moved to Berlin", turnId: t2.turnId }),
    ]);
  });

  it("keeps a single-valued fact when only the wording changes (same value)", async () => {
    const u = await newUser();
    await storeSemanticFacts({
      ...(await u.turn()),
      facts: [fact("User's name is Zed", "Zed", { key: "name", category: "identity" })],
    });
    const counts = await storeSemanticFacts({
      ...(await u.turn()),
      facts: [fact("User is called Zed", "zed", { key: "name", category: "identity" })],
    });
    expect(counts).toEqual(none);
    const renamed = await storeSemanticFacts({
      ...(await u.turn()),
      facts: [fact("User's name is Zoe", "Zoe", { key: "name", category: "identity" })],
    });
    expect(renamed).toEqual({ added: 1, updated: 0, superseded: 1 });
    expect((await getActiveMemoriesByUserId({ userId: u.userId })).map((m) => m.content)).toEqual(["User's name is Zoe"]);
  });

  it("accumulates multi-valued facts", async () => {
    const u = await newUser();
    await storeSemanticFacts({ ...(await u.turn()), facts: [allergy("peanuts")] });
    const counts = await storeSemanticFacts({ ...(await u.turn()), facts: [allergy("shellfish")] });
    expect(counts).toEqual({ added: 1, updated: 0, superseded: 0 });
    const active = await getActiveMemoriesByUserId({ userId: u.userId, type: "semantic" });
    expect(active.map((m) => m.content).sort()).toEqual(["User is allergic to peanuts", "User is allergic to shellfish"]);
  });
});

describe("procedural consolidation", () => {
  it("sets, keeps, supersedes and stops an instruction by key", async () => {
    const u = await newUser();
    const captain = instruction("address_as", "Address the user as Captain", "Captain");
    expect(await storeProceduralMemories({ ...(await u.turn()), memories: [captain] })).toEqual({
      added: 1,
      updated: 0,
      superseded: 0,
    });
    expect(
      await storeProceduralMemories({
        ...(await u.turn()),
        memories: [instruction("address_as", "Address the user as captain.", "captain")],
      }),
    ).toEqual(none);

    const t3 = await u.turn();
    expect(
      await storeProceduralMemories({
        ...t3,
        memories: [instruction("address_as", "Address the user as Boss", "Boss")],
      }),
    ).toEqual({ added: 1, updated: 0, superseded: 1 });
    const rows = await allOf(u.userId);
    const old = rows.find((r) => r.content === "Address the user as Captain");
    const boss = rows.find((r) => r.content === "Address the user as Boss");
    expect(old?.supersededBy).toBe(boss?.id);
    expect(boss?.data).toEqual({ kind: "instruction", value: "Boss" });

    const t4 = await u.turn();
    const stop = instruction("address_as", "Stop addressing the user as Boss", null, "stop");
    expect(await storeProceduralMemories({ ...t4, memories: [stop] })).toEqual({ added: 0, updated: 1, superseded: 0 });
    expect(await getActiveMemoriesByUserId({ userId: u.userId, type: "procedural" })).toEqual([]);
    const bossAfter = await getMemoryById({ userId: u.userId, id: boss!.id });
    expect(bossAfter?.invalidatedAt).toBeInstanceOf(Date);
    expect(bossAfter?.supersededBy).toBeNull();
    expect(await getMemoryHistoryByMemoryId({ userId: u.userId, memoryId: boss!.id })).toEqual([
      expect.objectContaining({ action: "add" }),
      expect.objectContaining({ action: "invalidate", previousContent: "Address the user as Boss", turnId: t4.turnId }),
    ]);
    // The stop itself is never stored; a stop with nothing active is a no-op.
    expect(await storeProceduralMemories({ ...(await u.turn()), memories: [stop] })).toEqual(none);
    expect(await allOf(u.userId)).toHaveLength(2);
  });

  it("applies a stop then a new set of the same key in one turn", async () => {
    const u = await newUser();
    await storeProceduralMemories({
      ...(await u.turn()),
      memories: [instruction("response_format", "Answer in bullet points", "bullet points")],
    });
    const t = await u.turn();
    const batch = [
      instruction("response_format", "Stop using bullet points", null, "stop"),
      instruction("response_format", "Answer in numbered lists", "numbered lists"),
    ];
    expect(await storeProceduralMemories({ ...t, memories: batch })).toEqual({ added: 1, updated: 1, superseded: 0 });
    const before = await footprint(u.userId);
    expect(await storeProceduralMemories({ ...t, memories: batch })).toEqual(none);
    expect(await footprint(u.userId)).toEqual(before);
    expect(before.active).toEqual(["Answer in numbered lists"]);
  });

  it("a set then a stop of the same key in one turn leaves nothing active", async () => {
    const u = await newUser();
    const t = await u.turn();
    const batch = [
      instruction("units", "Use metric units", "metric"),
      instruction("units", "Stop insisting on any unit system", null, "stop"),
    ];
    expect(await storeProceduralMemories({ ...t, memories: batch })).toEqual({ added: 1, updated: 1, superseded: 0 });
    expect(await storeProceduralMemories({ ...t, memories: batch })).toEqual(none);
    expect((await footprint(u.userId)).active).toEqual([]);
  });
});

describe("episodic consolidation", () => {
  it("stores the user's words verbatim, once per turn, with what the assistant did", async () => {
    const u = await newUser();
    const t = await u.turn();
    const said = "What time is it in Lisbon? I have a call with my sister there.";
    expect(await storeEpisode({ ...t, episode: episode(), said })).toEqual({ added: 1, updated: 0, superseded: 0 });
    expect(await storeEpisode({ ...t, episode: episode("something else"), said })).toEqual(none);
    expect(await storeEpisode({ ...(await u.turn()), episode: null, said: "hi" })).toEqual(none);
    const rows = await allOf(u.userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: "episodic",
      content: `“${said}” — assistant: getCurrentTime (Europe/Lisbon) → 14:05`,
      data: { tools: ["getCurrentTime"], topics: ["travel"] },
    });
  });

  it("splits a long message into passages, each its own searchable row of the turn", async () => {
    const u = await newUser();
    const t = await u.turn();
    const sentence = (i: number) => `On day ${i} of the trip we walked along the river and ate at a small place near the bridge.`;
    const said = Array.from({ length: 20 }, (_, i) => sentence(i + 1)).join(" ");
    const counts = await storeEpisode({ ...t, episode: episode(null), said });
    const rows = (await allOf(u.userId)).filter((r) => r.type === "episodic");
    expect(rows.length).toBeGreaterThan(2);
    expect(counts.added).toBe(rows.length);
    expect(rows.every((r) => r.sourceTurnId === t.turnId && r.content.length <= 610)).toBe(true);
    // Nothing lost, nothing repeated: the passages are the message, in order.
    const joined = rows
      .sort((a, b) => Number(a.data.passage) - Number(b.data.passage))
      .map((r) => r.content.replace(/^“|”$/g, ""))
      .join(" ");
    expect(joined).toBe(said);
    expect(rows.map((r) => r.data.passages)).toEqual(rows.map(() => rows.length));
  });
});

describe("idempotency", () => {
  async function storeTurn(t: Turn, parts: { semantic?: boolean; procedural?: boolean; episodic?: boolean } = {}) {
    const all = !parts.semantic && !parts.procedural && !parts.episodic;
    return {
      semantic:
        all || parts.semantic
          ? await storeSemanticFacts({ ...t, facts: [homeCity("Berlin"), allergy("peanuts"), allergy("peanuts")] })
          : none,
      procedural:
        all || parts.procedural
          ? await storeProceduralMemories({
              ...t,
              memories: [
                instruction("address_as", "Address the user as Boss", "Boss"),
                instruction("emoji", "Stop using emojis", null, "stop"),
              ],
            })
          : none,
      episodic: all || parts.episodic ? await storeEpisode({ ...t, episode: episode(), said: "I moved to Berlin." }) : none,
    };
  }

  async function userWithHistory() {
    const u = await newUser();
    const t0 = await u.turn();
    await storeSemanticFacts({ ...t0, facts: [homeCity("Lisbon")] });
    await storeProceduralMemories({
      ...t0,
      memories: [
        instruction("address_as", "Address the user as Captain", "Captain"),
        instruction("emoji", "Use emojis", "emojis"),
      ],
    });
    return u;
  }

  it("changes nothing when the same turn is stored twice", async () => {
    const u = await userWithHistory();
    const t = await u.turn();
    const first = await storeTurn(t);
    expect(first).toEqual({
      semantic: { added: 2, updated: 0, superseded: 1 },
      procedural: { added: 1, updated: 1, superseded: 1 },
      episodic: { added: 1, updated: 0, superseded: 0 },
    });
    const before = await footprint(u.userId);
    expect(await storeTurn(t)).toEqual({ semantic: none, procedural: none, episodic: none });
    expect(await footprint(u.userId)).toEqual(before);
  });

  it("completes a partially stored turn on re-run without repeating the stored part", async () => {
    const u = await userWithHistory();
    const t = await u.turn();
    expect((await storeTurn(t, { semantic: true })).semantic).toEqual({ added: 2, updated: 0, superseded: 1 });
    const rerun = await storeTurn(t);
    expect(rerun).toEqual({
      semantic: none,
      procedural: { added: 1, updated: 1, superseded: 1 },
      episodic: { added: 1, updated: 0, superseded: 0 },
    });
    const before = await footprint(u.userId);
    expect(before.active).toEqual(
      ["Address the user as Boss", "User is allergic to peanuts", "User lives in Berlin", "“I moved to Berlin.” — assistant: getCurrentTime (Europe/Lisbon) → 14:05"].sort(),
    );
    expect(await storeTurn(t)).toEqual({ semantic: none, procedural: none, episodic: none });
    expect(await footprint(u.userId)).toEqual(before);
  });

  it("a replay of an old turn does not flip a value a later turn changed", async () => {
    const u = await newUser();
    const t1 = await u.turn(new Date(Date.now() - 60_000));
    await storeSemanticFacts({ ...t1, facts: [homeCity("Lisbon")] });
    // Turn 2 repeats Lisbon (a no-op, so it leaves no row of its own) …
    const t2 = await u.turn(new Date(Date.now() - 50_000));
    expect(await storeSemanticFacts({ ...t2, facts: [homeCity("Lisbon")] })).toEqual(none);
    // … turn 3 moves to Berlin …
    const t3 = await u.turn(new Date(Date.now() - 40_000));
    await storeSemanticFacts({ ...t3, facts: [homeCity("Berlin")] });
    const before = await footprint(u.userId);
    // … and replays of turns 1 and 2 must leave Berlin in place.
    expect(await storeSemanticFacts({ ...t1, facts: [homeCity("Lisbon")] })).toEqual(none);
    expect(await storeSemanticFacts({ ...t2, facts: [homeCity("Lisbon")] })).toEqual(none);
    expect(await footprint(u.userId)).toEqual(before);
    expect(before.active).toEqual(["User lives in Berlin"]);
  });

  it("a replay of an old turn does not bring back an instruction stopped later", async () => {
    const u = await newUser();
    const emojis = instruction("emoji", "Use emojis", "emojis");
    await storeProceduralMemories({ ...(await u.turn(new Date(Date.now() - 60_000))), memories: [emojis] });
    const repeat = await u.turn(new Date(Date.now() - 50_000));
    expect(await storeProceduralMemories({ ...repeat, memories: [emojis] })).toEqual(none);
    await storeProceduralMemories({
      ...(await u.turn(new Date(Date.now() - 40_000))),
      memories: [instruction("emoji", "Stop using emojis", null, "stop")],
    });
    const before = await footprint(u.userId);
    expect(await storeProceduralMemories({ ...repeat, memories: [emojis] })).toEqual(none);
    expect(await footprint(u.userId)).toEqual(before);
    expect(before.active).toEqual([]);
  });

  it("an older turn processed late does not override a newer one", async () => {
    const u = await newUser();
    const older = await u.turn(new Date(Date.now() - 60_000));
    const newer = await u.turn(new Date(Date.now() - 30_000));
    await storeSemanticFacts({ ...newer, facts: [homeCity("Berlin")] });
    await storeProceduralMemories({ ...newer, memories: [instruction("address_as", "Call the user Boss", "Boss")] });
    expect(await storeSemanticFacts({ ...older, facts: [homeCity("Lisbon")] })).toEqual(none);
    expect(
      await storeProceduralMemories({
        ...older,
        memories: [
          instruction("address_as", "Call the user Sir", "Sir"),
          instruction("address_as", "Stop calling the user Boss", null, "stop"),
        ],
      }),
    ).toEqual(none);
    expect((await footprint(u.userId)).active).toEqual(["Call the user Boss", "User lives in Berlin"]);
  });

  it("a replay does not resurrect a deleted memory or undo an edit", async () => {
    const u = await newUser();
    const t = await u.turn(new Date(Date.now() - 60_000));
    const output = { facts: [allergy("peanuts"), homeCity("Lisbon")] };
    await storeSemanticFacts({ ...t, ...output });
    const rows = await allOf(u.userId);
    const peanuts = rows.find((r) => r.content.includes("peanuts"))!;
    const lisbon = rows.find((r) => r.content.includes("Lisbon"))!;
    expect(await deleteMemoryById({ userId: u.userId, id: peanuts.id })).toBe(true);
    await updateMemoryById({ userId: u.userId, id: lisbon.id, content: "User lives in Lisbon, Portugal" });
    const before = await footprint(u.userId);
    expect(await storeSemanticFacts({ ...t, ...output })).toEqual(none);
    expect(await footprint(u.userId)).toEqual(before);
    expect(before.active).toEqual(["User lives in Lisbon, Portugal"]);
  });

  it("serialises concurrent stores of one user", async () => {
    const u = await newUser();
    const t1 = await u.turn(new Date(Date.now() - 20_000));
    const t2 = await u.turn(new Date(Date.now() - 10_000));
    await Promise.all([
      storeSemanticFacts({ ...t1, facts: [homeCity("Lisbon"), allergy("peanuts")] }),
      storeSemanticFacts({ ...t1, facts: [homeCity("Lisbon"), allergy("peanuts")] }),
      storeSemanticFacts({ ...t2, facts: [homeCity("Berlin"), allergy("peanuts")] }),
    ]);
    // Whatever the order, the newer turn's city wins and nothing is stored twice.
    expect((await footprint(u.userId)).active).toEqual(["User is allergic to peanuts", "User lives in Berlin"]);
    const lisbonRows = (await allOf(u.userId)).filter((r) => r.content === "User lives in Lisbon");
    expect(lisbonRows.length).toBeLessThanOrEqual(1);
  });
});

describe("user scoping", () => {
  it("never reads or changes another user's memories", async () => {
    const owner = await newUser();
    const other = await newUser();
    const t = await owner.turn();
    await storeSemanticFacts({ ...t, facts: [allergy("peanuts")] });
    const [m] = await allOf(owner.userId);
    const id = m!.id;

    expect(await getMemoryById({ userId: other.userId, id })).toBeUndefined();
    expect(await getMemoryHistoryByMemoryId({ userId: other.userId, memoryId: id })).toBeUndefined();
    expect(await updateMemoryById({ userId: other.userId, id, content: "hacked" })).toBeUndefined();
    expect(await deleteMemoryById({ userId: other.userId, id })).toBe(false);
    expect(await listMemoriesByUserId({ userId: other.userId, q: "peanuts" })).toEqual([]);
    expect(await exportMemoriesByUserId({ userId: other.userId })).toEqual([]);

    const after = await getMemoryById({ userId: owner.userId, id });
    expect(after).toMatchObject({ content: "User is allergic to peanuts", deletedAt: null });
    expect(await getMemoryHistoryByMemoryId({ userId: owner.userId, memoryId: id })).toHaveLength(1);
  });

  it("refuses to store a turn under another user", async () => {
    const owner = await newUser();
    const other = await newUser();
    const t = await owner.turn();
    await expect(
      storeSemanticFacts({ ...t, userId: other.userId, facts: [allergy("peanuts")] }),
    ).rejects.toThrow(/does not belong/);
    expect(await allOf(other.userId)).toEqual([]);
  });
});

describe("search", () => {
  it("matches full text, substrings and typos, newest first", async () => {
    const u = await newUser();
    await storeSemanticFacts({
      ...(await u.turn()),
      facts: [allergy("peanuts"), homeCity("Lisbon"), fact("User has a dog named Rex", "Rex", { category: "pet" })],
    });
    await storeEpisode({ ...(await u.turn()), episode: episode(null), said: "I'm planning a trip to Lisbon." });
    const contents = async (q: string, type?: "semantic") =>
      (await listMemoriesByUserId({ userId: u.userId, q, type })).map((m) => m.content);

    expect(await contents("lisbon")).toEqual(["“I'm planning a trip to Lisbon.”", "User lives in Lisbon"]);
    expect(await contents("lisbon", "semantic")).toEqual(["User lives in Lisbon"]);
    expect(await contents("dog rex")).toEqual(["User has a dog named Rex"]); // full text, both words
    expect(await contents("peanutz")).toEqual(["User is allergic to peanuts"]); // typo
    expect(await contents("lisbn", "semantic")).toEqual(["User lives in Lisbon"]); // typo
    expect(await contents("allerg")).toEqual(["User is allergic to peanuts"]); // substring
    expect(await contents("100%_")).toEqual([]); // LIKE wildcards are literal
    expect(await contents("spaceship")).toEqual([]);
    // Inactive memories only on request.
    await storeSemanticFacts({ ...(await u.turn()), facts: [homeCity("Berlin")] });
    expect(await contents("lisbon", "semantic")).toEqual([]);
    expect(
      (await listMemoriesByUserId({ userId: u.userId, q: "lisbon", type: "semantic", includeInactive: true })).map(
        (m) => m.content,
      ),
    ).toEqual(["User lives in Lisbon"]);
  });
});

describe("user edits and deletes", () => {
  it("a superseded memory is history: it cannot be edited", async () => {
    const u = await newUser();
    await storeSemanticFacts({ ...(await u.turn()), facts: [homeCity("Braga")] });
    await storeSemanticFacts({ ...(await u.turn()), facts: [homeCity("Coimbra")] });
    const braga = (await listMemoriesByUserId({ userId: u.userId, includeInactive: true })).find((r) => r.content.includes("Braga"))!;
    expect(braga.invalidatedAt).toBeInstanceOf(Date);
    expect(await updateMemoryById({ userId: u.userId, id: braga.id, content: "User lives in Braga, Portugal" })).toBe("inactive");
    expect((await listMemoriesByUserId({ userId: u.userId, includeInactive: true })).find((r) => r.id === braga.id)?.content).toBe(
      "User lives in Braga",
    );
  });

  it("edit re-normalises and writes history; delete is soft and writes history", async () => {
    const u = await newUser();
    await storeSemanticFacts({ ...(await u.turn()), facts: [homeCity("Lisbon")] });
    const [m] = await allOf(u.userId);
    const id = m!.id;

    const edited = await updateMemoryById({ userId: u.userId, id, content: "  User lives in Porto  ", importance: 0.3 });
    if (edited === "inactive" || !edited) throw new Error("expected the edited memory");
    expect(edited).toMatchObject({ content: "User lives in Porto", normalized: "lives in porto" });
    expect(edited.importance).toBeCloseTo(0.3, 5);
    expect(edited.data).toEqual({ category: "location", date: null }); // the stale value is dropped
    // Nothing changed: no history row.
    await updateMemoryById({ userId: u.userId, id, content: "User lives in Porto" });

    expect(await deleteMemoryById({ userId: u.userId, id })).toBe(true);
    expect(await deleteMemoryById({ userId: u.userId, id })).toBe(false);
    expect(await getMemoryById({ userId: u.userId, id })).toBeUndefined();
    expect(await listMemoriesByUserId({ userId: u.userId, includeInactive: true })).toEqual([]);
    expect(await updateMemoryById({ userId: u.userId, id, content: "User lives in Faro" })).toBeUndefined();


    const [row] = await getDb().select().from(memories).where(eq(memories.id, id));
    expect(row?.deletedAt).toBeInstanceOf(Date);
    const history = await getDb()
      .select()
      .from(memoryHistory)
      .where(eq(memoryHistory.memoryId, id))
      .orderBy(memoryHistory.createdAt);
    expect(history.map((h) => [h.action, h.previousContent, h.content])).toEqual([
      ["add", null, "User lives in Lisbon"],
      ["edit", "User lives in Lisbon", "User lives in Porto"],
      ["delete", "User lives in Porto", null],
    ]);
    // A fact the user deleted comes back when they say it again in a new turn.
    expect(await storeSemanticFacts({ ...(await u.turn()), facts: [homeCity("Porto")] })).toEqual({
      added: 1,
      updated: 0,
      superseded: 0,
    });
  });

  it("forget everything removes only that user's memories and history", async () => {
    const a = await newUser();
    const b = await newUser();
    for (const u of [a, b]) {
      await storeSemanticFacts({ ...(await u.turn()), facts: [homeCity("Lisbon"), allergy("peanuts")] });
      await storeSemanticFacts({ ...(await u.turn()), facts: [homeCity("Berlin")] });
    }
    const bBefore = await footprint(b.userId);
    expect(await deleteAllMemoriesByUserId({ userId: a.userId })).toBe(3);
    expect(await footprint(a.userId)).toEqual({ memories: 0, history: 0, active: [] });
    expect(await footprint(b.userId)).toEqual(bBefore);
    expect(bBefore.memories).toBe(3);
  });
});

describe("export", () => {
  it("includes superseded memories and every history row, but not deleted memories", async () => {
    const u = await newUser();
    await storeSemanticFacts({ ...(await u.turn()), facts: [homeCity("Lisbon"), allergy("peanuts")] });
    await storeSemanticFacts({ ...(await u.turn()), facts: [homeCity("Berlin")] });
    const peanuts = (await allOf(u.userId)).find((r) => r.content.includes("peanuts"))!;
    await deleteMemoryById({ userId: u.userId, id: peanuts.id });

    const exported = await exportMemoriesByUserId({ userId: u.userId });
    expect(exported.map((m) => [m.content, m.history.map((h) => h.action)])).toEqual([
      ["User lives in Lisbon", ["add", "supersede"]],
      ["User lives in Berlin", ["add"]],
    ]);
    expect(exported[0]).not.toHaveProperty("search");
    expect(exported[0]?.invalidatedAt).toBeInstanceOf(Date);
    expect(
      await getDb()
        .select({ n: count() })
        .from(memories)
        .where(and(eq(memories.userId, u.userId), eq(memories.id, peanuts.id))),
    ).toEqual([{ n: 1 }]);
  });
});
