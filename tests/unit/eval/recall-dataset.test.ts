import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Bm25 } from "@/eval/recall/bm25";
import { loadLocomo, parseLocomoDate, SYNTHETIC_DIR } from "@/eval/recall/dataset";

describe("the evaluation's BM25 floor", () => {
  it("scores by Okapi BM25 with k1 1.2 and b 0.75", () => {
    const docs = ["red kite over the hill", "a kite", "blue sea", "red red boat"];
    const bm25 = new Bm25(docs.map((text, i) => ({ item: i, text })));
    // By hand for "kite": n 4, df 2, avgdl 3; document 1 has length 2, tf 1.
    const idf = Math.log(1 + (4 - 2 + 0.5) / (2 + 0.5));
    const expected = (idf * 1 * 2.2) / (1 + 1.2 * (1 - 0.75 + (0.75 * 2) / 3));
    const ranked = bm25.rank("kite");
    expect(ranked.map((r) => r.item)).toEqual([1, 0]);
    expect(ranked[0]!.score).toBeCloseTo(expected, 10);
    // On one occurrence each, the shorter document wins; a word said twice wins; no match scores nothing.
    expect(bm25.rank("submarine")).toEqual([]);
    expect(bm25.rank("red").map((r) => r.item)).toEqual([3, 0]);
  });
});

describe("the LoCoMo reader", () => {
  it("reads a session date as that instant in UTC", () => {
    expect(parseLocomoDate("1:47 pm on 18 May, 2023").toISOString()).toBe("2023-05-18T13:47:00.000Z");
    expect(parseLocomoDate("12:05 am on 3 January 2024").toISOString()).toBe("2024-01-03T00:05:00.000Z");
    expect(() => parseLocomoDate("yesterday")).toThrow(/session date/);
  });

  it("takes speaker_a as the user, each session as a dated conversation, and the questions with their evidence", () => {
    // The format only, in this project's own words.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "locomo-")), "tiny.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        speaker_a: "Ada",
        speaker_b: "Ben",
        session_2: [{ speaker: "Ada", dia_id: "D2:1", text: "Back from the lake." }],
        session_2_date_time: "9:00 am on 2 June, 2023",
        session_1: [
          { speaker: "Ben", dia_id: "D1:1", text: "How was the race?" },
          { speaker: "Ada", dia_id: "D1:2", text: "I came third in the 10k." },
        ],
        session_1_date_time: "6:30 pm on 20 May, 2023",
        qa: [{ question: "Where did Ada finish?", answer: "third", evidence: ["D1:2"], category: 4 }],
      }),
    );
    const data = loadLocomo(file);
    const [user] = data.users;
    expect(user!.id).toBe("Ada");
    expect(user!.conversations.map((c) => c.externalId)).toEqual(["locomo-session-1", "locomo-session-2"]);
    expect(user!.conversations[0]!.messages).toEqual([
      { id: "D1:1", role: "assistant", text: "How was the race?", createdAt: "2023-05-20T18:30:00.000Z" },
      { id: "D1:2", role: "user", text: "I came third in the 10k.", createdAt: "2023-05-20T18:30:30.000Z" },
    ]);
    expect(user!.questions).toEqual([{ id: "q1", category: "single-hop", question: "Where did Ada finish?", answer: "third", evidence: ["D1:2"] }]);
  });
});

describe("the synthetic dataset", () => {
  it("passes its own validator (format, sizes, dated sessions, evidence that exists)", () => {
    const out = execFileSync(process.execPath, [path.join(SYNTHETIC_DIR, "validate.mjs")], { encoding: "utf8" });
    expect(out).toMatch(/question/i);
  });
});
