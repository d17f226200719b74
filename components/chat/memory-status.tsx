"use client";

import { ExternalLink } from "lucide-react";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { sendJson } from "@/lib/http/send-json";
import { apiFetch } from "@/lib/http/visitor-session";

type TurnStatus = "pending" | "processing" | "done" | "failed" | "skipped";
type JobType = "episodic" | "semantic" | "procedural";

interface TurnView {
  status: TurnStatus;
  delivery?: "sent" | "waiting" | "delayed";
  /** The turn's run on the Inngest dashboard, when one is configured. */
  runUrl?: string | null;
  jobs: { type: JobType; status: string; added: number; updated: number; superseded: number; error: string | null }[];
}

const POLL_MS = 1000;
/** A reply's turn is saved just after it streams; until then the turn answers 404. */
const GIVE_UP_AFTER_MS = 5 * 60_000;

const nouns: Record<JobType, [string, string]> = {
  semantic: ["fact", "facts"],
  procedural: ["instruction", "instructions"],
  episodic: ["episode", "episodes"],
};

export function summarize(view: TurnView): { total: number; text: string } {
  const parts: string[] = [];
  let total = 0;
  for (const type of ["semantic", "procedural", "episodic"] as const) {
    const job = view.jobs.find((j) => j.type === type);
    const n = job ? job.added + job.updated : 0;
    total += n;
    if (n > 0) parts.push(`${n} ${nouns[type][n === 1 ? 0 : 1]}`);
  }
  if (total === 0) return { total, text: "Nothing new to remember" };
  return { total, text: `Saved ${total} ${total === 1 ? "memory" : "memories"}: ${parts.join(", ")}` };
}

/**
 * The memory pipeline's progress for one reply, polled until it settles
 * (done or failed); a failure offers a retry.
 */
export function MemoryStatus({ turnId }: { turnId: string }) {
  const [view, setView] = useState<TurnView | null>(null);
  const [gaveUp, setGaveUp] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const [generation, setGeneration] = useState(0);
  const startedAt = useRef(Date.now());

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const res = await apiFetch(`/api/turns/${turnId}`, { cache: "no-store" });
        if (cancelled) return;
        if (res.ok) {
          const next = (await res.json()) as TurnView;
          setView(next);
          if (next.status === "done" || next.status === "failed" || next.status === "skipped") return; // settled: stop polling
        }
      } catch {
        // offline for a moment: keep trying
      }
      if (Date.now() - startedAt.current > GIVE_UP_AFTER_MS) {
        setGaveUp(true);
        return;
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [turnId, generation]);

  const retry = useCallback(async () => {
    setRetrying(true);
    try {
      const res = await sendJson(`/api/turns/${turnId}/retry`, "POST");
      if (res.ok) {
        setView((v) => (v ? { ...v, status: "pending" } : v));
        startedAt.current = Date.now();
        setGaveUp(false);
        setGeneration((g) => g + 1);
      }
    } finally {
      setRetrying(false);
    }
  }, [turnId]);

  const status: TurnStatus = view?.status ?? "pending";
  let label: React.ReactNode;
  if (status === "done" && view) {
    const summary = summarize(view);
    label =
      summary.total > 0 ? (
        <>
          {summary.text} · <Link href={`/memories?turn=${turnId}`}>view</Link>
        </>
      ) : (
        summary.text
      );
  } else if (status === "skipped") {
    label = "Not remembered (memory is off for this chat)";
  } else if (status === "failed") {
    const failed = view?.jobs.filter((j) => j.status === "failed").map((j) => j.type) ?? [];
    label = `Memory failed${failed.length ? ` (${failed.join(", ")})` : ""}`;
  } else if (view?.delivery === "delayed") {
    label = "Memory delayed — will retry";
  } else if (gaveUp) {
    label = "Memory is still waiting; it will be saved when the background worker is back";
  } else {
    label = status === "processing" ? "Extracting memories…" : "Memory pending…";
  }

  return (
    <div
      className={cn(
        "mt-2 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted-foreground",
        status === "done" && "text-success",
        status === "failed" && "text-destructive",
      )}
      data-testid="memory-status"
      data-status={status}
      aria-live="polite"
    >
      <span>{label}</span>
      {view?.runUrl && (
        // The pipeline's run on the Inngest dashboard: where its steps, retries and errors are.
        <a
          href={view.runUrl}
          target="_blank"
          rel="noreferrer"
          className="inline-flex items-center gap-0.5 text-muted-foreground underline-offset-2 hover:underline"
          data-testid="memory-run-link"
        >
          run <ExternalLink className="size-3" />
        </a>
      )}
      {(status === "failed" || view?.delivery === "delayed") && (
        <Button variant="outline" size="sm" className="h-6 px-2 text-xs" data-testid="memory-retry" disabled={retrying} onClick={() => void retry()}>
          Retry
        </Button>
      )}
    </div>
  );
}
