"use client";

import { Calculator, ChevronDown, Clock, Wrench } from "lucide-react";
import { useId, useState, type ComponentType } from "react";
import { cn } from "@/lib/cn";

interface ToolPartLike {
  type: string;
  toolName?: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
}

const stateLabel: Record<string, string> = {
  "input-streaming": "Preparing",
  "input-available": "Running",
  "output-available": "Done",
  "output-error": "Failed",
};

type Record_ = Record<string, unknown>;
const asRecord = (v: unknown): Record_ => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record_) : {});
const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);

/** How each tool reads in words; a tool not listed falls back to "key: value" lines. */
const describers: Record<
  string,
  { title: string; icon: ComponentType<{ className?: string }>; args: (i: Record_) => string; result: (o: Record_) => string | undefined }
> = {
  getCurrentTime: {
    title: "Current time",
    icon: Clock,
    args: (i) => (str(i.timeZone) ? `in ${str(i.timeZone)}` : "in the default time zone"),
    result: (o) => str(o.error) ?? (str(o.formatted) ? `${str(o.formatted)} (${str(o.timeZone)})` : undefined),
  },
  calculate: {
    title: "Calculator",
    icon: Calculator,
    args: (i) => str(i.expression) ?? "",
    result: (o) => str(o.error) ?? (o.result !== undefined ? `= ${str(o.result) ?? JSON.stringify(o.result)}` : undefined),
  },
};

function inWords(value: unknown): string {
  const entries = Object.entries(asRecord(value));
  if (entries.length === 0) return value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  return entries.map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
}

/** A tool call as a compact card: which tool, its arguments in words, what came back; the raw JSON on request. */
export function ToolCall({ part }: { part: ToolPartLike }) {
  const name = part.toolName ?? part.type.replace(/^tool-/, "");
  const [open, setOpen] = useState(false);
  const rawId = useId();
  const d = describers[name];
  const Icon = d?.icon ?? Wrench;
  const args = d ? d.args(asRecord(part.input)) : inWords(part.input);
  const result =
    part.state === "output-available" ? ((d ? d.result(asRecord(part.output)) : undefined) ?? inWords(part.output)) : undefined;
  const failed = part.state === "output-error" || (part.state === "output-available" && "error" in asRecord(part.output));
  return (
    <div
      className="my-2 w-full max-w-xl rounded-lg border border-border bg-card text-sm"
      data-testid="tool-call"
      data-tool={name}
      data-state={part.state}
    >
      <div className="flex items-center gap-2 px-3 py-2">
        <Icon className="size-4 shrink-0 text-muted-foreground" />
        <span className="font-medium">{d?.title ?? name}</span>
        {args && (
          <span className="min-w-0 truncate text-muted-foreground" data-testid="tool-input" title={args}>
            {args}
          </span>
        )}
        <span
          className={cn(
            "ml-auto shrink-0 rounded-full px-2 py-0.5 text-xs",
            failed ? "bg-destructive/10 text-destructive" : part.state === "output-available" ? "bg-success/10 text-success" : "bg-muted text-muted-foreground",
          )}
        >
          {failed ? "Failed" : (stateLabel[part.state] ?? part.state)}
        </span>
        <button
          type="button"
          className="shrink-0 cursor-pointer rounded p-0.5 text-muted-foreground hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
          aria-expanded={open}
          aria-controls={rawId}
          aria-label={open ? "Hide raw JSON" : "Show raw JSON"}
          onClick={() => setOpen((o) => !o)}
          data-testid="tool-json-toggle"
        >
          <ChevronDown className={cn("size-4 transition-transform", open && "rotate-180")} />
        </button>
      </div>
      {result !== undefined && (
        <p className={cn("border-t border-border px-3 py-2 break-words", failed && "text-destructive")} data-testid="tool-output">
          {result}
        </p>
      )}
      {part.state === "output-error" && (
        <p className="border-t border-border px-3 py-2 text-destructive" data-testid="tool-error">
          {part.errorText}
        </p>
      )}
      {open && (
        <div id={rawId} className="grid gap-2 border-t border-border bg-muted/50 px-3 py-2" data-testid="tool-json">
          <pre className="overflow-x-auto text-xs whitespace-pre-wrap break-all">
            <span className="text-muted-foreground">input </span>
            {JSON.stringify(part.input ?? null, null, 2)}
          </pre>
          {part.state === "output-available" && (
            <pre className="overflow-x-auto text-xs whitespace-pre-wrap break-all">
              <span className="text-muted-foreground">result </span>
              {JSON.stringify(part.output, null, 2)}
            </pre>
          )}
        </div>
      )}
    </div>
  );
}
