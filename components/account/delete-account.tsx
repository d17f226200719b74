"use client";

import { useState, type FormEvent } from "react";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogConfirm,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/lib/http/send-json";
import { errorInWords } from "./auth-errors";
import { Field, FormError } from "./form-parts";

/** Deletes the account and everything of it, after the password and a confirmation. */
export function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("delete-password") ?? "");
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
    <AlertDialog open={open} onOpenChange={(next) => (setOpen(next), setError(null))}>
      <AlertDialogTrigger asChild>
        <Button variant="destructive-outline" className="self-start" data-testid="delete-account">
          Delete account…
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <form className="flex flex-col gap-4" onSubmit={(e) => void submit(e)}>
          <AlertDialogHeader>
            <AlertDialogTitle>Delete your account?</AlertDialogTitle>
            <AlertDialogDescription>
              Every conversation, memory, its history, import and background run of yours is deleted at once, and you are
              signed out everywhere. This cannot be undone. Export your memories first if you want to keep them.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <Field id="delete-password" label="Your password" type="password" autoComplete="current-password" required />
          <FormError>{error}</FormError>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <AlertDialogConfirm type="submit" disabled={busy} data-testid="confirm-delete-account">
              {busy ? "Deleting…" : "Delete everything"}
            </AlertDialogConfirm>
          </AlertDialogFooter>
        </form>
      </AlertDialogContent>
    </AlertDialog>
  );
}
