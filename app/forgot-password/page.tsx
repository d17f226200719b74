import type { Metadata } from "next";
import { AuthCard, FormNotice } from "@/components/account/form-parts";
import { RequestResetForm } from "@/components/account/password-reset-forms";
import { mailSender } from "@/lib/mail/sender";

export const metadata: Metadata = { title: "Forgot password · Jarvus" };

export default function ForgotPasswordPage() {
  const sender = mailSender();
  return (
    <AuthCard title="Forgot your password?" intro="Jarvus mails you a link that lets you choose a new one (it works once, for an hour).">
      {sender ? (
        <RequestResetForm
          whereToLook={
            sender.kind === "outbox"
              ? "No mail server is set up (SMTP_URL): in development the link is printed in the terminal running Jarvus and shown at /dev/outbox."
              : "Check your inbox (and the spam folder)."
          }
        />
      ) : (
        <FormNotice>
          Password reset by email is not available on this server: no mail sender is configured (SMTP_URL). Ask whoever runs this
          Jarvus to set one up.
        </FormNotice>
      )}
      <a href="/sign-in" className="text-sm text-primary underline-offset-4 hover:underline">
        Back to sign in
      </a>
    </AuthCard>
  );
}
