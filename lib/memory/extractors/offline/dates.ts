/**
 * English date expressions resolved against the turn's time (UTC calendar of
 * `occurredAt`; the user's zone is unknown here). Results are ISO 8601 with
 * the precision the user gave: "2027-03-03", "2027-06" (a month), "2027" (a year).
 */

const monthNames = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
] as const;

const weekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

const MONTH = "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const DAY = "(\\d{1,2})(?:st|nd|rd|th)?";
const YEAR = "(\\d{4})";
const WEEKDAY = "(sunday|monday|tuesday|wednesday|thursday|friday|saturday)";
const SMALL_NUMBERS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };

export interface FoundDate {
  /** ISO date at the precision given, or null when the phrase is too vague ("next week"). */
  iso: string | null;
  /** The matched phrase, to cut from values ("on March 3rd"). */
  phrase: string;
}

export interface MonthDay {
  month: number; // 1–12
  day: number;
  year: number | null;
}

const pad = (n: number) => String(n).padStart(2, "0");

export function isoDay(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

function monthIndex(name: string): number {
  const prefix = name.toLowerCase().replace(/\.$/, "").slice(0, 3);
  return monthNames.findIndex((m) => m.startsWith(prefix)) + 1;
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function addDays(base: Date, days: number): Date {
  return new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate() + days));
}

function isoOf(date: Date): string {
  return isoDay(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

export function monthName(month: number): string {
  const name = monthNames[month - 1] ?? "";
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** "March 3" / "3rd of March" / "March 3, 1990" / "1990-03-03", without resolving a missing year. */
export function parseMonthDay(text: string): MonthDay | null {
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(text);
  if (iso) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    return validDay(year, month, day) ? { year, month, day } : null;
  }
  const md = new RegExp(`\\b${MONTH}\\s+${DAY}\\b(?:,?\\s+${YEAR}\\b)?`, "i").exec(text);
  const dm = new RegExp(`\\b${DAY}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+${YEAR}\\b)?`, "i").exec(text);
  const m = md ?? dm;
  if (!m) return null;
  const month = monthIndex(md ? m[1]! : m[2]!);
  const day = Number(md ? m[2] : m[1]);
  const year = m[3] ? Number(m[3]) : null;
  return validDay(year ?? 2000, month, day) ? { month, day, year } : null;
}

/**
 * The first date expression in `text`, resolved against `now`. Dates without a
 * year are taken as the next occurrence (today included); weekdays as the next
 * one after today ("on Friday" and "next Friday" alike).
 */
export function findDate(text: string, now: Date): FoundDate | null {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth() + 1;

  const tries: Array<() => FoundDate | null> = [
    () => {
      const m = /\b(?:on\s+)?(\d{4})-(\d{2})-(\d{2})\b/i.exec(text);
      if (!m) return null;
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      return validDay(y, mo, d) ? { iso: isoDay(y, mo, d), phrase: m[0] } : null;
    },
    () => {
      const md = new RegExp(`\\b(?:on\\s+)?(?:the\\s+)?${MONTH}\\s+${DAY}\\b(?:,?\\s+${YEAR}\\b)?`, "i").exec(text);
      const dm = new RegExp(`\\b(?:on\\s+)?(?:the\\s+)?${DAY}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+${YEAR}\\b)?`, "i").exec(text);
      const m = md ?? dm;
      if (!m) return null;
      const mo = monthIndex(md ? m[1]! : m[2]!);
      const d = Number(md ? m[2] : m[1]);
      let y = m[3] ? Number(m[3]) : year;
      if (!m[3] && (mo < month || (mo === month && d < today.getUTCDate()))) y += 1;
      return validDay(y, mo, d) ? { iso: isoDay(y, mo, d), phrase: m[0] } : null;
    },
    () => {
      const m = /\b(the day after tomorrow|tomorrow|today|tonight|this (?:morning|afternoon|evening))\b/i.exec(text);
      if (!m) return null;
      const word = m[1]!.toLowerCase();
      const offset = word === "the day after tomorrow" ? 2 : word === "tomorrow" ? 1 : 0;
      return { iso: isoOf(addDays(today, offset)), phrase: m[0] };
    },
    () => {
      const m = /\bin\s+(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(days?|weeks?)\b/i.exec(text);
      if (!m) return null;
      const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : (SMALL_NUMBERS[m[1]!.toLowerCase()] ?? 1);
      return { iso: isoOf(addDays(today, m[2]!.toLowerCase().startsWith("week") ? n * 7 : n)), phrase: m[0] };
    },
    () => {
      const m = new RegExp(`\\b(?:on\\s+|next\\s+|this\\s+|this\\s+coming\\s+)?${WEEKDAY}\\b`, "i").exec(text);
      if (!m) return null;
      const prefix = m[1]!.toLowerCase().slice(0, 3);
      const target = weekdayNames.findIndex((w) => w.startsWith(prefix));
      const ahead = ((target - today.getUTCDay() + 7) % 7) || 7;
      return { iso: isoOf(addDays(today, ahead)), phrase: m[0] };
    },
    () => {
      const m = /\b(next|this|later this)\s+(month|year)\b/i.exec(text);
      if (!m) return null;
      const next = m[1]!.toLowerCase() === "next";
      if (m[2]!.toLowerCase() === "year") return { iso: String(next ? year + 1 : year), phrase: m[0] };
      const target = next ? (month === 12 ? { y: year + 1, mo: 1 } : { y: year, mo: month + 1 }) : { y: year, mo: month };
      return { iso: `${target.y}-${pad(target.mo)}`, phrase: m[0] };
    },
    () => {
      const m = new RegExp(`\\b(?:in|this|next|by|during)\\s+(?:early\\s+|late\\s+|mid-?)?${MONTH}(?:\\s+${YEAR})?\\b`, "i").exec(text);
      if (!m) return null;
      const mo = monthIndex(m[1]!);
      const y = m[2] ? Number(m[2]) : mo < month ? year + 1 : year;
      return { iso: `${y}-${pad(mo)}`, phrase: m[0] };
    },
    () => {
      const m = /\b(?:in|by|before|during)\s+(\d{4})\b/i.exec(text);
      if (!m) return null;
      const y = Number(m[1]);
      return y >= 1900 && y <= 2200 ? { iso: String(y), phrase: m[0] } : null;
    },
    () => {
      const m = /\b(?:next|this coming)\s+(?:week(?:end)?|summer|winter|spring|autumn|fall)\b|\bthis\s+(?:week(?:end)?|summer|winter|spring|autumn|fall)\b|\bsoon\b|\bsomeday\b|\bone day\b/i.exec(text);
      return m ? { iso: null, phrase: m[0] } : null;
    },
  ];
  for (const attempt of tries) {
    const found = attempt();
    if (found) return found;
  }
  return null;
}

/** " on 2027-03-03", " in 2027-06", " in 2027", or "" — for third-person content. */
export function describeDate(iso: string | null): string {
  if (iso === null) return "";
  return iso.length === 10 ? ` on ${iso}` : ` in ${iso}`;
}
