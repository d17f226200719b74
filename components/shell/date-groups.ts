export type DateGroup = "Today" | "Yesterday" | "Last 7 days" | "Older";

const ORDER: DateGroup[] = ["Today", "Yesterday", "Last 7 days", "Older"];

/** Which group a conversation last active at `iso` falls in, by the viewer's local calendar days. */
export function dateGroupOf(iso: string, now: Date = new Date()): DateGroup {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const t = new Date(iso).getTime();
  const day = 24 * 60 * 60 * 1000;
  if (t >= startOfToday) return "Today";
  if (t >= startOfToday - day) return "Yesterday";
  if (t >= startOfToday - 6 * day) return "Last 7 days";
  return "Older";
}

/** Items grouped in display order; empty groups left out; the items' own order kept. */
export function groupByDate<T extends { updatedAt: string }>(items: T[], now: Date = new Date()): { group: DateGroup; items: T[] }[] {
  const groups = new Map<DateGroup, T[]>();
  for (const item of items) {
    const g = dateGroupOf(item.updatedAt, now);
    groups.set(g, [...(groups.get(g) ?? []), item]);
  }
  return ORDER.filter((g) => groups.has(g)).map((group) => ({ group, items: groups.get(group)! }));
}
