import { describe, expect, it } from "vitest";
import { currentTimeAt, getCurrentTime, resolveTimeZone } from "@/lib/ai/tools/get-current-time";

// Monday 23 November 2026, 14:05:09 UTC.
const instant = new Date(Date.UTC(2026, 10, 23, 14, 5, 9));

const run = async (input: { timeZone?: string }) =>
  (await getCurrentTime.execute!(input, { toolCallId: "t", messages: [] })) as Record<string, string>;

describe("currentTimeAt", () => {
  it("formats the instant in the zone with its offset", () => {
    expect(currentTimeAt(instant, "Europe/Lisbon")).toEqual({
      timeZone: "Europe/Lisbon",
      iso: "2026-11-23T14:05:09+00:00",
      formatted: "Monday, 23 November 2026, 14:05",
    });
    expect(currentTimeAt(instant, "Asia/Tokyo")).toEqual({
      timeZone: "Asia/Tokyo",
      iso: "2026-11-23T23:05:09+09:00",
      formatted: "Monday, 23 November 2026, 23:05",
    });
    expect(currentTimeAt(instant, "America/New_York")).toEqual({
      timeZone: "America/New_York",
      iso: "2026-11-23T09:05:09-05:00",
      formatted: "Monday, 23 November 2026, 09:05",
    });
    // Half-hour offsets and the day boundary.
    expect(currentTimeAt(new Date(Date.UTC(2026, 10, 23, 20, 0, 0)), "Asia/Kolkata")).toMatchObject({
      iso: "2026-11-24T01:30:00+05:30",
      formatted: "Tuesday, 24 November 2026, 01:30",
    });
  });

  it("follows daylight saving time", () => {
    expect(currentTimeAt(new Date(Date.UTC(2026, 6, 1, 12, 0, 0)), "Europe/Lisbon")).toMatchObject({
      iso: "2026-07-01T13:00:00+01:00",
    });
  });

  it("defaults to UTC and canonicalises names", () => {
    expect(currentTimeAt(instant)).toMatchObject({ timeZone: "UTC", iso: "2026-11-23T14:05:09+00:00" });
    expect(currentTimeAt(instant, "europe/lisbon")).toMatchObject({ timeZone: "Europe/Lisbon" });
  });

  it("reports an unknown zone as an error result", () => {
    expect(currentTimeAt(instant, "Mars/Olympus_Mons")).toEqual({
      timeZone: "Mars/Olympus_Mons",
      error: expect.stringMatching(/Unknown time zone "Mars\/Olympus_Mons"/),
    });
    expect(resolveTimeZone("")).toBeNull();
    expect(resolveTimeZone("Lisbon")).toBeNull();
  });
});

describe("getCurrentTime tool", () => {
  it("answers for the zone asked, now", async () => {
    const before = Date.now();
    const output = await run({ timeZone: "Asia/Tokyo" });
    expect(output.timeZone).toBe("Asia/Tokyo");
    expect(output.iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    expect(Math.abs(new Date(output.iso!).getTime() - before)).toBeLessThan(5_000);
    expect(output.formatted).toMatch(/^[A-Z][a-z]+day, \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}$/);
  });

  it("uses UTC without a zone (or an empty one)", async () => {
    expect((await run({})).timeZone).toBe("UTC");
    expect((await run({ timeZone: " " })).timeZone).toBe("UTC");
  });

  it("returns an error result for an invalid zone instead of throwing", async () => {
    await expect(run({ timeZone: "Not/AZone" })).resolves.toMatchObject({ error: expect.stringContaining("Not/AZone") });
  });
});
