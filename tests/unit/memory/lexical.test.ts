import { describe, expect, it } from "vitest";
import { scoreBm25, tokenize } from "@/lib/memory/retrieval/lexical";

const docs = [
  { id: "car", text: "I drive an old Volvo, the car is blue" },
  { id: "cars", text: "car car car car, we talked about cars and the car show and car prices" },
  { id: "rare", text: "My dentist is called Dr Okafor" },
  { id: "none", text: "We had pizza" },
];

describe("scoreBm25", () => {
  it("weighs a rare word above a common one repeated, and skips documents with no term", () => {
    const common = Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`, text: `the car needed new tyres, day ${i}` }));
    const scored = scoreBm25([...docs, ...common], [{ stem: "car", weight: 1 }, { stem: "dentist", weight: 1 }], { collectionSize: 100 });
    expect(scored.map((s) => s.id)).not.toContain("none");
    expect(scored[0]!.id).toBe("rare");
    // Saturation: four times the word is not four times the score.
    const car = scored.find((s) => s.id === "car")!.score;
    const cars = scored.find((s) => s.id === "cars")!.score;
    expect(cars).toBeGreaterThan(car);
    expect(cars).toBeLessThan(2.5 * car);
  });

  it("matches stems as prefixes, exact terms whole, and weighs expansions down", () => {
    const prefix = scoreBm25([{ id: "a", text: "allergic to peanuts" }], [{ stem: "allerg", weight: 1 }], { collectionSize: 10 });
    expect(prefix).toHaveLength(1);
    const exact = scoreBm25([{ id: "a", text: "cathedral" }], [{ stem: "cat", exact: true, weight: 1 }], { collectionSize: 10 });
    expect(exact).toEqual([]);
    const own = scoreBm25([{ id: "d", text: "a dog" }], [{ stem: "dog", weight: 1 }], { collectionSize: 10 })[0]!.score;
    const expanded = scoreBm25([{ id: "d", text: "a dog" }], [{ stem: "dog", weight: 0.5 }], { collectionSize: 10 })[0]!.score;
    expect(expanded).toBeCloseTo(own / 2);
  });

  it("gives coverage in [0, 1]: all terms present is near 1, one of three much less", () => {
    const terms = [{ stem: "dentist", weight: 1 }, { stem: "okafor", weight: 1 }, { stem: "tuesday", weight: 1 }];
    const [full] = scoreBm25([{ id: "x", text: "dentist Okafor on Tuesday" }, ...docs], terms, { collectionSize: 50 });
    const [part] = scoreBm25([{ id: "y", text: "my dentist" }, ...docs], terms, { collectionSize: 50 });
    expect(full!.coverage).toBeGreaterThan(0.8);
    expect(full!.coverage).toBeLessThanOrEqual(1);
    expect(part!.coverage).toBeLessThan(full!.coverage - 0.3);
    // Saying one of the words twice in a short memory does not make it hold more of the question.
    const scored = scoreBm25([{ id: "z", text: "Okafor, Okafor" }, ...docs], terms, { collectionSize: 50 });
    const repeated = scored.find((s) => s.id === "z")!;
    const rare = scored.find((s) => s.id === "rare")!;
    expect(repeated.coverage).toBeLessThan(0.4);
    expect(repeated.coverage).toBeLessThan(rare.coverage);
  });

  it("tokenizes like Postgres's simple parser: lower-case letter and digit runs", () => {
    expect(tokenize("Zoë's 2 cats, Née!")).toEqual(["zoë", "s", "2", "cats", "née"]);
  });
});
