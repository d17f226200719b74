import { createOpenAI } from "@ai-sdk/openai";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { resetEnvCache } from "@/lib/env";
import { getEmbedder, type Embedder } from "@/lib/memory/embedding";
import { createOpenAIEmbedder } from "@/lib/memory/embedding/openai";
import { VectorCache } from "@/lib/memory/embedding/vector-cache";
import { USE_LITE_ID } from "@/lib/memory/embedding/use-lite";
import { retrieveMemories } from "@/lib/memory/retrieval";
import { embedPendingMemories, embedStaleMemories } from "@/lib/memory/retrieval/embeddings";
import { getFullTextCandidates } from "@/lib/memory/retrieval/queries";
import { analyzeQuery } from "@/lib/memory/retrieval/text";
import {
  detectVectorSupport,
  ensureVectorIndex,
  EXACT_SCAN_MAX_ROWS,
  explainVectorSearch,
  findVectorCandidates,
  vectorIndexName,
  type VectorPlan,
} from "@/lib/memory/retrieval/vector";
import { startOpenAITestServer, type OpenAITestServer } from "@/tests/helpers/openai-test-server";
import { createUser, seedMemories, type MemorySeed } from "./fixtures";

/**
 * Vector search on both kinds of database this suite runs against: embedded
 * PGlite (pgvector: HNSW or exact SQL) and, with TEST_DATABASE_URL, Debian's
 * PostgreSQL 15 (no pgvector: the in-process scan). Each test states what it
 * expects of both.
 */

let pgvector = false;

beforeAll(async () => {
  const { rows } = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from pg_available_extensions where name = 'vector'`,
  );
  pgvector = (rows[0]?.n ?? 0) > 0;
});

const THINGS = ["jazz", "chess", "kayaking", "sci-fi novels", "board games", "gardening", "cycling", "sketching"];
const PLACES = ["Porto", "Oslo", "Kyoto", "Denver", "Nairobi", "Quito", "Tallinn", "Hobart"];

/** Facts and episodes about hobbies and places: nothing about food, music or money. */
function distractors(n: number): MemorySeed[] {
  return Array.from({ length: n }, (_, i) => {
    const thing = THINGS[i % THINGS.length]!;
    const place = PLACES[(i * 3) % PLACES.length]!;
    return i % 4 === 3
      ? { type: "episodic" as const, content: `User chatted about ${thing} and a weekend in ${place}.`, data: { tools: [] } }
      : { content: `User enjoys ${thing} near ${place} (${i})`, data: { category: "like", value: thing } };
  });
}

async function rowsOfUser(userId: string): Promise<Array<{ model: string; dimensions: number }>> {
  const { rows } = await getDb().execute<{ model: string; dimensions: number }>(
    sql`select model, dimensions from memory_embeddings where user_id = ${userId}`,
  );
  return rows;
}

async function vectorSearch(userId: string, embedder: Embedder, query: string, perType = 30) {
  const [embedding] = await embedder.embed([query], { priority: "query" });
  return getDb().transaction(
    (tx) =>
      findVectorCandidates(tx, {
        db: getDb(),
        userId,
        model: embedder.id,
        dimensions: embedder.dimensions,
        embedding: embedding!,
        perType,
        minSimilarity: embedder.minSimilarity,
      }),
    { accessMode: "read only", isolationLevel: "repeatable read" },
  );
}

const smallPlan = (): VectorPlan => (pgvector ? "exact-sql" : "in-process");

describe("the offline embedder (USE-lite) on this database", () => {
  const embedder = getEmbedder()!;
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  it("is the default embedder, with its model id stored per row", () => {
    expect(embedder).toMatchObject({ id: USE_LITE_ID, dimensions: 512 });
  });

  it('finds "User is allergic to peanuts" for "What food can\'t I eat?", which share no word', async () => {
    const userId = await createUser();
    await seedMemories(userId, distractors(60));
    // Not an allergy-category row, so the core profile does not offer it: only a match can.
    const [peanuts] = await seedMemories(userId, [{ content: "User is allergic to peanuts", data: { category: "health" } }]);
    const query = "What food can't I eat?";
    const analyzed = analyzeQuery(query);
    const fulltext = await getFullTextCandidates(getDb(), {
      userId,
      tsquery: analyzed.tsquery!,
      wordTerms: analyzed.wordTerms,
      perType: 30,
    });
    expect(fulltext.rows).toEqual([]);

    expect(await embedPendingMemories({ userId })).toEqual({ embedded: 61 });
    expect(await rowsOfUser(userId)).toHaveLength(61);
    expect(new Set((await rowsOfUser(userId)).map((r) => `${r.model}/${r.dimensions}`))).toEqual(
      new Set([`${USE_LITE_ID}/512`]),
    );

    const { rows, plan } = await vectorSearch(userId, embedder, query);
    expect(plan).toBe(smallPlan());
    expect(rows[0]?.id).toBe(peanuts);

    // This test is about matching, not latency: a busy test machine must not turn it into a timeout.
    vi.stubEnv("MEMORY_QUERY_EMBEDDING_TIMEOUT_MS", "10000");
    resetEnvCache();
    const result = await retrieveMemories({ userId, query });
    expect(result.vector).toBe("used");
    expect(result.facts.find((f) => !f.core)?.id).toBe(peanuts);
  });
});

/**
 * A deterministic "semantic" embedding served over the OpenAI API: words of
 * one topic share an axis, so texts about the same topic are near whatever
 * their words; other words land on hashed axes of their own.
 */
const TOPICS: string[][] = [
  ["cello", "violin", "quartet", "orchestra", "instrument", "symphony", "musician"],
  ["surf", "surfing", "waves", "ocean", "beach", "tide"],
  ["mortgage", "bank", "loan", "savings", "budget", "interest"],
  ["oven", "baking", "bakes", "recipe", "flour", "roast", "kitchen"],
];
const DIMS = 32;

function topicEmbedding(text: string): number[] {
  const v = new Array<number>(DIMS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const topic = TOPICS.findIndex((t) => t.includes(word));
    if (topic >= 0) {
      v[topic]! += 1;
    } else {
      let h = 7;
      for (const ch of word) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
      v[TOPICS.length + (h % (DIMS - TOPICS.length))]! += 0.3;
    }
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function topicEmbedder(server: OpenAITestServer, modelName = "topic-embedding"): Embedder {
  return createOpenAIEmbedder({
    modelName,
    dimensions: DIMS,
    loadModel: async () => createOpenAI({ apiKey: "test", baseURL: server.baseURL }).embedding(modelName),
  });
}

describe("vector search through an OpenAI-compatible embedder", () => {
  let server: OpenAITestServer;
  let embedder: Embedder;

  beforeAll(async () => {
    server = await startOpenAITestServer({ embed: topicEmbedding, embeddingDimensions: DIMS });
    embedder = topicEmbedder(server);
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvCache();
    vi.restoreAllMocks();
  });

  it("is chosen by OPENAI_EMBEDDING_MODEL with OPENAI_BASE_URL, and finds a memory by topic", async () => {
    vi.stubEnv("OPENAI_BASE_URL", server.baseURL);
    vi.stubEnv("OPENAI_API_KEY", "test");
    vi.stubEnv("OPENAI_EMBEDDING_MODEL", "topic-embedding");
    vi.stubEnv("OPENAI_EMBEDDING_DIMENSIONS", String(DIMS));
    resetEnvCache();
    expect(getEmbedder()).toMatchObject({ id: "openai:topic-embedding", dimensions: DIMS });

    const userId = await createUser();
    await seedMemories(userId, [
      { content: "User goes surfing when the waves are high at the beach" },
      { content: "User is saving for a mortgage with the bank" },
      ...distractors(40),
    ]);
    const [cello, deletedViolin] = await seedMemories(userId, [
      { content: "User performs in a cello quartet", data: { category: "like", value: "cello" } },
      { content: "User practises violin daily", deletedAt: new Date() },
    ]);
    const before = server.embeddingRequests.length;
    // Every active memory embedded (deleted ones are not), one request per batch of 64.
    expect(await embedPendingMemories({ userId })).toEqual({ embedded: 43 });
    expect(server.embeddingRequests.length - before).toBe(1);
    expect(await embedPendingMemories({ userId })).toEqual({ embedded: 0 });

    const query = "Which orchestra instrument do I play?";
    expect(analyzeQuery(query).words).not.toContain("cello");
    const result = await retrieveMemories({ userId, query });
    expect(result.vector).toBe("used");
    expect(result.facts.filter((f) => !f.core)[0]?.id).toBe(cello);
    expect(result.facts.map((f) => f.id)).not.toContain(deletedViolin);
  });

  it("sees new and re-embedded vectors at once, and ignores a stale one until then", async () => {
    const userId = await createUser();
    const [memory] = await seedMemories(userId, [{ content: "User performs in a cello quartet" }]);
    await embedPendingMemories({ userId, embedder });
    const instrument = "Which orchestra instrument do I play?";
    expect((await vectorSearch(userId, embedder, instrument)).rows.map((r) => r.id)).toEqual([memory]);

    await getDb().execute(
      sql`update memories set content = 'User goes surfing at dawn', updated_at = now() where id = ${memory}`,
    );
    // The old vector describes the old text: not a match for anything now.
    expect((await vectorSearch(userId, embedder, instrument)).rows).toEqual([]);
    expect((await vectorSearch(userId, embedder, "ocean tide")).rows).toEqual([]);

    expect(await embedPendingMemories({ userId, embedder })).toEqual({ embedded: 1 });
    expect((await vectorSearch(userId, embedder, "ocean tide")).rows.map((r) => r.id)).toEqual([memory]);
    expect((await vectorSearch(userId, embedder, instrument)).rows).toEqual([]);

    const [bank] = await seedMemories(userId, [{ content: "User has a loan with the bank" }]);
    await embedPendingMemories({ userId, embedder });
    expect((await vectorSearch(userId, embedder, "mortgage interest")).rows.map((r) => r.id)).toEqual([bank]);
  });

  it("compares only vectors of the current model, and re-embeds the others in bounded batches", async () => {
    const userId = await createUser();
    const ids = await seedMemories(userId, [
      { content: "User bakes bread in a wood oven" },
      ...Array.from({ length: 9 }, (_, i) => ({ content: `User keeps a savings budget, note ${i}` })),
    ]);
    await embedPendingMemories({ userId, embedder });
    const next = topicEmbedder(server, "topic-embedding-v2");
    // Same server, same vectors, but another model id: never compared.
    expect((await vectorSearch(userId, next, "baking recipe")).rows).toEqual([]);
    expect((await vectorSearch(userId, embedder, "baking recipe")).rows.map((r) => r.id)).toEqual([ids[0]]);

    expect(await embedStaleMemories({ userId, embedder: next, limit: 4 })).toEqual({ embedded: 4, remaining: true });
    expect(await embedStaleMemories({ userId, embedder: next, limit: 4 })).toEqual({ embedded: 4, remaining: true });
    expect(await embedStaleMemories({ userId, embedder: next, limit: 4 })).toEqual({ embedded: 2, remaining: false });
    expect(await embedStaleMemories({ userId, embedder: next, limit: 4 })).toEqual({ embedded: 0, remaining: false });
    expect(new Set((await rowsOfUser(userId)).map((r) => r.model))).toEqual(new Set(["openai:topic-embedding-v2"]));
    expect((await vectorSearch(userId, next, "baking recipe")).rows.map((r) => r.id)).toEqual([ids[0]]);
  });

  it("answers by text search alone when the query embedding is too slow", async () => {
    const slow = await startOpenAITestServer({ embed: topicEmbedding, embeddingDimensions: DIMS, embeddingDelayMs: 2_000 });
    try {
      vi.stubEnv("MEMORY_QUERY_EMBEDDING_TIMEOUT_MS", "100");
      resetEnvCache();
      const userId = await createUser();
      const [peanuts] = await seedMemories(userId, [{ content: "User is allergic to peanuts", data: { category: "allergy" } }]);
      const started = performance.now();
      const result = await retrieveMemories({ userId, query: "am I allergic to anything?", embedder: topicEmbedder(slow) });
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(result.vector).toBe("timeout");
      expect(result.facts.map((f) => f.id)).toEqual([peanuts]);
    } finally {
      await slow.close();
    }
  });

  it("answers by text search alone when the embedder fails, without retrying on the reply's time", async () => {
    const broken = await startOpenAITestServer({ embeddingError: { status: 500, message: "down" } });
    try {
      vi.spyOn(console, "warn").mockImplementation(() => {});
      const userId = await createUser();
      const [peanuts] = await seedMemories(userId, [{ content: "User is allergic to peanuts", data: { category: "allergy" } }]);
      const result = await retrieveMemories({ userId, query: "am I allergic to anything?", embedder: topicEmbedder(broken) });
      expect(result.vector).toBe("failed");
      expect(result.facts.map((f) => f.id)).toEqual([peanuts]);
      expect(broken.embeddingRequests).toHaveLength(1);
    } finally {
      await broken.close();
    }
  });
});

/** Unit vectors of a few dimensions, made in SQL: cheap to seed by the thousand. */
const SYNTHETIC = { model: "test:synthetic", dimensions: 8 };

async function seedSyntheticVectors(userId: string, count: number): Promise<void> {
  const ids = await seedMemories(
    userId,
    Array.from({ length: count }, (_, i) => ({ content: `synthetic memory ${i}` })),
  );
  // Vectors around the axis (1, 0, …) are "near"; the rest point elsewhere.
  await getDb().execute(sql`
    insert into memory_embeddings (memory_id, user_id, model, dimensions, embedding)
    select id, ${userId}, ${SYNTHETIC.model}, ${SYNTHETIC.dimensions},
           array[0.1 + random(), random(), random(), random(), random(), random(), random(), random()]::real[]
    from unnest(${sql.param(ids)}::uuid[]) as id`);
}

const synthetic: Embedder = {
  id: SYNTHETIC.model,
  dimensions: SYNTHETIC.dimensions,
  minSimilarity: -1,
  embed: async (texts) => texts.map(() => [1, 0, 0, 0, 0, 0, 0, 0]),
};

describe("large stores", () => {
  let big: string;
  let small: string;

  beforeAll(async () => {
    big = await createUser();
    small = await createUser();
    const neighbour = await createUser();
    await seedSyntheticVectors(neighbour, 1500);
    await seedSyntheticVectors(big, EXACT_SCAN_MAX_ROWS + 300);
    await seedSyntheticVectors(small, 40);
    // What the write path does before a model's first vectors (the rows were inserted by hand here).
    expect(await ensureVectorIndex(getDb(), SYNTHETIC)).toBe(pgvector);
  }, 120_000);

  it("searches a large user's vectors through the model's HNSW index (pgvector), or the in-process scan", async () => {
    const { rows, plan } = await vectorSearch(big, synthetic, "anything");
    // The user filter does not starve the index scan: a full list of the user's own memories.
    expect(rows).toHaveLength(30);
    const { rows: mine } = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from memories where user_id = ${big} and id = any(${sql.param(rows.map((r) => r.id))}::uuid[])`,
    );
    expect(mine[0]?.n).toBe(30);
    if (pgvector) {
      expect(plan).toBe("hnsw");
      const explained = await getDb().transaction((tx) =>
        explainVectorSearch(tx, { userId: big, ...SYNTHETIC, embedding: [1, 0, 0, 0, 0, 0, 0, 0] }),
      );
      expect(explained).toContain(`Index Scan using ${vectorIndexName(SYNTHETIC.model, SYNTHETIC.dimensions)}`);
    } else {
      expect(plan).toBe("in-process");
    }
  });

  it("ranks the same nearest memories as an exact computation", async () => {
    const { rows } = await vectorSearch(big, synthetic, "anything", 10);
    const { rows: exact } = await getDb().execute<{ id: string }>(sql`
      select e.memory_id as id from memory_embeddings e
      where e.user_id = ${big} and e.model = ${SYNTHETIC.model}
      order by e.embedding[1] / sqrt((select sum(x * x) from unnest(e.embedding) x)) desc
      limit 10`);
    const found = new Set(rows.map((r) => r.id));
    // HNSW is approximate: allow one miss in the top 10.
    expect(exact.filter((r) => found.has(r.id)).length).toBeGreaterThanOrEqual(pgvector ? 9 : 10);
  });

  it("scans a small user's vectors exactly even when others' fill the index", async () => {
    const { rows, plan } = await vectorSearch(small, synthetic, "anything");
    expect(plan).toBe(smallPlan());
    expect(rows).toHaveLength(30);
  });

  it("detects pgvector as the database has it", async () => {
    expect(await detectVectorSupport(getDb())).toEqual({ pgvector });
  });
});

describe("the in-process vector cache (the search without pgvector)", () => {
  const one = [1, 0, 0, 0, 0, 0, 0, 0];
  const search = (userId: string, limit = 500) => ({ userId, ...SYNTHETIC, query: one, limit, minSimilarity: -1 });

  it("holds at most its byte budget: a user beyond it is searched over their most recently embedded vectors", async () => {
    const userId = await createUser();
    // Revisions about to gain a digit (only ever moved forward): "999…" must not sort above "1000…".
    await getDb().execute(sql`
      select setval('memory_embeddings_revision_seq', (10 ^ (floor(log(last_value + 30)) + 1))::bigint - 30)
      from memory_embeddings_revision_seq`);
    await seedSyntheticVectors(userId, 120);
    const { rows: newest } = await getDb().execute<{ id: string }>(sql`
      select memory_id as id from memory_embeddings where user_id = ${userId} order by revision desc limit 50`);
    // Pages of 7 rows: the load walks down the revisions page by page.
    const cache = new VectorCache(50 * SYNTHETIC.dimensions * 4, 7);
    const found = await cache.nearest(getDb(), search(userId));
    expect(found).toHaveLength(50);
    expect(new Set(found.map((n) => n.memoryId))).toEqual(new Set(newest.map((r) => r.id)));
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
  });

  it("evicts the least recently searched user to make room, and reloads them when asked again", async () => {
    const [a, b] = [await createUser(), await createUser()];
    await seedSyntheticVectors(a, 40);
    await seedSyntheticVectors(b, 40);
    const cache = new VectorCache(60 * SYNTHETIC.dimensions * 4);
    expect(await cache.nearest(getDb(), search(a))).toHaveLength(40);
    expect(await cache.nearest(getDb(), search(b))).toHaveLength(40);
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
    expect(await cache.nearest(getDb(), search(a))).toHaveLength(40);
  });

  it("answers nearest first, with cosine distances", async () => {
    const userId = await createUser();
    await seedSyntheticVectors(userId, 25);
    const found = await new VectorCache().nearest(getDb(), search(userId, 10));
    expect(found).toHaveLength(10);
    const distances = found.map((n) => n.distance);
    expect(distances).toEqual([...distances].sort((x, y) => x - y));
    const { rows } = await getDb().execute<{ d: number }>(sql`
      select 1 - e.embedding[1] / sqrt((select sum(x * x) from unnest(e.embedding) x)) as d
      from memory_embeddings e where e.memory_id = ${found[0]!.memoryId}`);
    expect(found[0]!.distance).toBeCloseTo(Number(rows[0]!.d), 5);
  });
});
