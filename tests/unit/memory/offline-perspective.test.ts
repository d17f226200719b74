import { describe, expect, it } from "vitest";
import {
  conditionAboutUser,
  fromAssistantToUser,
  thirdPersonVerb,
  toThirdPerson,
} from "@/lib/memory/extractors/offline/perspective";

describe("toThirdPerson", () => {
  it.each([
    ["cooking for my family", "cooking for their family"],
    ["the one my dad sang to me", "the one their dad sang to them"],
    ["treat myself on Fridays", "treat themselves on Fridays"],
    ["that bike is mine", "that bike is theirs"],
    ["My mom and me", "their mom and them"],
    ["explain it like I'm five", "explain it like they're five"],
  ])("%s → %s", (input, expected) => {
    expect(toThirdPerson(input)).toBe(expected);
  });

  it("leaves words that merely contain 'me' or 'my' alone", () => {
    for (const text of ["memes", "summer games", "homemade bread", "Mario Kart is a game", "economy class", "Myanmar", "mystery novels", "World War I"]) {
      expect(toThirdPerson(text), text).toBe(text);
    }
  });
});

describe("fromAssistantToUser", () => {
  it.each([
    ["call you Captain", "call me Captain"],
    ["keep my answers short", "keep your answers short"],
    ["address you as Dr. Lee", "address me as Dr. Lee"],
    ["remind you of your appointments", "remind me of my appointments"],
  ])("%s → %s", (input, expected) => {
    expect(fromAssistantToUser(input)).toBe(expected);
  });
});

describe("conditions about the user", () => {
  it.each([
    ["ask", "asks"],
    ["watch", "watches"],
    ["copy", "copies"],
    ["say", "says"],
    ["'m", "is"],
    ["have", "has"],
    ["can't", "can't"],
  ])("%s → %s", (verb, expected) => {
    expect(thirdPersonVerb(verb)).toBe(expected);
  });

  it.each([
    ["I ask for a recipe", "the user asks for a recipe"],
    ["I'm cooking", "the user is cooking"],
    ["I mention my diet", "the user mentions their diet"],
    ["my question is about money", "the user's question is about money"],
    ["I send you code", "the user sends you code"],
    ["you don't know the answer", "you don't know the answer"],
  ])("%s → %s", (input, expected) => {
    expect(conditionAboutUser(input)).toBe(expected);
  });
});
