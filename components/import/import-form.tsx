"use client";

import { buttonClass } from "@/components/ui/button";
import { useEffect, useState } from "react";
import { sendJson } from "@/lib/http/send-json";
import { readErrorMessage } from "@/components/memories/format";
import { apiFetch } from "@/lib/http/visitor-session";

interface ImportStatus {
  id: string;
  status: "processing" | "done" | "failed";
  turns: { total: number; done: number; failed: number; pending: number };
}

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; name: string }
  | { kind: "error"; message: string }
  | { kind: "importing"; importId: string; conversations: number; turns: number };

const POLL_MS = 1000;

/** Pick a file, upload it as it is, then watch its turns become memories. */
export function ImportForm() {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [status, setStatus] = useState<ImportStatus | null>(null);

  async function upload(file: File) {
    setStatus(null);
    setPhase({ kind: "uploading", name: file.name });
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      setPhase({ kind: "error", message: `${file.name} is not a JSON file.` });
      return;
    }
    try {
      const res = await sendJson("/api/import", "POST", body);
      if (res.status !== 202) {
        setPhase({ kind: "error", message: await readErrorMessage(res, "The import failed. Try again.") });
        return;
      }
      const saved = (await res.json()) as { importId: string; conversations: number; turns: number };
      setPhase({ kind: "importing", ...saved });
    } catch {
      setPhase({ kind: "error", message: "Could not reach Jarvus. Check your connection and try again." });
    }
  }

  const importId = phase.kind === "importing" ? phase.importId : null;
  useEffect(() => {
    if (!importId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const res = await apiFetch(`/api/import/${importId}`, { cache: "no-store" });
        if (res.ok) {
          const next = (await res.json()) as ImportStatus;
          if (stopped) return;
          setStatus(next);
          if (next.status !== "processing") return;
        }
      } catch {
        // a moment offline: keep polling
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [importId]);

  const settled = status ? status.turns.done + status.turns.failed : 0;
  return (
    <div className="flex flex-col gap-4" data-testid="import-form">
      <label className="flex flex-col gap-2 rounded-lg border border-dashed border-input bg-card p-6 text-sm">
        <span className="font-medium">Choose a file</span>
        <input
          type="file"
          accept="application/json,.json"
          data-testid="import-file"
          className="max-w-full text-sm text-muted-foreground file:mr-3 file:cursor-pointer file:rounded-md file:border-0 file:bg-primary file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-primary-foreground"
          disabled={phase.kind === "uploading"}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
            e.target.value = "";
          }}
        />
      </label>
      {phase.kind === "uploading" && <p className="text-sm text-muted-foreground">Reading {phase.name}…</p>}
      {phase.kind === "error" && (
        <p role="alert" className="rounded-lg border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive" data-testid="import-error">
          {phase.message}
        </p>
      )}
      {phase.kind === "importing" && (
        <section className="flex flex-col gap-2 rounded-lg border border-border bg-card p-4 text-sm" data-testid="import-progress" data-status={status?.status ?? "processing"}>
          <p>
            {phase.conversations === 0 && phase.turns === 0
              ? "Nothing new: this history was imported before."
              : `Added ${phase.conversations} ${phase.conversations === 1 ? "conversation" : "conversations"} and ${phase.turns} ${phase.turns === 1 ? "exchange" : "exchanges"}.`}
          </p>
          {phase.turns > 0 && (
            <>
              <progress max={status?.turns.total || phase.turns} value={settled} aria-label="Turns turned into memories" className="h-2 w-full accent-primary" />
              <p aria-live="polite" data-testid="import-count">
                {settled} of {status?.turns.total ?? phase.turns} turns
                {status?.status === "processing" ? " — learning…" : ""}
                {status && status.turns.failed > 0 ? ` (${status.turns.failed} failed)` : ""}
              </p>
            </>
          )}
          {status && status.status !== "processing" && (
            <a className={buttonClass({ size: "sm" }) + " self-start no-underline"} href="/memories" data-testid="import-browse">
              Browse what was learned
            </a>
          )}
        </section>
      )}
    </div>
  );
}
