"use client";

import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/lib/http/send-json";

export interface AccountSummary {
  email: string;
  name: string | null;
}

/**
 * Who the visitor is, at the foot of the sidebar: a guest (with the way to
 * an account) or the account's name and email, its page, and sign out.
 */
export function AccountMenu({ account }: { account: AccountSummary | null }) {
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Extends the session (and its cookie) while the account is in use; renders cannot set cookies.
    if (account) void fetch("/api/auth/get-session", { cache: "no-store" }).catch(() => undefined);
  }, [account]);

  async function signOut() {
    setError(null);
    const res = await sendJson("/api/auth/sign-out", "POST", {}).catch(() => null);
    if (!res?.ok) {
      setError("Could not sign out. Try again.");
      return;
    }
    window.location.assign("/");
  }

  if (!account) {
    return (
      <div className="flex flex-col gap-2 border-t border-border px-2 pt-3 text-sm" data-testid="account-menu">
        <p className="text-muted-foreground" data-testid="account-guest">
          You are a guest: what you say is kept in this browser only.
        </p>
        <div className="flex gap-2">
          <Button asChild size="sm">
            <a href="/sign-up">Create account</a>
          </Button>
          <Button asChild size="sm" variant="outline">
            <a href="/sign-in">Sign in</a>
          </Button>
        </div>
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-2 border-t border-border px-2 pt-3 text-sm" data-testid="account-menu">
      <div className="min-w-0">
        {account.name && <p className="truncate font-medium">{account.name}</p>}
        <p className="truncate text-muted-foreground" data-testid="account-email">
          {account.email}
        </p>
      </div>
      <div className="flex gap-2">
        <Button asChild size="sm" variant="outline">
          <a href="/account">Account</a>
        </Button>
        <Button size="sm" variant="ghost" onClick={() => void signOut()} data-testid="sign-out">
          Sign out
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
