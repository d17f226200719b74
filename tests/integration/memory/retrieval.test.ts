import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { memories, users, type MemoryType } from "@/db/schema";
import { parseMemoryContext, renderMemoryContext } from "@/lib/ai/memory-context";
import { resetEnvCache } from "@/lib/env";
import { getMemoryContext } from "@/lib/memory/context";
import { RECENT_EPISODES, retrieveMemories, type RetrievedMemories } from "@/lib/memory/retrieval";
import { estimateTokens } from "@/lib/memory/retrieval/budget";
import { getFullTextCandidates } from "@/lib/memory/retrieval/queries";
import { analyzeQuery } from "@/lib/memory/retrieval/text";

const DAY = 86_400_000;

interface Seed {
  type?: MemoryType;
  key?: string | null;
  content: string;
  data?: Record<string, unknown>;
  importance?: number;
  validFrom?: Date;
  invalidatedAt?: Date;
  supersededBy?: string;
  deletedAt?: Date;
}

/** A user of this test alone (the database is shared with other test files). */
async function newUser(): Promise<string> {
  const id = randomUUID();
  await getDb().insert(users).values({ id });
  return id;
}

/** Inserts memories as stored rows (consolidation is tested elsewhere); returns their ids in order. */
async function seed(userId: string, rows: Seed[]): Promise<string[]> {
  const values = rows.map((r) => ({
    id: randomUUID(),
    userId,
    type: r.type ?? "semantic",
    key: r.key ?? null,
    content: r.content,
    normalized: r.content.toLowerCase(),
    data: r.data ?? { category: "other", value: null },
    importance: r.importance ?? 0.5,
    validFrom: r.validFrom ?? new Date(),
    invalidatedAt: r.invalidatedAt ?? null,
    supersededBy: r.supersededBy ?? null,
    deletedAt: r.deletedAt ?? null,
  }));
  for (let i = 0; i < values.length; i += 500) await getDb().insert(memories).values(values.slice(i, i + 500));
  return values.map((v) => v.id);
}

const PLACES = ["Porto", "Oslo", "Kyoto", "Denver", "Nairobi", "Quito", "Tallinn", "Hobart", "Cork", "Lyon"];
const THINGS = ["jazz", "chess", "sourdough", "kayaking", "sci-fi novels", "board games", "gardening", "tea", "cycling", "sketching"];
const VERBS = ["likes", "enjoys", "is learning about", "reads about", "collects books on"];

/** Varied facts and episodes that share no content word with the queries below. */
function distractors(n: number, now = Date.now()): Seed[] {
  return Array.from({ length: n }, (_, i) => {
    const thing = THINGS[i % THINGS.length]!;
    const place = PLACES[(i * 7) % PLACES.length]!;
    const validFrom = new Date(now - ((i * 37) % 400) * DAY - 10 * DAY);
    if (i % 4 === 3) {
      return {
        type: "episodic" as const,
        content: `User chatted about ${thing} and a weekend in ${place}; the assistant suggested ${THINGS[(i + 3) % THINGS.length]}.`,
        data: { tools: [], topics: [thing] },
        importance: 0.3,
        validFrom,
      };
    }
    return {
      content: `User ${VERBS[i % VERBS.length]} ${thing} near ${place} (${i})`,
      data: { category: "like", value: thing },
      importance: 0.3 + (i % 5) / 10,
      validFrom,
    };
  });
}

const render = (r: RetrievedMemories) =>
  renderMemoryContext({ instructions: r.instructions, facts: r.facts, episodes: r.episodes });
const idsOf = (r: RetrievedMemories) => [...r.instructions, ...r.facts, ...r.episodes].map((m) => m.id);

// Text search only, unless a test says otherwise.
const textOnly = { embedder: null } as const;

describe("retrieveMemories: text search", () => {
  it("ranks the peanut allergy first among 200 distractors", async () => {
    const userId = await newUser();
    await seed(userId, distractors(200));
    const [peanuts] = await seed(userId, [
      {
        content: "User is allergic to peanuts",
        data: { category: "allergy", value: "peanuts" },
        importance: 0.9,
        validFrom: new Date(Date.now() - 300 * DAY),
      },
    ]);
    const result = await retrieveMemories({ userId, query: "What am I allergic to?", ...textOnly });
    expect(result.facts[0]).toMatchObject({ id: peanuts, category: "allergy", value: "peanuts" });
  });

  it("ranks a matching fact first among distractors, over an older and less important match", async () => {
    const userId = await newUser();
    await seed(userId, distractors(200));
    const [best, weaker] = await seed(userId, [
      { content: "User writes Rust for embedded firmware at work", importance: 0.8, validFrom: new Date(Date.now() - DAY) },
      { content: "User once tried Rust", importance: 0.3, validFrom: new Date(Date.now() - 390 * DAY) },
    ]);
    const result = await retrieveMemories({ userId, query: "any tips for my rust firmware?", ...textOnly });
    const ranked = result.facts.filter((f) => !f.core).map((f) => f.id);
    expect(ranked[0]).toBe(best);
    expect(ranked).toContain(weaker);
    expect(ranked.indexOf(weaker!)).toBeGreaterThan(0);
  });

  it("finds a memory through a typo by trigram similarity, which full text misses", async () => {
    const userId = await newUser();
    await seed(userId, distractors(100));
    const [lisbon] = await seed(userId, [{ content: "User is planning a trip to Lisbon in May" }]);
    const query = "What about Lisbn?";
    // Full text alone cannot see it: "lisbn" is no prefix of "lisbon".
    const analyzed = analyzeQuery(query);
    const fulltext = await getFullTextCandidates(getDb(), {
      userId,
      tsquery: analyzed.tsquery!,
      wordTerms: analyzed.wordTerms,
      perType: 30,
    });
    expect(fulltext.rows.map((r) => r.id)).not.toContain(lisbon);
    expect(fulltext.wordMatched).toEqual([false]);

    const result = await retrieveMemories({ userId, query, ...textOnly });
    expect(result.facts[0]?.id).toBe(lisbon);
  });

  it("includes the most recent episodes besides the matching ones", async () => {
    const userId = await newUser();
    const now = Date.now();
    const episodes = await seed(
      userId,
      Array.from({ length: 10 }, (_, i) => ({
        type: "episodic" as const,
        content: `User talked about the weather, conversation ${i}`,
        data: { tools: [], topics: ["weather"] },
        validFrom: new Date(now - (i + 1) * DAY),
      })),
    );
    const [tax] = await seed(userId, [
      {
        type: "episodic",
        content: "User asked how to file a tax return; the assistant listed the deadlines",
        validFrom: new Date(now - 200 * DAY),
      },
    ]);
    const result = await retrieveMemories({ userId, query: "the tax return again", ...textOnly });
    const ids = result.episodes.map((e) => e.id);
    expect(ids).toContain(tax);
    expect(ids).toEqual(expect.arrayContaining(episodes.slice(0, RECENT_EPISODES)));
    expect(ids).not.toContain(episodes[RECENT_EPISODES]);
    // The match ranks above what is only recent.
    const tax1 = result.episodes.find((e) => e.id === tax)!;
    expect(tax1.rank).toBe(1);
    expect(result.episodes.filter((e) => e.id !== tax).every((e) => (e.rank ?? 0) > 1)).toBe(true);
    // Shown as a timeline, oldest first, each with the day the conversation happened.
    expect(result.episodes[0]).toMatchObject({ id: tax, date: new Date(now - 200 * DAY).toISOString().slice(0, 10) });
    expect(result.episodes.at(-1)).toMatchObject({ id: episodes[0], date: new Date(now - DAY).toISOString().slice(0, 10) });
  });

  it("finds an episode by its reply's words and shows that reply; other episodes enter without their reply's gist", async () => {
    const userId = await newUser();
    const now = Date.now();
    const [cooking, thanks] = await seed(userId, [
      {
        type: "episodic",
        content: "“What have you been up to?” — assistant: replied “I started a cooking class for healthier meals.”",
        validFrom: new Date(now - 3 * DAY),
      },
      {
        type: "episodic",
        content: "“I made healthier meals all week” — assistant: replied “Thanks for telling me, Evan!”",
        validFrom: new Date(now - 2 * DAY),
      },
    ]);
    const result = await retrieveMemories({ userId, query: "which class for healthier meals", ...textOnly });
    const byId = new Map(result.episodes.map((e) => [e.id, e.content]));
    expect(byId.get(cooking!)).toBe("“What have you been up to?” — assistant: replied “I started a cooking class for healthier meals.”");
    expect(byId.get(thanks!)).toBe("“I made healthier meals all week”");
    expect(renderMemoryContext(result)).not.toContain("Thanks for telling me");
  });

  it("matches a two-letter word whole: 'the ER' finds the ER visit, not every 'error' and 'errand'", async () => {
    const userId = await newUser();
    const now = Date.now();
    await seed(
      userId,
      Array.from({ length: 30 }, (_, i) => ({
        type: "episodic" as const,
        content: `“Ran an errand and hit an error on the ${["printer", "laptop", "router"][i % 3]}, day ${i}”`,
        validFrom: new Date(now - (i + 5) * DAY),
      })),
    );
    const [er] = await seed(userId, [
      { type: "episodic", content: "“Ended up in the ER with a stomachache last weekend”", validFrom: new Date(now - 100 * DAY) },
    ]);
    expect(analyzeQuery("When was I in the ER?").wordTerms).toContain("er");
    const result = await retrieveMemories({ userId, query: "When was I in the ER?", ...textOnly });
    expect(result.episodes.find((e) => e.rank === 1)?.id).toBe(er);
    expect(result.episodes.filter((e) => e.content.includes("errand") && (e.rank ?? 0) > 0 && e.relevance > 0.3)).toEqual([]);
  });

  it("finds an episode by its topics alone, words its content never says", async () => {
    const userId = await newUser();
    await seed(userId, distractors(60));
    const [painting] = await seed(userId, [
      {
        type: "episodic",
        content: "“My friend got me into it last year”",
        data: { tools: [], topics: ["watercolor", "painting"] },
        validFrom: new Date(Date.now() - 200 * DAY),
      },
    ]);
    const result = await retrieveMemories({ userId, query: "How did I get into watercolor?", ...textOnly });
    expect(result.episodes.find((e) => e.rank === 1)?.id).toBe(painting);
  });

  it("lets the same words said twice enter once, the better-ranked one", async () => {
    const userId = await newUser();
    await seed(userId, distractors(40));
    const now = Date.now();
    const [newer, older] = await seed(userId, [
      { type: "episodic", content: "“I booked the ferry to Hvar for August”", validFrom: new Date(now - 20 * DAY) },
      { type: "episodic", content: "“I booked the ferry to Hvar for August!”", validFrom: new Date(now - 90 * DAY) },
    ]);
    const result = await retrieveMemories({ userId, query: "When is my ferry to Hvar?", ...textOnly });
    const hvar = result.episodes.filter((e) => e.content.includes("Hvar"));
    expect(hvar.map((e) => e.id)).toEqual([newer]);
    expect(hvar.map((e) => e.id)).not.toContain(older);
  });

  it("dates each fact with the day it was said, and the prompt shows it", async () => {
    const userId = await newUser();
    const [moved] = await seed(userId, [
      { content: "User moved to Tallinn", data: { category: "location", value: "Tallinn" }, validFrom: new Date("2023-04-18T15:00:00Z") },
    ]);
    const result = await retrieveMemories({ userId, query: "When did I move to Tallinn?", ...textOnly });
    expect(result.facts.find((f) => f.id === moved)?.date).toBe("2023-04-18");
    const rendered = renderMemoryContext(result);
    expect(parseMemoryContext(rendered).facts).toEqual([expect.objectContaining({ content: "User moved to Tallinn", said: "2023-04-18" })]);
  });

  it("always offers all active instructions and the core profile, whatever the message", async () => {
    const userId = await newUser();
    await seed(userId, distractors(50));
    const ids = await seed(userId, [
      {
        type: "procedural",
        key: "address_as",
        content: "Address the user as Captain",
        data: { kind: "instruction", value: "Captain" },
        importance: 0.8,
      },
      { type: "procedural", key: "response_format", content: "Answer in bullet points", data: { kind: "instruction", value: "bullet points" } },
      { key: "name", content: "User's name is Zed", data: { category: "identity", value: "Zed" }, importance: 0.9 },
      { key: "home_city", content: "User lives in Reykjavik", data: { category: "location", value: "Reykjavik" } },
      { content: "User is allergic to shellfish", data: { category: "allergy", value: "shellfish" } },
    ]);
    const result = await retrieveMemories({ userId, query: "hello there", ...textOnly });
    expect(result.instructions.map((i) => i.id).sort()).toEqual(ids.slice(0, 2).sort());
    expect(result.instructions[0]).toMatchObject({ key: "address_as", value: "Captain" });
    // Profile facts in key order (name first), then allergies.
    expect(result.facts.slice(0, 3).map((f) => f.id)).toEqual(ids.slice(2, 5));
    expect(result.facts.slice(0, 3).every((f) => f.core)).toBe(true);
  });

  it("never returns superseded, invalidated or deleted memories", async () => {
    const userId = await newUser();
    const [porto] = await seed(userId, [{ key: "home_city", content: "User lives in Porto", data: { category: "location", value: "Porto" } }]);
    const gone = await seed(userId, [
      // superseded by the Porto fact
      { key: "home_city", content: "User lives in Lisbon", invalidatedAt: new Date(), supersededBy: porto },
      // stopped instruction
      { type: "procedural", key: "address_as", content: "Address the user as Captain Lisbon", invalidatedAt: new Date() },
      // deleted by the user
      { content: "User is allergic to Lisbon shellfish", data: { category: "allergy" }, deletedAt: new Date() },
      { type: "episodic", content: "User planned a Lisbon trip", deletedAt: new Date() },
      // a superseded_by without invalidated_at must not leak either
      { content: "User loves Lisbon trams", supersededBy: porto },
    ]);
    const [kept] = await seed(userId, [{ content: "User loves Lisbon custard tarts" }]);
    const result = await retrieveMemories({ userId, query: "Lisbon shellfish trip trams", ...textOnly });
    const ids = idsOf(result);
    expect(ids).toContain(porto);
    expect(ids).toContain(kept);
    for (const id of gone) expect(ids).not.toContain(id);
    expect(render(result)).not.toMatch(/Captain|shellfish|trams|Lisbon trip/);
  });

  it("never returns another user's memories", async () => {
    const me = await newUser();
    const other = await newUser();
    await seed(other, [
      { content: "User is allergic to peanuts", data: { category: "allergy", value: "peanuts" } },
      { key: "name", content: "User's name is Ada", data: { category: "identity", value: "Ada" } },
      { type: "procedural", key: "tone", content: "Be very formal", data: { kind: "instruction", value: "formal" } },
      { type: "episodic", content: "User asked about peanut allergies" },
    ]);
    const [mine] = await seed(me, [{ content: "User is allergic to cats", data: { category: "allergy", value: "cats" } }]);
    const result = await retrieveMemories({ userId: me, query: "am I allergic to peanuts? what's my name?", ...textOnly });
    expect(idsOf(result)).toEqual([mine]);
  });

  it("keeps a 1000-memory store within a 2000-token budget, instructions first", async () => {
    const userId = await newUser();
    const instructionIds = await seed(
      userId,
      Array.from({ length: 5 }, (_, i) => ({
        type: "procedural" as const,
        key: `rule_${i}`,
        content: `Keep answers short and mention the ${THINGS[i]} rule number ${i}`,
        data: { kind: "instruction", value: null },
      })),
    );
    await seed(userId, distractors(995));
    const result = await retrieveMemories({ userId, query: "jazz chess tea near Porto and Kyoto", budgetTokens: 2000, ...textOnly });
    const rendered = render(result);
    expect(result.usedTokens).toBe(estimateTokens(rendered));
    expect(result.usedTokens).toBeLessThanOrEqual(2000);
    // The store holds far more than fits: the budget, not the candidate limits, is what stopped it.
    expect(result.usedTokens).toBeGreaterThan(1500);
    expect(result.instructions.map((i) => i.id).sort()).toEqual([...instructionIds].sort());

    const tight = await retrieveMemories({ userId, query: "jazz chess tea near Porto", budgetTokens: 500, ...textOnly });
    expect(tight.usedTokens).toBeLessThanOrEqual(500);
    expect(tight.instructions).toHaveLength(5);
    expect(tight.facts.length + tight.episodes.length).toBeLessThan(result.facts.length + result.episodes.length);
  });
});

describe("getMemoryContext", () => {
  afterEach(() => {
    delete process.env.MEMORY_RETRIEVAL;
    resetEnvCache();
    vi.restoreAllMocks();
  });

  it("renders what was retrieved, in the format the offline model reads back", async () => {
    const userId = await newUser();
    await seed(userId, [
      { key: "name", content: "User's name is Zed", data: { category: "identity", value: "Zed" } },
      { type: "procedural", key: "address_as", content: "Address the user as Captain", data: { kind: "instruction", value: "Captain" } },
    ]);
    const { context, memoryIds } = await getMemoryContext({ userId, query: "what's my name?" });
    expect(memoryIds).toHaveLength(2);
    expect(parseMemoryContext(context ?? "")).toMatchObject({
      instructions: [{ key: "address_as", value: "Captain" }],
      facts: [{ key: "name", value: "Zed", category: "identity" }],
      episodes: [],
    });
  });

  it("is undefined when nothing is remembered, and when retrieval is off", async () => {
    const userId = await newUser();
    expect(await getMemoryContext({ userId, query: "hi" })).toEqual({ context: undefined, memoryIds: [] });
    await seed(userId, [{ key: "name", content: "User's name is Zed" }]);
    process.env.MEMORY_RETRIEVAL = "off";
    resetEnvCache();
    expect(await getMemoryContext({ userId, query: "what's my name?" })).toEqual({ context: undefined, memoryIds: [] });
  });

  it("never throws into the chat: a failed retrieval is logged and gives undefined", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    // Not a uuid: the database rejects the query.
    await expect(getMemoryContext({ userId: "not-a-uuid", query: "what's my name?" })).resolves.toEqual({
      context: undefined,
      memoryIds: [],
    });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("retrieval failed"), expect.anything());
  });
});
