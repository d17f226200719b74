import { tool } from "ai";
import { z } from "zod";

/** The zone used when the caller names none: servers (and Vercel) run in UTC anyway. */
export const DEFAULT_TIME_ZONE = "UTC";

export type GetCurrentTimeOutput =
  | {
      /** Canonical IANA name, e.g. "Europe/Lisbon". */
      timeZone: string;
      /** Local time with its UTC offset, e.g. "2026-11-23T14:05:09+00:00". */
      iso: string;
      /** e.g. "Monday, 23 November 2026, 14:05". */
      formatted: string;
    }
  | { timeZone: string; error: string };

/** The canonical IANA name of a time zone, or null when the runtime does not know it. */
export function resolveTimeZone(timeZone: string): string | null {
  const trimmed = timeZone.trim();
  if (trimmed === "" || trimmed.length > 64) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export interface ZonedDateParts {
  weekday: string;
  day: number;
  month: string;
  /** 1–12 */
  monthNumber: number;
  year: number;
  /** Two digits, 24-hour clock. */
  hour: string;
  minute: string;
  second: string;
  /** "+01:00", "-05:00", "+00:00". */
  offset: string;
}

const formatters = new Map<string, { named: Intl.DateTimeFormat; numeric: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string) {
  let pair = formatters.get(timeZone);
  if (!pair) {
    const common = { timeZone, day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" } as const;
    pair = {
      named: new Intl.DateTimeFormat("en-GB", { ...common, weekday: "long", month: "long" }),
      numeric: new Intl.DateTimeFormat("en-GB", { ...common, month: "numeric" }),
    };
    formatters.set(timeZone, pair);
  }
  return pair;
}

function partsOf(formatter: Intl.DateTimeFormat, date: Date): Record<string, string> {
  return Object.fromEntries(formatter.formatToParts(date).map((p) => [p.type, p.value]));
}

const two = (n: number) => String(n).padStart(2, "0");

/** The wall-clock parts of `date` in `timeZone` (which must be valid: see resolveTimeZone). */
export function zonedDateParts(date: Date, timeZone: string): ZonedDateParts {
  const { named, numeric } = formattersFor(timeZone);
  const parts = partsOf(named, date);
  const monthNumber = Number(partsOf(numeric, date).month);
  const year = Number(parts.year);
  const day = Number(parts.day);
  const [hour, minute, second] = [parts.hour ?? "00", parts.minute ?? "00", parts.second ?? "00"];
  // The offset is the wall clock read as UTC minus the instant (both at whole seconds).
  const wall = Date.UTC(year, monthNumber - 1, day, Number(hour), Number(minute), Number(second));
  const offsetMinutes = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const abs = Math.abs(offsetMinutes);
  return {
    weekday: parts.weekday ?? "",
    day,
    month: parts.month ?? "",
    monthNumber,
    year,
    hour,
    minute,
    second,
    offset: `${offsetMinutes < 0 ? "-" : "+"}${two(Math.floor(abs / 60))}:${two(abs % 60)}`,
  };
}

/** "Monday, 23 November 2026" */
export function formatDate(parts: ZonedDateParts): string {
  return `${parts.weekday}, ${parts.day} ${parts.month} ${parts.year}`;
}

/** "14:05" */
export function formatTime(parts: ZonedDateParts): string {
  return `${parts.hour}:${parts.minute}`;
}

/** The tool's answer for a given instant; pure, so it is testable with a fixed date. */
export function currentTimeAt(date: Date, timeZone: string = DEFAULT_TIME_ZONE): GetCurrentTimeOutput {
  const resolved = resolveTimeZone(timeZone);
  if (!resolved) {
    return {
      timeZone,
      error: `Unknown time zone "${timeZone}". Use an IANA name such as "Europe/Lisbon" or "America/New_York".`,
    };
  }
  const p = zonedDateParts(date, resolved);
  return {
    timeZone: resolved,
    iso: `${p.year}-${two(p.monthNumber)}-${two(p.day)}T${p.hour}:${p.minute}:${p.second}${p.offset}`,
    formatted: `${formatDate(p)}, ${formatTime(p)}`,
  };
}

export const getCurrentTime = tool({
  description:
    "Get the current date and time. Use it whenever the user asks for the time, date, day of the week or year; never guess. " +
    `Pass the IANA time zone of the place asked about (e.g. "Europe/Lisbon"); without one the answer is in ${DEFAULT_TIME_ZONE}.`,
  inputSchema: z.object({
    timeZone: z.string().optional().describe('IANA time zone, e.g. "Europe/Lisbon", "America/New_York", "Asia/Tokyo".'),
  }),
  // An unknown zone is returned as { error } rather than thrown, so the model can correct itself and the UI shows why.
  // Models sometimes send "" for "no zone": that means the default too.
  execute: async ({ timeZone }): Promise<GetCurrentTimeOutput> =>
    currentTimeAt(new Date(), timeZone?.trim() || DEFAULT_TIME_ZONE),
});
