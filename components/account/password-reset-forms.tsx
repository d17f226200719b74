"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/lib/http/send-json";
import { errorInWords, PASSWORD_RULES } from "./auth-errors";
import { Field, FormError, FormNotice } from "./form-parts";

/** Asks for a reset link. The answer is the same whether or not the address has an account. */
export function RequestResetForm({ whereToLook }: { whereToLook: string }) {
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const res = await sendJson("/api/auth/request-password-reset", "POST", { email });
      if (!res.ok) {
        setError(await errorInWords(res));
        return;
      }
      setSent(true);
    } catch {
      setError("Jarvus cannot be reached. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="flex flex-col gap-4" onSubmit={(e) => void submit(e)} data-testid="request-reset-form">
      <Field id="email" label="Email" type="email" autoComplete="email" required />
      <FormError>{error}</FormError>
      <FormNotice>{sent ? `If an account uses that address, a reset link is on its way. ${whereToLook}` : null}</FormNotice>
      <Button type="submit" disabled={busy}>
        {busy ? "One moment…" : "Send reset link"}
      </Button>
    </form>
  );
}

/** Sets a new password with the token from the link; every session of the account ends. */
export function ResetPasswordForm({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newPassword = String(form.get("new-password") ?? "");
    setError(null);
    if (newPassword !== String(form.get("repeat-password") ?? "")) {
      setError("The two passwords are not the same.");
      return;
    }
    setBusy(true);
    try {
      const res = await sendJson("/api/auth/reset-password", "POST", { token, newPassword });
      if (!res.ok) {
        setError(await errorInWords(res));
        return;
      }
      setDone(true);
    } catch {
      setError("Jarvus cannot be reached. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <FormNotice>
        Your password is changed and every browser was signed out.{" "}
        <a href="/sign-in" className="text-primary underline-offset-4 hover:underline">
          Sign in
        </a>{" "}
        with the new one.
      </FormNotice>
    );
  }
  return (
    <form className="flex flex-col gap-4" onSubmit={(e) => void submit(e)} data-testid="reset-password-form">
      <Field id="new-password" label="New password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} hint={PASSWORD_RULES} />
      <Field id="repeat-password" label="New password again" type="password" autoComplete="new-password" required minLength={8} maxLength={128} />
      <FormError>{error}</FormError>
      <Button type="submit" disabled={busy}>
        {busy ? "One moment…" : "Set new password"}
      </Button>
    </form>
  );
}
