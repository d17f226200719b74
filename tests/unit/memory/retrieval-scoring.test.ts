import { describe, expect, it } from "vitest";
import {
  fuseRankedLists,
  HALF_LIFE_DAYS,
  importanceWeight,
  priorScore,
  reciprocalRankFusion,
  recencyDecay,
  RRF_K,
  W_IMPORTANCE,
  W_RECENCY,
} from "@/lib/memory/retrieval/scoring";
import { analyzeQuery, stem } from "@/lib/memory/retrieval/text";

const DAY = 86_400_000;
const now = new Date("2026-06-01T12:00:00Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * DAY);
const m = (id: string, importance = 0.5, validFrom = now) => ({ id, importance, validFrom });
const opts = { now, halfLifeDays: HALF_LIFE_DAYS.semantic };

describe("reciprocal rank fusion", () => {
  it("sums 1 / (K + rank) over the lists that ranked the memory", () => {
    expect(RRF_K).toBe(60);
    expect(reciprocalRankFusion({ fulltext: 1 })).toBeCloseTo(1 / 61, 12);
    expect(reciprocalRankFusion({ fulltext: 1, vector: 3 })).toBeCloseTo(1 / 61 + 1 / 63, 12);
    // A typo match counts half, being said in the named period 0.6, being recent 0.2.
    expect(reciprocalRankFusion({ fulltext: 2, trigram: 2, vector: 2 })).toBeCloseTo(2.5 / 62, 12);
    expect(reciprocalRankFusion({ period: 1, recent: 1 })).toBeCloseTo(0.8 / 61, 12);
    expect(reciprocalRankFusion({})).toBe(0);
  });

  it("honours k and per-list weights", () => {
    expect(reciprocalRankFusion({ vector: 1 }, { k: 0, weights: { fulltext: 1, trigram: 1, vector: 2, period: 1, recent: 1 } })).toBe(2);
  });

  it("rejects ranks that are not 1-based positions", () => {
    expect(() => reciprocalRankFusion({ fulltext: 0 })).toThrow(RangeError);
    expect(() => reciprocalRankFusion({ fulltext: 1.5 })).toThrow(RangeError);
  });
});

describe("recency and importance", () => {
  it("halves recency every half-life and never exceeds 1", () => {
    expect(recencyDecay(now, now, 30)).toBe(1);
    expect(recencyDecay(daysAgo(30), now, 30)).toBeCloseTo(0.5, 12);
    expect(recencyDecay(daysAgo(90), now, 30)).toBeCloseTo(0.125, 12);
    // a clock-skewed future date counts as now
    expect(recencyDecay(daysAgo(-5), now, 30)).toBe(1);
  });

  it("clamps importance to [0, 1]", () => {
    expect(importanceWeight(0.7)).toBe(0.7);
    expect(importanceWeight(3)).toBe(1);
    expect(importanceWeight(-1)).toBe(0);
    expect(importanceWeight(Number.NaN)).toBe(0);
  });

  it("scales the prior to one first-rank hit", () => {
    expect(priorScore(m("a", 1, now), opts)).toBeCloseTo((W_IMPORTANCE + W_RECENCY) / (RRF_K + 1), 12);
    expect(priorScore(m("a", 0, daysAgo(180)), opts)).toBeCloseTo((W_RECENCY * 0.5) / (RRF_K + 1), 12);
    // The whole prior is worth less than one first-rank hit in a list.
    expect(priorScore(m("a", 1, now), opts)).toBeLessThan(reciprocalRankFusion({ fulltext: 1 }));
  });
});

describe("fuseRankedLists", () => {
  it("puts a memory both retrievers found above ones only one found", () => {
    const [a, b, c] = [m("a"), m("b"), m("c")];
    const fused = fuseRankedLists({ fulltext: [a, b], vector: [c, b] }, opts);
    expect(fused.map((f) => f.item.id)).toEqual(["b", "a", "c"]);
    expect(fused[0]?.ranks).toEqual({ fulltext: 2, vector: 2 });
    expect(fused[0]?.score).toBeCloseTo(2 / 62 + priorScore(b, opts), 12);
  });

  it("lets importance and recency decide between equally ranked matches, not override relevance", () => {
    const important = m("important", 0.9, daysAgo(400));
    const fresh = m("fresh", 0.5, now);
    const plain = m("plain", 0.5, daysAgo(400));
    // Each is the first hit of one list: priors decide.
    const tie = fuseRankedLists({ fulltext: [plain], vector: [fresh], period: [], recent: [] }, opts);
    const tie3 = fuseRankedLists({ fulltext: [plain, important], vector: [fresh, important] }, opts);
    expect(tie3[0]?.item.id).toBe("important");
    expect(tie.map((f) => f.item.id)).toEqual(["fresh", "plain"]);
    // A memory two lists rank first beats the most important and newest single hit.
    const best = m("best", 0, daysAgo(1000));
    const top = m("top", 1, now);
    const fused = fuseRankedLists({ fulltext: [best, top], vector: [best] }, opts);
    expect(fused[0]?.item.id).toBe("best");
  });

  it("ages episodes faster than facts", () => {
    const old = m("old", 0.5, daysAgo(60));
    const facts = fuseRankedLists({ fulltext: [old] }, { now, halfLifeDays: HALF_LIFE_DAYS.semantic });
    const episodes = fuseRankedLists({ fulltext: [old] }, { now, halfLifeDays: HALF_LIFE_DAYS.episodic });
    expect(episodes[0]!.score).toBeLessThan(facts[0]!.score);
  });

  it("orders equal scores stably by id, whatever the lists' order", () => {
    const [c, a, b] = [m("c", 0.5, daysAgo(3)), m("a", 0.5, daysAgo(3)), m("b", 0.5, daysAgo(3))];
    const once = fuseRankedLists({ fulltext: [c], vector: [a, b] }, opts);
    const again = fuseRankedLists({ vector: [a, c], fulltext: [b] }, opts);
    expect(once.map((f) => f.item.id)).toEqual(["a", "c", "b"]);
    expect(again.map((f) => f.item.id)).toEqual(["a", "b", "c"]);
    const once1 = fuseRankedLists({ fulltext: [c], vector: [a] }, opts);
    const again1 = fuseRankedLists({ vector: [a], fulltext: [c] }, opts);
    expect(once1.map((f) => f.item.id)).toEqual(["a", "c"]);
    expect(again1.map((f) => f.item.id)).toEqual(["a", "c"]);
    expect(new Set(once1.map((f) => f.score)).size).toBe(1);
  });

  it("counts a repeated id once per list, at its best rank", () => {
    const a = m("a");
    const fused = fuseRankedLists({ fulltext: [a, m("b"), a] }, opts);
    expect(fused.find((f) => f.item.id === "a")?.ranks).toEqual({ fulltext: 1 });
    expect(fused.find((f) => f.item.id === "b")?.ranks).toEqual({ fulltext: 2 });
  });
});

describe("query analysis", () => {
  it("drops function words and OR-s prefix terms", () => {
    expect(analyzeQuery("What am I allergic to?")).toEqual({
      words: ["allergic"],
      wordTerms: ["allerg:*"],
      tsquery: "allerg:* | intoleran:*",
      fuzzyWords: ["allergic"],
    });
    expect(analyzeQuery("hi, how are you?").tsquery).toBeNull();
  });

  it("stems lightly for prefix matching", () => {
    expect(["allergies", "allergy", "allergic"].map(stem)).toEqual(["allerg", "allerg", "allerg"]);
    expect(stem("peanuts")).toBe("peanut");
    expect(stem("pets")).toBe("pet");
    expect(stem("bus")).toBe("bus");
  });

  it("expands category words the facts themselves rarely use", () => {
    expect(analyzeQuery("do I have pets").tsquery).toContain("dog:*");
  });

  it("lets nothing but letters and digits reach to_tsquery", () => {
    const { tsquery, words } = analyzeQuery("peanuts' & !(drop) | table:* <-> \\ 'x'");
    expect(words).toEqual(["peanuts", "drop", "table"]);
    expect(tsquery).toMatch(/^[\p{L}\p{N}:* |]+$/u);
  });

  it("offers only words long enough for trigram matching as fuzzy words", () => {
    const { fuzzyWords, words } = analyzeQuery("cat dog 2024 tuna hamster parrot");
    expect(words).toEqual(["cat", "dog", "2024", "tuna", "hamster", "parrot"]);
    expect(fuzzyWords).toEqual(["hamster", "parrot"]);
  });
});
