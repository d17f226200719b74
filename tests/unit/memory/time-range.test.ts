import { describe, expect, it } from "vitest";
import { timeRangeOf } from "@/lib/memory/retrieval/time-range";

// A Thursday in early summer.
const now = new Date("2026-06-11T15:00:00Z");
const iso = (d: Date) => d.toISOString().slice(0, 10);
const of = (q: string) => {
  const r = timeRangeOf(q, now);
  return r ? [iso(r.from), iso(r.to)] : null;
};

describe("timeRangeOf", () => {
  it("reads days and weeks", () => {
    expect(of("what did I say yesterday?")).toEqual(["2026-06-10", "2026-06-11"]);
    expect(of("anything from today")).toEqual(["2026-06-11", "2026-06-12"]);
    expect(of("last week I mentioned a book")).toEqual(["2026-05-31", "2026-06-07"]);
    expect(of("what did I do last Tuesday")).toEqual(["2026-06-09", "2026-06-10"]);
    expect(of("two weeks ago")).toEqual(["2026-05-24", "2026-06-01"]); // half a week either side
  });

  it("reads months, seasons and years, in the past", () => {
    expect(of("where was I living last spring?")).toEqual(["2026-03-01", "2026-06-01"]);
    // It is summer now: "last summer" is the one before.
    expect(of("what did I do last summer")).toEqual(["2025-06-01", "2025-09-01"]);
    expect(of("this summer")).toEqual(["2026-06-01", "2026-09-01"]);
    expect(of("in winter 2024")).toEqual(["2023-12-01", "2024-03-01"]);
    expect(of("what did I say in March?")).toEqual(["2026-03-01", "2026-04-01"]);
    expect(of("in September")).toEqual(["2025-09-01", "2025-10-01"]);
    expect(of("back in October 2023")).toEqual(["2023-10-01", "2023-11-01"]);
    expect(of("what happened in 2024")).toEqual(["2024-01-01", "2025-01-01"]);
    expect(of("last month")).toEqual(["2026-05-01", "2026-06-01"]);
    expect(of("last year")).toEqual(["2025-01-01", "2026-01-01"]);
  });

  it("names nothing when there is no period, and does not take the verb 'may' for May", () => {
    expect(of("What's my dog's name?")).toBeNull();
    expect(of("I may be late, what should I cook?")).toBeNull();
    expect(of("in May")).toEqual(["2026-05-01", "2026-06-01"]);
  });
});
