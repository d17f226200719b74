import { describe, expect, it } from "vitest";
import { EPISODE_MAX_CHARS, episodeContents, OPENER_CHARS, PASSAGE_CHARS, replyGist, replyGistOf, withoutReplyGist } from "@/lib/memory/episodes";

describe("episodeContents", () => {
  it("quotes the user's words and follows the first passage with what the assistant did", () => {
    expect(episodeContents({ said: "I'm off to Lisbon on Friday", did: "getCurrentTime (Europe/Lisbon) → 14:05" })).toEqual([
      "“I'm off to Lisbon on Friday” — assistant: getCurrentTime (Europe/Lisbon) → 14:05",
    ]);
  });

  it("splits a long message into passages that each stay within PASSAGE_CHARS, and cuts at EPISODE_MAX_CHARS", () => {
    const sentence = "My sister Ana moved to Porto last spring and opened a bakery near the river. ";
    const rows = episodeContents({ said: sentence.repeat(100), did: null });
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(PASSAGE_CHARS + 2);
    expect(rows.join("").length).toBeLessThan(EPISODE_MAX_CHARS + rows.length * 3 + 2);
  });

  it("keeps the start of the conversation's opening message as a row of its own, after the user's words", () => {
    const opener = "Hey Evan! I finally went to the support group yesterday. It was great. How have you been?";
    const rows = episodeContents({ said: "Good to hear! I've been busy with the new job.", did: null, opener });
    expect(rows).toEqual([
      "“Good to hear! I've been busy with the new job.”",
      `assistant opened the conversation with “${opener}”`,
    ]);
    // Bounded, at a sentence end where it can be.
    const long = episodeContents({ said: "Thanks.", did: null, opener: "I went hiking at dawn. ".repeat(40) })[1]!;
    expect(long.length).toBeLessThanOrEqual(OPENER_CHARS + 50);
    expect(long).toMatch(/dawn\.”$/);
    // No opener, or an empty one: no row.
    expect(episodeContents({ said: "Hi there, I live in Oslo.", did: null, opener: "  " })).toHaveLength(1);
  });

  it("leaves the opener row alone when an episode's reply gist is taken out", () => {
    const [first, opened] = episodeContents({ said: "I did!", did: replyGist("Nice, tell me more."), opener: "Did you try the new cafe?" });
    expect(replyGistOf(first!)).toBe("Nice, tell me more.");
    expect(withoutReplyGist(first!)).toBe("“I did!”");
    expect(withoutReplyGist(opened!)).toBe(opened);
  });
});
