import { describe, expect, it } from "vitest";
import { dateGroupOf, groupByDate } from "@/components/shell/date-groups";

// A fixed local "now": 15:00 on Wednesday 2 December 2026.
const now = new Date(2026, 11, 2, 15, 0, 0);
const at = (y: number, m: number, d: number, h = 12) => new Date(y, m, d, h).toISOString();

describe("conversation date groups", () => {
  it("splits by the viewer's calendar days, not by 24-hour spans", () => {
    expect(dateGroupOf(at(2026, 11, 2, 0), now)).toBe("Today");
    expect(dateGroupOf(at(2026, 11, 1, 23), now)).toBe("Yesterday");
    expect(dateGroupOf(at(2026, 11, 1, 0), now)).toBe("Yesterday");
    expect(dateGroupOf(at(2026, 10, 30), now)).toBe("Last 7 days");
    expect(dateGroupOf(at(2026, 10, 26, 0), now)).toBe("Last 7 days");
    expect(dateGroupOf(at(2026, 10, 25, 23), now)).toBe("Older");
    expect(dateGroupOf(at(2025, 0, 1), now)).toBe("Older");
  });

  it("keeps the groups in display order and the items in their own order, leaving empty groups out", () => {
    const items = [
      { id: "a", updatedAt: at(2026, 11, 2) },
      { id: "b", updatedAt: at(2026, 10, 1) },
      { id: "c", updatedAt: at(2026, 11, 2, 9) },
      { id: "d", updatedAt: at(2026, 10, 29) },
    ];
    expect(groupByDate(items, now).map((g) => [g.group, g.items.map((i) => i.id)])).toEqual([
      ["Today", ["a", "c"]],
      ["Last 7 days", ["d"]],
      ["Older", ["b"]],
    ]);
  });
});
