import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { memories } from "@/db/schema";
import { EXISTING_MEMORIES_FOR_EXTRACTION, extractType, loadTurn } from "@/lib/memory/pipeline";
import type { MemoryExtractor, MemoryType, TurnForExtraction } from "@/lib/memory/types";
import { seedTurn } from "./fixtures";

const DAY = 86_400_000;
const HOBBIES = ["jazz", "chess", "sourdough", "kayaking", "board games", "gardening", "tea", "cycling", "sketching", "opera"];
const PLACES = ["Oslo", "Kyoto", "Denver", "Nairobi", "Quito", "Tallinn", "Hobart", "Cork", "Lyon", "Perth"];

/** An LLM-kind extractor that records what it was shown and extracts nothing. */
function recordingExtractor() {
  const seen: Partial<Record<MemoryType, TurnForExtraction["existing"]>> = {};
  const extractor: MemoryExtractor = {
    kind: "llm",
    async extract(type, turn) {
      seen[type] = turn.existing;
      const empty = { semantic: { facts: [] }, procedural: { memories: [] }, episodic: { episode: null } }[type];
      return { output: empty as never };
    },
  };
  return { extractor, seen };
}

async function seedMemories(userId: string, rows: { type: MemoryType; content: string; key?: string; validFrom: Date }[]) {
  const values = rows.map((r) => ({
    id: randomUUID(),
    userId,
    type: r.type,
    key: r.key ?? null,
    content: r.content,
    normalized: r.content.toLowerCase(),
    data: { category: "other", value: null },
    importance: 0.5,
    validFrom: r.validFrom,
  }));
  for (let i = 0; i < values.length; i += 500) await getDb().insert(memories).values(values.slice(i, i + 500));
}

describe("the existing memories an LLM extractor sees", () => {
  it("are the ones relevant to the turn, not the latest: an old fact among hundreds newer is in view, and the list stays bounded", async () => {
    const turn = await seedTurn({ userText: "My dentist Dr Okafor moved her practice to Braga." });
    const now = Date.now();
    await seedMemories(turn.userId, [
      // The oldest memory of all: a "latest N" window never reaches it.
      { type: "semantic", content: "User's dentist is Dr Okafor in Porto", validFrom: new Date(now - 400 * DAY) },
      { type: "episodic", content: "The user said: \"Booked a check-up with Dr Okafor, my dentist\"", validFrom: new Date(now - 399 * DAY) },
      ...Array.from({ length: 300 }, (_, i) => ({
        type: "semantic" as const,
        content: `User ${i % 2 ? "enjoys" : "likes"} ${HOBBIES[i % 10]} with a friend from ${PLACES[Math.floor(i / 10) % 10]} (${i})`,
        validFrom: new Date(now - i * 60_000),
      })),
      ...Array.from({ length: 100 }, (_, i) => ({
        type: "episodic" as const,
        content: `The user said: "We went ${HOBBIES[i % 10]} in ${PLACES[Math.floor(i / 10) % 10]} on day ${i}"`,
        validFrom: new Date(now - i * 60_000),
      })),
    ]);
    const loaded = (await loadTurn(turn.turnId))!;
    const { extractor, seen } = recordingExtractor();
    for (const type of ["semantic", "episodic"] as const) await extractType(type, loaded, extractor);

    expect(seen.semantic!.map((m) => m.content)).toContain("User's dentist is Dr Okafor in Porto");
    expect(seen.episodic!.map((m) => m.content)[0]).toContain("Dr Okafor");
    for (const type of ["semantic", "episodic"] as const) {
      expect(seen[type]!.length).toBeGreaterThan(0);
      expect(seen[type]!.length).toBeLessThanOrEqual(EXISTING_MEMORIES_FOR_EXTRACTION);
    }
  });

  it("are not looked up for the offline extractor", async () => {
    const turn = await seedTurn({ userText: "I live in Lisbon." });
    const loaded = (await loadTurn(turn.turnId))!;
    const { extractor, seen } = recordingExtractor();
    await extractType("semantic", loaded, { ...extractor, kind: "offline" });
    expect(seen.semantic).toBeUndefined();
  });
});
