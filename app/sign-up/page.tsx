import type { Metadata } from "next";
import { AuthCard } from "@/components/account/form-parts";
import { SignInForm } from "@/components/account/sign-in-form";

export const metadata: Metadata = { title: "Create account · Jarvus" };

export default function SignUpPage() {
  return (
    <AuthCard
      title="Create an account"
      intro="Your conversations and memories so far come with you, and you can reach them from any browser."
    >
      <SignInForm mode="sign-up" />
      <p className="text-sm text-muted-foreground">
        Have an account?{" "}
        <a href="/sign-in" className="text-primary underline-offset-4 hover:underline">
          Sign in
        </a>
      </p>
    </AuthCard>
  );
}
