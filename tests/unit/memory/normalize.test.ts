import { describe, expect, it } from "vitest";
import {
  contentSimilarity,
  isNearDuplicate,
  isTokenSubset,
  NEAR_DUPLICATE_THRESHOLD,
  normalizeContent,
} from "@/lib/memory/normalize";

describe("normalizeContent", () => {
  it.each([
    ["User's name is Zed", "name is zed"],
    ["The user is allergic to peanuts.", "is allergic to peanuts"],
    ["  USER   likes — hiking!! ", "likes hiking"],
    ["User doesn’t like cilantro", "doesnt like cilantro"],
    ["Zoë lives in São Paulo", "zoe lives in sao paulo"],
    ["Address the user as Captain", "address the user as captain"],
    ["User has 2.5 cats", "has 2 5 cats"],
    ["Пользователь любит чай", "пользователь любит чай"],
    ["उपयोगकर्ता को चाय पसंद है", "उपयोगकर्ता को चाय पसंद है"],
    ["User", "user"], // only a leading subject is boilerplate, not the whole text
  ])("%s → %s", (input, expected) => {
    expect(normalizeContent(input)).toBe(expected);
  });

  it("is idempotent", () => {
    for (const s of ["User's user's name is Zed", "the users users", "Hello, World!", "Zoë"]) {
      const once = normalizeContent(s);
      expect(normalizeContent(once)).toBe(once);
    }
  });
});

describe("isNearDuplicate", () => {
  it.each([
    ["User is allergic to peanuts", "The user is allergic to peanuts."],
    ["User is allergic to peanuts", "User is allergic to peanut"],
    ["User likes hiking in the mountains", "User likes hiking in mountains"],
    ["User works as a software engineer at Acme", "User works as software engineer at Acme"],
    ["User enjoys playing the guitar on weekends", "User enjoys playing guitar on the weekends"],
  ])("%s ≈ %s", (a, b) => {
    expect(isNearDuplicate(a, b)).toBe(true);
    expect(isNearDuplicate(b, a)).toBe(true);
  });

  it.each([
    ["User is allergic to peanuts", "User is allergic to shellfish"],
    ["User likes cats", "User likes dogs"],
    ["User likes coffee", "User dislikes coffee"],
    ["User likes strong coffee in the morning", "User does not like strong coffee in the morning"],
    ["User wants the assistant to use bullet points in every answer", "User wants the assistant to never use bullet points in every answer"],
    ["User has 2 cats and a dog at home", "User has 3 cats and a dog at home"],
    ["User has a dog named Rex", "User has a dog named Max"],
    ["User's daughter is named Ana", "User's son is named Ana"],
    ["User likes tea", ""],
  ])("%s ≠ %s", (a, b) => {
    expect(isNearDuplicate(a, b)).toBe(false);
    expect(isNearDuplicate(b, a)).toBe(false);
  });

  it("is deterministic and symmetric, with the documented threshold", () => {
    expect(NEAR_DUPLICATE_THRESHOLD).toBe(0.85);
    const a = "User likes hiking in the mountains";
    const b = "User likes hiking in mountains";
    expect(contentSimilarity(a, b)).toBe(contentSimilarity(b, a));
    expect(contentSimilarity(a, b)).toBeGreaterThanOrEqual(NEAR_DUPLICATE_THRESHOLD);
    expect(contentSimilarity(a, a)).toBe(1);
    // Text alone cannot tell these apart; consolidation also compares the facts' values.
    expect(
      isNearDuplicate(
        "User's favourite programming language for hobby projects is Rust",
        "User's favourite programming language for hobby projects is Go",
      ),
    ).toBe(true);
  });
});

describe("isTokenSubset", () => {
  it("holds when one text's words all occur in the other", () => {
    expect(isTokenSubset("hiking", "hiking in the mountains")).toBe(true);
    expect(isTokenSubset("Peanuts", "peanut butter")).toBe(true);
    expect(isTokenSubset("Rust", "Go")).toBe(false);
    expect(isTokenSubset("", "anything")).toBe(false);
  });
});
