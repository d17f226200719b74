import { describe, expect, it } from "vitest";
import { renderMemoryContext, type MemoryFact, type MemoryInstruction } from "@/lib/ai/memory-context";
import { CHARS_PER_TOKEN, estimateTokens, packByPriority } from "@/lib/memory/retrieval/budget";

describe("estimateTokens", () => {
  it("rounds characters / CHARS_PER_TOKEN up", () => {
    expect(CHARS_PER_TOKEN).toBe(3.5);
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abc")).toBe(1);
    expect(estimateTokens("a".repeat(7))).toBe(2);
    expect(estimateTokens("a".repeat(8))).toBe(3);
  });
});

/** Items whose cost is their size; the measure adds a fixed overhead per non-empty tier. */
const sized = (tier: string, sizes: number[]) => sizes.map((size, i) => ({ id: `${tier}${i}`, size }));
type Sized = ReturnType<typeof sized>[number];
const measureSized = (selected: Sized[][]) =>
  selected.reduce((n, tier) => n + (tier.length > 0 ? 5 : 0) + tier.reduce((s, x) => s + x.size, 0), 0);
const ids = (selected: Sized[][]) => selected.map((t) => t.map((x) => x.id));

describe("packByPriority", () => {
  it("takes everything that fits, in tier and item order", () => {
    const tiers = [sized("i", [10, 10]), sized("f", [20]), sized("e", [5])];
    const result = packByPriority({ tiers, budgetTokens: 1000, measure: measureSized });
    expect(ids(result.selected)).toEqual([["i0", "i1"], ["f0"], ["e0"]]);
    expect(result.usedTokens).toBe(5 + 20 + 5 + 20 + 5 + 5);
    expect(result.dropped).toBe(0);
  });

  it("never exceeds the budget, whatever the sizes", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 200; run++) {
      const tiers = ["i", "c", "f", "e"].map((t) =>
        sized(t, Array.from({ length: Math.floor(random() * 12) }, () => 1 + Math.floor(random() * 60))),
      );
      const budgetTokens = Math.floor(random() * 400);
      const result = packByPriority({ tiers, budgetTokens, measure: measureSized });
      expect(result.usedTokens).toBeLessThanOrEqual(budgetTokens);
      expect(result.usedTokens).toBe(measureSized(result.selected));
      const total = tiers.reduce((n, t) => n + t.length, 0);
      expect(result.selected.flat().length + result.dropped).toBe(total);
    }
  });

  it("never drops a higher-priority item while keeping a lower-priority one", () => {
    // The second instruction does not fit: no fact or episode may be kept, however small.
    const tiers = [sized("i", [40, 60, 5]), sized("f", [1]), sized("e", [1])];
    const result = packByPriority({ tiers, budgetTokens: 60, measure: measureSized });
    expect(ids(result.selected)).toEqual([["i0", "i2"], [], []]);
    expect(result.dropped).toBe(3);
  });

  it("fills the rest of a tier after one item does not fit", () => {
    const tiers = [sized("i", [5]), sized("f", [10, 50, 10, 10]), sized("e", [1])];
    const result = packByPriority({ tiers, budgetTokens: 45, measure: measureSized });
    expect(ids(result.selected)).toEqual([["i0"], ["f0", "f2", "f3"], []]);
  });

  it("is stable: the same input gives the same selection", () => {
    const tiers = [sized("i", [7, 3]), sized("f", [9, 9, 9, 9]), sized("e", [4, 4])];
    const a = packByPriority({ tiers, budgetTokens: 40, measure: measureSized });
    const b = packByPriority({ tiers, budgetTokens: 40, measure: measureSized });
    expect(ids(a.selected)).toEqual(ids(b.selected));
  });

  it("charges the rendered memory context exactly, overhead included", () => {
    const instructions: MemoryInstruction[] = Array.from({ length: 4 }, (_, i) => ({
      key: `rule_${i}`,
      content: `Instruction number ${i} about how to answer`,
      value: null,
    }));
    const facts: MemoryFact[] = Array.from({ length: 60 }, (_, i) => ({
      key: null,
      category: "like",
      content: `User likes thing number ${i} quite a lot`,
      value: `thing ${i}`,
    }));
    type Item = { kind: "i"; v: MemoryInstruction } | { kind: "f"; v: MemoryFact };
    const measure = (selected: Item[][]) => {
      const all = selected.flat();
      return estimateTokens(
        renderMemoryContext({
          instructions: all.flatMap((x) => (x.kind === "i" ? [x.v] : [])),
          facts: all.flatMap((x) => (x.kind === "f" ? [x.v] : [])),
        }),
      );
    };
    for (const budgetTokens of [100, 300, 700, 2000]) {
      const result = packByPriority<Item>({
        tiers: [instructions.map((v) => ({ kind: "i" as const, v })), facts.map((v) => ({ kind: "f" as const, v }))],
        budgetTokens,
        measure,
      });
      expect(result.usedTokens).toBeLessThanOrEqual(budgetTokens);
      const kept = result.selected.flat();
      const rendered = renderMemoryContext({
        instructions: kept.flatMap((x) => (x.kind === "i" ? [x.v] : [])),
        facts: kept.flatMap((x) => (x.kind === "f" ? [x.v] : [])),
      });
      expect(estimateTokens(rendered)).toBe(result.usedTokens);
      // Facts only ever after every instruction is in.
      if (result.selected[1]!.length > 0) expect(result.selected[0]).toHaveLength(instructions.length);
    }
  });
});
