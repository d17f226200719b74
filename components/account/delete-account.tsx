"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { sendJson } from "@/lib/http/send-json";
import { errorInWords } from "./auth-errors";
import { Field } from "./form-parts";

/** Deletes the account and everything of it, after the password and a confirmation. */
export function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function remove(fields: FormData) {
    const password = String(fields.get("delete-password") ?? "");
    setBusy(true);
    setError(null);
    try {
      const res = await sendJson("/api/account", "DELETE", { password });
      if (!res.ok) {
        setError(await errorInWords(res));
        return;
      }
      window.location.assign("/");
    } catch {
      setError("Jarvus cannot be reached. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => (setOpen(next), setError(null))}
      trigger={
        <Button variant="destructive-outline" className="self-start" data-testid="delete-account">
          Delete account…
        </Button>
      }
      title="Delete your account?"
      description={
        <>
          Every conversation, memory, its history, import and background run of yours is deleted at once, and you are
          signed out everywhere. This cannot be undone. Export your memories first if you want to keep them.
        </>
      }
      error={error}
      busy={busy}
      confirmLabel="Delete everything"
      busyLabel="Deleting…"
      onConfirm={(fields) => void remove(fields)}
      testId="delete-account"
    >
      <Field id="delete-password" label="Your password" type="password" autoComplete="current-password" required />
    </ConfirmDialog>
  );
}
