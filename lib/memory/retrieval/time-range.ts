/**
 * The period a question is about, when it names one ("last spring", "in
 * May", "two weeks ago", "in 2023", "last Tuesday"), resolved against now in
 * UTC: a half-open [from, to). Memories said in that period then form a
 * retrieval list of their own, so "what did I say last spring" finds what was
 * said then, whatever its words. Pure; English only, like the offline extractor.
 */
export interface TimeRange {
  from: Date;
  to: Date;
  /** The phrase that named it. */
  phrase: string;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const NUMBERS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, couple: 2, few: 3 };
/** Northern-hemisphere meteorological seasons: [first month, months]. Winter starts in December. */
const SEASONS: Record<string, number> = { spring: 2, summer: 5, autumn: 8, fall: 8, winter: 11 };

const DAY = 86_400_000;
const utc = (y: number, m: number, d = 1) => new Date(Date.UTC(y, m, d));
const startOfDay = (t: Date) => utc(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());

function monthRange(year: number, month: number, months = 1): [Date, Date] {
  return [utc(year, month), utc(year, month + months)];
}

/** The most recent [from, to) of a calendar month or season that has begun by `now`. */
function lastOccurrence(now: Date, month: number, months: number, previous: boolean): [Date, Date] {
  let year = now.getUTCFullYear();
  if (utc(year, month) > now) year--;
  // "last summer" while it is summer means the one before.
  if (previous && now < utc(year, month + months)) year--;
  return monthRange(year, month, months);
}

export function timeRangeOf(query: string, now: Date): TimeRange | null {
  const q = query.toLowerCase();
  const today = startOfDay(now);
  const range = (from: Date, to: Date, phrase: string): TimeRange => ({ from, to, phrase });
  let m: RegExpExecArray | null;

  if ((m = /\b(yesterday|today|tonight|this morning|last night)\b/.exec(q))) {
    const back = m[1] === "yesterday" || m[1] === "last night" ? 1 : 0;
    return range(new Date(today.getTime() - back * DAY), new Date(today.getTime() + (1 - back) * DAY), m[0]);
  }
  if ((m = /\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple|few)(?: of)?\s+(day|week|month|year)s?\s+ago\b/.exec(q))) {
    const count = Number(m[1]) || NUMBERS[m[1]!] || 1;
    const unit = { day: 1, week: 7, month: 30, year: 365 }[m[2] as "day" | "week" | "month" | "year"];
    const center = today.getTime() - count * unit * DAY;
    // "two weeks ago" is loose: half a unit either side (at least a day).
    const half = Math.max(DAY, (unit * DAY) / 2);
    return range(new Date(center - half), new Date(center + half + DAY), m[0]);
  }
  if ((m = /\b(last|this|past)\s+(week|month|year)\b/.exec(q))) {
    const [which, unit] = [m[1], m[2]];
    if (unit === "week") {
      const start = new Date(today.getTime() - today.getUTCDay() * DAY);
      return which === "this" ? range(start, new Date(today.getTime() + DAY), m[0]) : range(new Date(start.getTime() - 7 * DAY), start, m[0]);
    }
    if (unit === "month") {
      const [y, mo] = [today.getUTCFullYear(), today.getUTCMonth()];
      return which === "this" ? range(utc(y, mo), new Date(today.getTime() + DAY), m[0]) : range(utc(y, mo - 1), utc(y, mo), m[0]);
    }
    const y = today.getUTCFullYear();
    return which === "this" ? range(utc(y, 0), new Date(today.getTime() + DAY), m[0]) : range(utc(y - 1, 0), utc(y, 0), m[0]);
  }
  if ((m = /\b(last|this|in the|in|during the|during|over the)?\s*(spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(\d{4}))?\b/.exec(q))) {
    const start = SEASONS[m[2]!]!;
    if (m[3]) return range(...monthRange(Number(m[3]) - (start === 11 ? 1 : 0), start, 3), m[0].trim());
    return range(...lastOccurrence(now, start, 3, m[1] === "last"), m[0].trim());
  }
  if ((m = /\b(?:in|during|since|last|this)?\s*(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b(?:\s+(\d{4}))?/.exec(q))) {
    // "may" is a verb as often as a month: only with a preposition or a year.
    const word = m[1]!;
    const hasCue = /^(?:in|during|since|last|this)\s/.test(m[0].trim()) || m[2] !== undefined;
    if (word !== "may" || hasCue) {
      const month = MONTHS.indexOf(word.slice(0, 3));
      if (m[2]) return range(...monthRange(Number(m[2]), month), m[0].trim());
      return range(...lastOccurrence(now, month, 1, /^last\s/.test(m[0].trim())), m[0].trim());
    }
  }
  if ((m = /\b(?:in|during|since)\s+(\d{4})\b/.exec(q)) || (m = /\b(\d{4})\b/.exec(q))) {
    const year = Number(m[1]);
    if (year >= 1900 && year <= now.getUTCFullYear() + 1) return range(utc(year, 0), utc(year + 1, 0), m[0]);
  }
  if ((m = /\b(last|on)\s+(sunday|monday|tuesday|wednesday|thursday|friday|saturday)\b/.exec(q))) {
    const target = WEEKDAYS.indexOf(m[2]!);
    let back = (today.getUTCDay() - target + 7) % 7;
    if (back === 0) back = 7;
    const day = new Date(today.getTime() - back * DAY);
    return range(day, new Date(day.getTime() + DAY), m[0]);
  }
  return null;
}
