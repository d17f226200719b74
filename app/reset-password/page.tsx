import type { Metadata } from "next";
import { AuthCard, FormError } from "@/components/account/form-parts";
import { ResetPasswordForm } from "@/components/account/password-reset-forms";

export const metadata: Metadata = { title: "Choose a new password · Jarvus" };

/** The page a reset mail links to: `?token=…`. */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token } = await searchParams;
  return (
    <AuthCard title="Choose a new password">
      {typeof token === "string" && token ? (
        <ResetPasswordForm token={token} />
      ) : (
        <FormError>
          This page needs the link from the reset mail. <a href="/forgot-password">Ask for a new link.</a>
        </FormError>
      )}
    </AuthCard>
  );
}
