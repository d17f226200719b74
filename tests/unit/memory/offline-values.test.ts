import { describe, expect, it } from "vitest";
import { splitList } from "@/lib/memory/extractors/offline/normalize";
import { listPhraseAt } from "@/lib/memory/extractors/offline/values";

describe("listPhraseAt", () => {
  it.each([
    ["pizza, pasta, and sushi.", ["pizza", "pasta", "sushi"]],
    ["peanuts, shellfish and eggs", ["peanuts", "shellfish", "eggs"]],
    ["pork, beef, or lamb", ["pork", "beef", "lamb"]],
    ["Lisbon, especially in the spring", ["Lisbon"]],
    ["Paris, it's beautiful", ["Paris"]],
    ["coffee, which surprises people", ["coffee"]],
    ["hiking because it's calm, and swimming", ["hiking"]],
    ["jazz", ["jazz"]],
  ])("%s → %j", (text, items) => {
    expect(splitList(listPhraseAt(text))).toEqual(items);
  });
});
