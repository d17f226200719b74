"use client";

import { useCallback, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/lib/http/send-json";
import { errorInWords } from "./auth-errors";
import { FormError } from "./form-parts";

interface SessionRow {
  id: string;
  token: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  userAgent?: string | null;
}

function describeAgent(agent: string | null | undefined): string {
  if (!agent) return "Unknown browser";
  const browser = /Firefox\//.test(agent) ? "Firefox" : /Edg\//.test(agent) ? "Edge" : /Chrome\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "A browser";
  const system = /Windows/.test(agent) ? "Windows" : /Mac OS X/.test(agent) ? "macOS" : /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iOS" : /Linux/.test(agent) ? "Linux" : "";
  return system ? `${browser} on ${system}` : browser;
}

/** The account's active sessions (better-auth's list-sessions); any can be signed out from here. */
export function SessionsList({ currentSessionId }: { currentSessionId: string }) {
  const [sessions, setSessions] = useState<SessionRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await fetch("/api/auth/list-sessions", { cache: "no-store" }).catch(() => null);
    if (!res?.ok) {
      setError(res ? await errorInWords(res) : "Jarvus cannot be reached.");
      return;
    }
    setSessions((await res.json()) as SessionRow[]);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function revoke(session: SessionRow) {
    setError(null);
    const res = await sendJson("/api/auth/revoke-session", "POST", { token: session.token }).catch(() => null);
    if (!res?.ok) {
      setError(res ? await errorInWords(res) : "Jarvus cannot be reached.");
      return;
    }
    if (session.id === currentSessionId) {
      window.location.assign("/");
      return;
    }
    await load();
  }

  return (
    <div className="flex flex-col gap-3">
      <FormError>{error}</FormError>
      {sessions === null && !error && <p className="text-sm text-muted-foreground">Loading…</p>}
      <ul className="flex flex-col divide-y divide-border rounded-md border border-border" data-testid="sessions-list">
        {sessions?.map((s) => (
          <li key={s.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm" data-testid="session-item">
            <div className="min-w-0">
              <p className="font-medium">
                {describeAgent(s.userAgent)}
                {s.id === currentSessionId && <span className="ml-2 text-xs text-muted-foreground">(this browser)</span>}
              </p>
              <p className="text-xs text-muted-foreground">
                Signed in {new Date(s.createdAt).toLocaleString()} · last used {new Date(s.updatedAt).toLocaleString()}
              </p>
            </div>
            <Button size="sm" variant="outline" onClick={() => void revoke(s)} aria-label={`Sign out ${describeAgent(s.userAgent)}${s.id === currentSessionId ? " (this browser)" : ""}`}>
              Sign out
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
