/**
 * Workflows learned from the turn's successful tool calls: one procedural
 * memory per tool and kind of request, key `tool:<toolName>:<kind>`.
 *
 * A workflow says what worked, never what to do: it is learned from the
 * assistant's own tool calls, not given by the user, so it reads "Worked
 * before: for …, <tool> with …" and is shown apart from the user's instructions.
 *
 * Tool arguments end up in memories that later reach the system prompt, so an
 * example argument is quoted only when it has the shape the tool expects
 * (an IANA zone, an arithmetic expression, a short plain value).
 */
import type { ProceduralMemory, ToolCallRecord } from "@/lib/memory/types";
import { slug } from "./normalize";

const WORKFLOW_IMPORTANCE = 0.5;

/** How every workflow begins: a record of what worked, not an instruction. */
export const WORKFLOW_PREFIX = "Worked before: ";

const IANA_ZONE = /^(?:[A-Z][A-Za-z_+-]+(?:\/[A-Z0-9][A-Za-z0-9_+-]+){1,2}|UTC|GMT|Etc\/[A-Za-z0-9+-]+)$/;
const EXPRESSION = /^[\d\s+\-*/%^().,×÷−a-z]{1,60}$/i;
const PLAIN_VALUE = /^[\p{L}\p{N} _./:+,-]{1,40}$/u;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A call that ran and answered: no thrown error, an output, and no `{ error }` in it (the app's tools return errors). */
export function isSuccessful(call: ToolCallRecord): boolean {
  return call.error === undefined && call.output !== undefined && !(isRecord(call.output) && "error" in call.output);
}

function stringArg(input: unknown, ...names: string[]): string | undefined {
  if (!isRecord(input)) return undefined;
  for (const name of names) {
    const value = input[name];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

interface Workflow {
  kind: string;
  content: string;
}

type Describer = (call: ToolCallRecord, userMessage: string) => Workflow;

const describers: Record<string, Describer> = {
  getCurrentTime(call, userMessage) {
    const zone = stringArg(call.input, "timeZone", "timezone", "tz");
    const asksDate = /\b(?:date|day|year|month|weekday)\b/i.test(userMessage) && !/\btime\b/i.test(userMessage);
    if (zone && zone !== "UTC" && IANA_ZONE.test(zone)) {
      return {
        kind: asksDate ? "date-in-place" : "time-in-city",
        content: `${WORKFLOW_PREFIX}for the ${asksDate ? "date" : "time"} in a city or country, getCurrentTime with the place's IANA time zone (e.g. ${zone})`,
      };
    }
    return {
      kind: asksDate ? "current-date" : "current-time",
      content: `${WORKFLOW_PREFIX}for the current ${asksDate ? "date" : "time"}, getCurrentTime (UTC unless the user names a place)`,
    };
  },
  calculate(call, userMessage) {
    const expression = stringArg(call.input, "expression", "expr");
    const example = expression && EXPRESSION.test(expression) ? ` (e.g. ${expression})` : "";
    const percent = /%|\bpercent/i.test(`${expression ?? ""} ${userMessage}`);
    return percent
      ? { kind: "percentage", content: `${WORKFLOW_PREFIX}for percentages, calculate with the expression${example}` }
      : { kind: "arithmetic", content: `${WORKFLOW_PREFIX}for arithmetic, calculate with the expression${example}` };
  },
};

/** Tools this file has no describer for: the kind is the tool's subject, the example its plain arguments. */
function describeGeneric(call: ToolCallRecord): Workflow {
  const subject = slug(call.toolName.replace(/^(?:get|fetch|lookup|find|search|load|read)(?=[A-Z_])/, "")) || slug(call.toolName) || "general";
  const args = isRecord(call.input)
    ? Object.entries(call.input).filter(([, v]) => (typeof v === "string" && PLAIN_VALUE.test(v)) || typeof v === "number" || typeof v === "boolean")
    : [];
  const names = isRecord(call.input) ? Object.keys(call.input).filter((k) => /^[A-Za-z_][\w]{0,40}$/.test(k)) : [];
  const example = args.length > 0 ? ` (e.g. ${args.slice(0, 3).map(([k, v]) => `${k}: ${String(v)}`).join(", ")})` : "";
  const withArgs = names.length > 0 ? ` with ${names.slice(0, 5).join(", ")}` : "";
  return { kind: subject, content: `${WORKFLOW_PREFIX}for ${subject.replace(/-/g, " ")} requests, ${call.toolName}${withArgs}${example}` };
}

export function extractWorkflows(toolCalls: readonly ToolCallRecord[], userMessage: string): ProceduralMemory[] {
  const byKey = new Map<string, ProceduralMemory>();
  for (const call of toolCalls) {
    if (!isSuccessful(call) || !/^[A-Za-z_][\w-]{0,63}$/.test(call.toolName)) continue;
    const describe = describers[call.toolName];
    const { kind, content } = describe ? describe(call, userMessage) : describeGeneric(call);
    const key = `tool:${call.toolName}:${kind}`.slice(0, 120);
    if (byKey.has(key)) continue;
    byKey.set(key, { key, kind: "workflow", action: "set", content: content.slice(0, 500), value: call.toolName, importance: WORKFLOW_IMPORTANCE });
  }
  return [...byKey.values()];
}
