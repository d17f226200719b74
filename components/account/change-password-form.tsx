"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/lib/http/send-json";
import { errorInWords, PASSWORD_RULES } from "./auth-errors";
import { Field, FormError, FormNotice } from "./form-parts";

/** A new password; every other session is signed out (the server insists). */
export function ChangePasswordForm() {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const currentPassword = String(form.get("current-password") ?? "");
    const newPassword = String(form.get("new-password") ?? "");
    setError(null);
    setDone(false);
    if (newPassword !== String(form.get("repeat-password") ?? "")) {
      setError("The two new passwords are not the same.");
      return;
    }
    setBusy(true);
    try {
      const res = await sendJson("/api/auth/change-password", "POST", { currentPassword, newPassword, revokeOtherSessions: true });
      if (!res.ok) {
        setError(await errorInWords(res));
        return;
      }
      formElement.reset();
      setDone(true);
    } catch {
      setError("Jarvus cannot be reached. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="flex flex-col gap-4" onSubmit={(e) => void submit(e)} data-testid="change-password-form">
      <Field id="current-password" label="Current password" type="password" autoComplete="current-password" required />
      <Field id="new-password" label="New password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} hint={PASSWORD_RULES} />
      <Field id="repeat-password" label="New password again" type="password" autoComplete="new-password" required minLength={8} maxLength={128} />
      <FormError>{error}</FormError>
      <FormNotice>{done ? "Password changed. Every other browser was signed out." : null}</FormNotice>
      <Button type="submit" disabled={busy} className="self-start">
        {busy ? "One moment…" : "Change password"}
      </Button>
    </form>
  );
}
