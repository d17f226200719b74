import type { Metadata } from "next";
import { AuthCard } from "@/components/account/form-parts";
import { SignInForm } from "@/components/account/sign-in-form";

export const metadata: Metadata = { title: "Sign in · Jarvus" };

export default function SignInPage() {
  return (
    <AuthCard
      title="Sign in"
      intro="What you did as a guest in this browser moves into your account: nothing is lost."
    >
      <SignInForm mode="sign-in" />
      <div className="flex flex-col gap-1 text-sm">
        <a href="/forgot-password" className="text-primary underline-offset-4 hover:underline">
          Forgot your password?
        </a>
        <span className="text-muted-foreground">
          No account yet?{" "}
          <a href="/sign-up" className="text-primary underline-offset-4 hover:underline">
            Create one
          </a>
        </span>
      </div>
    </AuthCard>
  );
}
