import { describe, expect, it } from "vitest";
import { importanceLabel, importanceLevels } from "@/components/memories/format";

describe("importance in words", () => {
  it("names each band of the 0–1 score", () => {
    expect(importanceLabel(1)).toBe("Very important");
    expect(importanceLabel(0.85)).toBe("Very important");
    expect(importanceLabel(0.84)).toBe("Important");
    expect(importanceLabel(0.65)).toBe("Important");
    expect(importanceLabel(0.5)).toBe("Somewhat important");
    expect(importanceLabel(0.39)).toBe("Minor");
    expect(importanceLabel(0)).toBe("Minor");
  });

  it("each level's own value reads as that level (choosing it in the editor round-trips)", () => {
    for (const level of importanceLevels) expect(importanceLabel(level.value)).toBe(level.label);
  });
});
