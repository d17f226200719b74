"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/lib/http/send-json";
import { errorInWords, PASSWORD_RULES } from "./auth-errors";
import { Field, FormError } from "./form-parts";

/** Sign in or sign up: one form, the fields differ. On success a full load shows the account's data. */
export function SignInForm({ mode }: { mode: "sign-in" | "sign-up" }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body =
      mode === "sign-up"
        ? { name: String(form.get("name") ?? "").trim(), email: String(form.get("email") ?? "").trim(), password: String(form.get("password") ?? "") }
        : { email: String(form.get("email") ?? "").trim(), password: String(form.get("password") ?? "") };
    setBusy(true);
    setError(null);
    try {
      const res = await sendJson(`/api/auth/${mode}/email`, "POST", body);
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
    <form className="flex flex-col gap-4" onSubmit={(e) => void submit(e)} data-testid={`${mode}-form`} noValidate={false}>
      {mode === "sign-up" && <Field id="name" label="Name" autoComplete="name" required maxLength={100} />}
      <Field id="email" label="Email" type="email" autoComplete="email" required maxLength={254} />
      <Field
        id="password"
        label="Password"
        type="password"
        autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
        required
        minLength={mode === "sign-up" ? 8 : undefined}
        maxLength={128}
        hint={mode === "sign-up" ? PASSWORD_RULES : undefined}
      />
      <FormError>{error}</FormError>
      <Button type="submit" disabled={busy}>
        {busy ? "One moment…" : mode === "sign-up" ? "Create account" : "Sign in"}
      </Button>
    </form>
  );
}
