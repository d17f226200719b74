import { CronExpressionParser } from "cron-parser";

/**
 * Inngest cron strings: 5 fields (or 6 with seconds), optionally prefixed
 * with a time zone as "TZ=Europe/Paris 0 9 * * *" (or "CRON_TZ=…").
 * Without a prefix the schedule is UTC, as on the real server.
 */
export function parseCron(cron: string): { expression: string; tz: string } {
  const m = /^\s*(?:CRON_TZ|TZ)=(\S+)\s+(.+)$/.exec(cron);
  const tz = m?.[1] ?? "UTC";
  const expression = (m?.[2] ?? cron).trim();
  // Validate now so a bad schedule is reported at sync time.
  CronExpressionParser.parse(expression, { tz, currentDate: new Date() });
  return { expression, tz };
}

/** The first tick strictly after `after`. */
export function nextCronTime(cron: string, after: Date): Date {
  const { expression, tz } = parseCron(cron);
  return CronExpressionParser.parse(expression, { tz, currentDate: after }).next().toDate();
}
