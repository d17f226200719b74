import { resolveTimeZone } from "@/lib/ai/tools/get-current-time";

/**
 * Rule-based reading of the user's message for the offline model: does it ask
 * for the time or date (and where), or contain arithmetic? English only,
 * deterministic.
 */

/** Lower case, straight quotes, no accents, single spaces. */
export function normalize(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** Cities (and a few countries) people ask about, to IANA zones. */
const PLACES: Record<string, string> = {
  lisbon: "Europe/Lisbon",
  porto: "Europe/Lisbon",
  portugal: "Europe/Lisbon",
  london: "Europe/London",
  manchester: "Europe/London",
  edinburgh: "Europe/London",
  dublin: "Europe/Dublin",
  paris: "Europe/Paris",
  france: "Europe/Paris",
  berlin: "Europe/Berlin",
  munich: "Europe/Berlin",
  hamburg: "Europe/Berlin",
  germany: "Europe/Berlin",
  madrid: "Europe/Madrid",
  barcelona: "Europe/Madrid",
  spain: "Europe/Madrid",
  rome: "Europe/Rome",
  milan: "Europe/Rome",
  italy: "Europe/Rome",
  amsterdam: "Europe/Amsterdam",
  brussels: "Europe/Brussels",
  vienna: "Europe/Vienna",
  zurich: "Europe/Zurich",
  geneva: "Europe/Zurich",
  stockholm: "Europe/Stockholm",
  oslo: "Europe/Oslo",
  copenhagen: "Europe/Copenhagen",
  helsinki: "Europe/Helsinki",
  warsaw: "Europe/Warsaw",
  prague: "Europe/Prague",
  budapest: "Europe/Budapest",
  athens: "Europe/Athens",
  istanbul: "Europe/Istanbul",
  kyiv: "Europe/Kyiv",
  kiev: "Europe/Kyiv",
  moscow: "Europe/Moscow",
  cairo: "Africa/Cairo",
  lagos: "Africa/Lagos",
  nairobi: "Africa/Nairobi",
  johannesburg: "Africa/Johannesburg",
  "cape town": "Africa/Johannesburg",
  dubai: "Asia/Dubai",
  "tel aviv": "Asia/Jerusalem",
  jerusalem: "Asia/Jerusalem",
  mumbai: "Asia/Kolkata",
  delhi: "Asia/Kolkata",
  "new delhi": "Asia/Kolkata",
  bangalore: "Asia/Kolkata",
  india: "Asia/Kolkata",
  bangkok: "Asia/Bangkok",
  singapore: "Asia/Singapore",
  "hong kong": "Asia/Hong_Kong",
  shanghai: "Asia/Shanghai",
  beijing: "Asia/Shanghai",
  china: "Asia/Shanghai",
  taipei: "Asia/Taipei",
  seoul: "Asia/Seoul",
  tokyo: "Asia/Tokyo",
  osaka: "Asia/Tokyo",
  japan: "Asia/Tokyo",
  sydney: "Australia/Sydney",
  melbourne: "Australia/Melbourne",
  brisbane: "Australia/Brisbane",
  perth: "Australia/Perth",
  auckland: "Pacific/Auckland",
  "new zealand": "Pacific/Auckland",
  honolulu: "Pacific/Honolulu",
  anchorage: "America/Anchorage",
  "los angeles": "America/Los_Angeles",
  "san francisco": "America/Los_Angeles",
  seattle: "America/Los_Angeles",
  vancouver: "America/Vancouver",
  denver: "America/Denver",
  phoenix: "America/Phoenix",
  chicago: "America/Chicago",
  houston: "America/Chicago",
  dallas: "America/Chicago",
  "mexico city": "America/Mexico_City",
  "new york": "America/New_York",
  "new york city": "America/New_York",
  nyc: "America/New_York",
  boston: "America/New_York",
  washington: "America/New_York",
  miami: "America/New_York",
  toronto: "America/Toronto",
  montreal: "America/Toronto",
  bogota: "America/Bogota",
  lima: "America/Lima",
  santiago: "America/Santiago",
  "buenos aires": "America/Argentina/Buenos_Aires",
  "sao paulo": "America/Sao_Paulo",
  "rio de janeiro": "America/Sao_Paulo",
  brazil: "America/Sao_Paulo",
  utc: "UTC",
  gmt: "UTC",
};

// Longest names first, so "new delhi" wins over "delhi" and "new york city" over "new york".
const PLACE_NAMES = Object.keys(PLACES).sort((a, b) => b.length - a.length);

export interface Place {
  /** As the user wrote it, title-cased: "Lisbon", "New York". */
  name: string;
  timeZone: string;
}

function titleCase(name: string): string {
  if (name === "utc" || name === "gmt" || name === "nyc") return name.toUpperCase();
  return name.replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

/** A place named in the text: a known city or country, or an explicit IANA zone ("Europe/Lisbon"). */
export function findPlace(text: string): Place | null {
  const iana = /\b([A-Za-z]+\/[A-Za-z_]+(?:\/[A-Za-z_]+)?)\b/.exec(text);
  if (iana?.[1]) {
    const zone = resolveTimeZone(iana[1]);
    if (zone) return { name: zone, timeZone: zone };
  }
  const normalized = normalize(text);
  for (const name of PLACE_NAMES) {
    if (new RegExp(`\\b${name}\\b`).test(normalized)) return { name: titleCase(name), timeZone: PLACES[name]! };
  }
  return null;
}

export type TimeQuestion = "time" | "date";

const TIME_PATTERNS = [
  /\bwhat time\b/,
  /\btime is it\b/,
  /\bwhat(?:'s| is)? the (?:current |local )?time\b/,
  /\b(?:current|local) time\b/,
  /\btime (?:right )?now\b/,
  /\bwhats the time\b/,
  /\btell me the time\b/,
];

const DATE_PATTERNS = [
  /\bwhat(?:'s| is)? (?:the |today'?s )?(?:current )?date\b/,
  /\bwhats the date\b/,
  /\btoday'?s date\b/,
  /\bcurrent date\b/,
  /\b(?:what|which) day (?:is it|is today|of the week)\b/,
  /\bwhat is today\b/,
  /\bwhat(?:'s| is)? the day today\b/,
  /\bwhat year is it\b/,
  /\bwhat month is it\b/,
];

/** "time" or "date" when the message asks for the current time or date, else null. */
export function detectTimeQuestion(text: string): TimeQuestion | null {
  const t = normalize(text);
  if (TIME_PATTERNS.some((p) => p.test(t))) return "time";
  if (DATE_PATTERNS.some((p) => p.test(t))) return "date";
  return null;
}

const MATH_TRIGGER = /\b(?:calculate|calc|compute|evaluate|solve|what(?:'s| is)|whats|how much is|how many is)\b|=\s*\??$/;

/** Words and signs people use for operators, rewritten to the calculator's syntax. */
function rewriteMathWords(text: string): string {
  return normalize(text)
    .replace(/[\u00d7\u2715]/g, "*")
    .replace(/\u00f7/g, "/")
    .replace(/\u2212/g, "-")
    .replace(/(\d),(?=\d{3}\b)/g, "$1")
    .replace(/\b(?:the )?square root of\s+(\d+(?:\.\d+)?)/g, "sqrt($1)")
    .replace(/\bsqrt\s+(\d+(?:\.\d+)?)/g, "sqrt($1)")
    .replace(/(\d+(?:\.\d+)?)\s*(?:%|percent)\s+of\s+/g, "$1/100*")
    .replace(/\s+squared\b/g, "^2")
    .replace(/\s+cubed\b/g, "^3")
    .replace(/\s+to the power of\s+/g, "^")
    .replace(/\s+plus\s+/g, "+")
    .replace(/\s+minus\s+/g, "-")
    .replace(/\s+(?:times|multiplied by)\s+/g, "*")
    .replace(/\s+(?:divided by|over)\s+/g, "/")
    .replace(/\s+(?:mod|modulo)\s+/g, "%")
    .replace(/(\d)\s*x\s*(?=\d)/g, "$1*");
}

const EXPRESSION_RUN =
  /(?:\d+(?:\.\d+)?|\.\d+|\b(?:sqrt|abs|round|floor|ceil|pi)\b|\*\*|[-+*/%^()]|[ \t])+/g;

/**
 * The arithmetic expression in a message ("what is 12*(3+4)?" → "12*(3+4)"),
 * or null. A run of numbers and operators counts when the message asks for a
 * calculation, or when the run is most of the message; so "born 1990-05-03"
 * alone is not arithmetic.
 */
export function findExpression(text: string): string | null {
  const rewritten = rewriteMathWords(text);
  let best: string | null = null;
  for (const match of rewritten.matchAll(EXPRESSION_RUN)) {
    const candidate = match[0].trim().replace(/\s+/g, " ");
    const hasNumber = /\d|\bpi\b/.test(candidate);
    const hasOperation = /\d\s*(?:[-+*/%^]|\*\*)\s*[-+(\d.a-z]|\)\s*[-+*/%^]|\b(?:sqrt|abs|round|floor|ceil)\(/.test(
      candidate,
    );
    if (hasNumber && hasOperation && (!best || candidate.length > best.length)) best = candidate;
  }
  if (!best) return null;
  const rest = rewritten.replace(/[^a-z0-9]/g, "");
  const own = best.replace(/[^a-z0-9]/g, "");
  if (MATH_TRIGGER.test(rewritten) || own.length >= rest.length * 0.6) return best;
  return null;
}
